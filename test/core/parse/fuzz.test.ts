/**
 * Property tests: the line reader never throws and always returns a well-formed outcome, over more than 100,000
 * generated and mutated lines; well-formed Stats and STATS lines round-trip their numbers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LineOutcome } from '../../../src/core/model.js';
import { createLineReader } from '../../../src/core/parse/index.js';

const seeds = (
  JSON.parse(readFileSync(new URL('../../fixtures/syslog/cms-lines.json', import.meta.url), 'utf8')) as {
    cases: Array<{ line: string }>;
  }
).cases.map((c) => c.line);

function wellFormed(out: LineOutcome): boolean {
  if (out.kind === 'ignored') {
    return true;
  }
  if (out.kind === 'malformed') {
    return typeof out.reason === 'string' && out.reason.length > 0;
  }
  const r = out.record;
  return Number.isFinite(r.at) && typeof r.host === 'string' && r.host.length > 0;
}

const reader = createLineReader({ year: 2026, timeZone: 'Europe/Berlin' });
let checked = 0;
function check(line: string): void {
  checked++;
  const out = reader.read(line);
  assert.ok(wellFormed(out), JSON.stringify(out));
}

/** Mutations of real lines: byte flips, truncation, insertion of hostile fragments. */
const hostile = fc.constantFrom(
  '\u0000',
  '\uFFFD',
  '99999999999999999999999',
  '-1',
  '{"CMA":',
  '{"CMA": {"a": [1,2,{}]}}',
  'STATS: ',
  'Stats ',
  ', c:',
  '<191>',
  '<',
  '[',
  '"',
  '\\',
  '\r',
  ' '.repeat(300),
  'NaN',
  '1e308',
);
const mutatedLine = fc
  .tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), hostile, fc.integer({ min: 0, max: 3 }))
  .map(([line, a, b, frag, op]) => {
    const i = a % (line.length + 1);
    const j = b % (line.length + 1);
    switch (op) {
      case 0:
        return line.slice(0, i);
      case 1:
        return line.slice(0, i) + frag + line.slice(i);
      case 2:
        return line.slice(0, Math.min(i, j)) + line.slice(Math.max(i, j));
      default:
        return line.slice(0, i) + String.fromCharCode(b % 65536) + line.slice(i + 1);
    }
  });

test('random strings never throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => check(s)),
    { numRuns: 40_000, seed: 1 },
  );
});

test('mutated real lines never throw', () => {
  fc.assert(
    fc.property(mutatedLine, (s) => check(s)),
    { numRuns: 60_000, seed: 2 },
  );
});

test('well-formed Stats lines round-trip their numbers', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 100_000 }),
      fc.nat({ max: 2 ** 40 }),
      fc.nat({ max: 2 ** 40 }),
      fc.nat({ max: 23 }),
      (n, c, d, h) => {
        checked++;
        const line = `<14>Nov 24 ${String(h).padStart(2, '0')}:00:01.250 user.info cms9 "webbridge": INFO : [DEBUGGING] Stats ${n}, c:${c}, d:${d}`;
        const out = createLineReader({ year: 2026 }).read(line);
        assert.equal(out.kind, 'record');
        const r = (out as Extract<LineOutcome, { kind: 'record' }>).record;
        assert.deepEqual(r.kind === 'webbridge-stats' ? [r.active, r.connects, r.disconnects, r.host] : [], [
          n,
          c,
          d,
          'cms9',
        ]);
      },
    ),
    { numRuns: 3_000, seed: 3 },
  );
});

test('well-formed STATS lines round-trip CMA', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 5000 }),
      fc.nat({ max: 5000 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
      (cur, peak, extra) => {
        checked++;
        const json = JSON.stringify({ ...extra, CMA: `${cur}/${peak}` });
        const out = createLineReader({ year: 2026 }).read(
          `2026-11-24T10:00:00Z user.info cms1 host:server: INFO : STATS: ${json}`,
        );
        assert.equal(out.kind, 'record');
        const r = (out as Extract<LineOutcome, { kind: 'record' }>).record;
        assert.deepEqual(r.kind === 'callbridge-stats' ? [r.cma, r.cmaPeak] : [], [cur, peak]);
      },
    ),
    { numRuns: 2_000, seed: 4 },
  );
});

test('megabyte lines and binary blobs never throw', () => {
  const big = `Feb 23 09:02:21.594 user.info cms1 host:server: INFO : STATS: {"CMA": "1/1", "x": "${'a'.repeat(1_048_576)}"}`;
  check(big);
  check(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1'));
  check(`Stats ${'9'.repeat(100_000)}, c:1, d:1`);
});

test('over 100,000 lines were checked in this file', () => {
  assert.ok(checked >= 100_000, `only ${checked} lines checked`);
});
