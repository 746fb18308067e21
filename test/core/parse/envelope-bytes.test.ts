/**
 * The byte check of a line's envelope (envelope-bytes.ts) may only vouch for lines the line reader does not call
 * malformed, and must vouch for the common shapes (else it saves nothing).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { envelopeSurelyReadable } from '../../../src/core/parse/envelope-bytes.js';
import { createLineReader, isCandidateLine, parseEnvelope } from '../../../src/core/parse/index.js';
import { chatterLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { syslogLine } from '../../helpers/syslog-line-arbitrary.js';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const surely = (line: string) => {
  const bytes = Buffer.from(line, 'utf8');
  return envelopeSurelyReadable(bytes, 0, bytes.length);
};

test('a line it vouches for has an envelope the parser reads; without a candidate substring it is never malformed', () => {
  let vouched = 0;
  fc.assert(
    fc.property(syslogLine, (line) => {
      if (surely(line)) {
        vouched++;
        const text = line.endsWith('\r') ? line.slice(0, -1) : line;
        assert.ok(parseEnvelope(text, 'UTC', () => T0).ok, JSON.stringify(line));
        if (!isCandidateLine(line)) {
          const out = createLineReader({ year: 2026 }).read(line);
          assert.notEqual(out.kind, 'malformed', JSON.stringify({ line, out }));
        }
      }
    }),
    { numRuns: 20_000, seed: 17 },
  );
  // The generator makes plenty of good lines: a check that vouched for none would pass the property above.
  assert.ok(vouched > 2_000, `vouched for ${vouched}`);
});

test('it vouches for what CMS sends (with or without <PRI>), and not for what it cannot be sure of', () => {
  for (let i = 0; i < 50; i++) {
    assert.ok(surely(`<14>${chatterLine(T0 + i * 997, 'cms3', i)}`), chatterLine(T0 + i * 997, 'cms3', i));
    assert.ok(surely(chatterLine(T0 + i * 997, 'cms3', i)));
    assert.ok(surely(`<14>${webBridgeStatsLine(T0 + i, 'cms1', i, i, i)}\r`));
  }
  for (const line of [
    '',
    '<14>',
    '<999>Nov 20 09:00:00 cms1 x: y',
    '<1a>Nov 20 09:00:00 cms1 x: y',
    'Nov 20 09:00:00',
    'Nov 20 09:00:00 user.info',
    'Nov 20 09:00:00 user.info \r',
    'Nov 20 25:00:00 cms1 x: y',
    'Nov 20 09:00:00.1234567 cms1 x: y',
    'Nov 20 09:00:00. cms1 x: y',
    'Nov 20 09:00:00Z cms1 x: y',
    'Nov 32 09:00:00 cms1 x: y',
    '2026-11-20T09:00:00Z cms1 x: y',
    '<14>1 2026-11-20T09:00:00Z cms1 app - - - msg',
    '\u00ffgarbage',
    `Nov 20 09:00:00 cms1 ${'x'.repeat(70_000)}`,
  ]) {
    assert.equal(surely(line), false, JSON.stringify(line.slice(0, 60)));
  }
});

test('it reads only inside [start, end): the bytes around are not looked at', () => {
  const line = chatterLine(T0, 'cms1', 3);
  const bytes = Buffer.from(`Nov 20 09:00:00 cms9 junk\n${line}\nNov`, 'utf8');
  const start = bytes.indexOf('\n') + 1;
  const end = start + Buffer.byteLength(line);
  assert.ok(envelopeSurelyReadable(bytes, start, end));
  // Cut before the host: not readable, even though bytes past `end` would complete it.
  const cut = Buffer.from('Nov 20 09:00:00 user.info cms1 x: y', 'latin1');
  assert.equal(envelopeSurelyReadable(cut, 0, 'Nov 20 09:00:00 user.info'.length + 1), false);
});
