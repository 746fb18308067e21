/**
 * The WebAssembly reader of Stats lines: its module is what stats-line.wat assembles to, and it reads exactly what
 * the JavaScript reader (core/parse/stats-bytes.ts) reads — same lines taken, same fields — and so what the general
 * parser gives, line after line (its kept token and host carried over, as in a real source) and from a fresh start.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { assemble, renderModuleSource, STATS_LINE } from '../../../scripts/wasm-source.js';
import { createByteWindow } from '../../../src/adapters/logfiles/byte-window.js';
import { CandidateScanner } from '../../../src/adapters/logfiles/candidate-scanner.js';
import type { StatsLineReader } from '../../../src/adapters/logfiles/stats-line-kernel.js';
import { CANDIDATE_SUBSTRINGS, createLineReader } from '../../../src/core/parse/index.js';
import { StatsLineBytes } from '../../../src/core/parse/stats-bytes.js';
import { parseEnvelope } from '../../../src/core/parse/syslog-envelope.js';
import { BASE, otherShapeCases, random, statsLineCases } from '../../core/parse/stats-line-cases.js';

const window = createByteWindow(1 << 16, 'wasm');
const kernel = window.statsLines;

function fieldsOf(r: StatsLineBytes | StatsLineReader): unknown {
  return { stamp: { ...r.stamp }, host: r.host, active: r.active, connects: r.connects, disconnects: r.disconnects };
}

/** Puts `line` in the window at `at`; answers its bounds. */
function place(line: string, at: number): [number, number] {
  const n = window.bytes.write(line, at, 'utf8');
  // A newline after it, as the scanner leaves it (the readers must stop at `end`, not at the newline).
  window.bytes[at + n] = 10;
  return [at, at + n];
}

describe('Stats line kernel (WebAssembly)', () => {
  test('the generated module is the assembled .wat (run `npm run build:wasm` after editing it)', async () => {
    const wasm = await assemble(STATS_LINE, readFileSync);
    assert.equal(readFileSync(STATS_LINE.moduleTs, 'utf8'), renderModuleSource(STATS_LINE, wasm));
  });

  test('is available on this runtime (a WebAssembly window)', () => {
    assert.ok(kernel, 'no Stats line kernel: the benchmark figures would not be this path');
  });

  test('reads exactly what the JavaScript reader reads, line after line and from a fresh start', () => {
    assert.ok(kernel);
    const js = new StatsLineBytes();
    const wasm = kernel.reader() as StatsLineReader;
    const general = { year: 2026, timeZone: 'Europe/Paris' };
    let taken = 0;
    let lines = 0;
    let at = 0;
    for (const line of statsLineCases()) {
      lines++;
      // Offsets move, so lines start anywhere relative to the kernel's loads.
      at = (at + 7919) % 40_000;
      const [start, end] = place(line, at);
      const jsTook = js.read(window.bytes, start, end);
      const wasmTook = wasm.read(start, end);
      assert.equal(wasmTook, jsTook, `carried over: ${JSON.stringify(line)}`);
      if (wasmTook) {
        taken++;
        assert.deepEqual(fieldsOf(wasm), fieldsOf(js), line);
        assert.deepEqual(
          createLineReader(general).read(line),
          { kind: 'record', record: createLineReader(general).webBridgeStatsOf(wasm) },
          line,
        );
      }
      // A fresh reader: nothing kept (the kernel asks for the first token every time).
      const freshJs = new StatsLineBytes();
      const freshWasm = kernel.reader() as StatsLineReader;
      const freshTook = freshWasm.read(start, end);
      assert.equal(freshTook, freshJs.read(window.bytes, start, end), `fresh: ${JSON.stringify(line)}`);
      if (freshTook) {
        assert.deepEqual(fieldsOf(freshWasm), fieldsOf(freshJs), line);
      }
      freshWasm.release();
    }
    wasm.release();
    assert.ok(taken > lines / 10, `${taken} of ${lines} taken`);
    for (const base of BASE) {
      const r = kernel.reader() as StatsLineReader;
      assert.ok(r.read(...place(base, 100)), base);
      r.release();
    }
  });

  test('Stats lines of the other shapes (ISO 8601, `<PRI>`, RFC 5424): the kernel reads what the JavaScript reader reads', () => {
    assert.ok(kernel);
    for (const timeZone of ['UTC', 'Europe/Paris', 'America/St_Johns']) {
      const js = new StatsLineBytes();
      const wasm = kernel.reader() as StatsLineReader;
      const general = createLineReader({ year: 2026, timeZone });
      let lines = 0;
      let taken = 0;
      let rfc5424 = 0;
      let messages = 0;
      let at = 0;
      for (const line of [...statsLineCases(2000), ...otherShapeCases(8000)]) {
        lines++;
        at = (at + 7919) % 40_000;
        const [start, end] = place(line, at);
        const jsAnswer = js.readOtherShape(window.bytes, start, end, timeZone);
        const wasmAnswer = wasm.readOther(start, end, timeZone);
        // (The kernel may leave a line to JavaScript: a host of over 128 bytes; none here.) Where it read the envelope
        // of a line that is not a Stats one, the JavaScript reader says 'no'; the general parser, what its message
        // says.
        if (wasmAnswer === 'bsd-message' || wasmAnswer === 'instant-message') {
          assert.equal(jsAnswer, 'no', JSON.stringify(line));
          assert.deepEqual(
            wasmAnswer === 'bsd-message'
              ? createLineReader({ year: 2026, timeZone }).envelopeOutcome(wasm, wasm.message)
              : createLineReader({ year: 2026, timeZone }).instantOutcome(wasm.at, wasm.host, wasm.message),
            createLineReader({ year: 2026, timeZone }).read(line),
            JSON.stringify(line),
          );
          messages++;
          continue;
        }
        assert.equal(wasmAnswer, jsAnswer, JSON.stringify(line));
        if (wasmAnswer === 'no') {
          continue;
        }
        taken++;
        rfc5424 += /^<\d+>\d{1,2} /.test(line) ? 1 : 0;
        const fields = (r: StatsLineBytes | StatsLineReader) => ({
          host: r.host,
          active: r.active,
          connects: r.connects,
          disconnects: r.disconnects,
          ...(wasmAnswer === 'bsd' ? { stamp: { ...r.stamp } } : { at: r.at }),
        });
        assert.deepEqual(fields(wasm), fields(js), line);
        // And what the general parser makes of the line.
        const record = general.read(line);
        assert.equal(record.kind, 'record', line);
        const expectedAt = (record as { record: { at: number } }).record.at;
        if (wasmAnswer === 'instant') {
          assert.equal(wasm.at, expectedAt, line);
        }
      }
      wasm.release();
      assert.ok(taken > lines / 10, `${taken} of ${lines} taken (${timeZone})`);
      assert.ok(rfc5424 > 100, `${rfc5424} RFC 5424 lines taken`);
      assert.ok(messages > 100, `${messages} envelopes of other lines read`);
    }
  });

  test("other candidate lines: the kernel reads their envelope, the outcome is the general reader's", () => {
    assert.ok(kernel);
    const others = [
      'Oct  1 00:00:00.050 user.info cms1 host:server: INFO : STATS: {"callLegsPS": 2, "CMA": "3/7", "sip": {"std": "2/2"}}',
      'Oct  1 00:05:00.050 cms1 host:server: STATS: {"CMA": "0/0"}',
      'Nov 12 10:00:01.000 local0.info cms2 host:server: INFO : STATS: {"CMA": 4} trailing',
      'Nov 12 10:00:02.000 cms2 host:server: INFO : STATS: {"CMA": "x/y"}',
      'Nov 12 10:00:03.000 cms2 host:server: INFO : STATS: {"callLegs": "1/2"}',
      'Nov 12 10:00:04.000 cms2 host:server: INFO : STATS: {"CMA": "1/2"',
      'Feb 23 09:02:21 user.notice cms1 mmp: User admin from 10.0.0.5 issued command <webbridge restart>: permission granted',
      'Feb 23 09:02:22 cms1 mmp: User ops from 10.0.0.6 issued command < webbridge3 restart >: permission granted',
      'Feb 23 09:02:23 cms1 webbridge: ERROR : join refused: session limit reached (149)',
      'Feb 23 09:02:24 user.warning cms1 "webbridge": WARN : unable to join meeting',
      'Feb 23 09:02:25 cms1 webbridge: ERROR : something else',
      'Feb 23 09:02:26 cms1 webbridge: INFO : Stats 3,c:4,d:1',
    ];
    // The same lines in the other shapes the kernel reads (an ISO 8601 stamp with or without a zone, a `<PRI>` before
    // either stamp, an RFC 5424 header), and a few it leaves (structured data, a nil host, a byte order mark).
    const bsdStamp = /^(\w{3}) +(\d+) (\d\d:\d\d:\d\d(?:\.\d+)?) /;
    const iso = (l: string, zone: string) =>
      l.replace(bsdStamp, (_m, _mon, day: string, clock: string) => `2026-11-${day.padStart(2, '0')}T${clock}${zone} `);
    const bsdOthers = others.slice();
    for (const line of bsdOthers) {
      others.push(
        iso(line, ''),
        iso(line, '+02:00'),
        `<14>${line}`,
        `<30> ${iso(line, 'Z')}`,
        iso(line, '.5Z').replace(/ (\S+) (\S+): /, ' $1 $2 - - - '),
      );
    }
    for (const line of others.filter((l) => l.startsWith('2026')).slice(0, 12)) {
      const rfc = line.replace(/^(\S+) (\S+) (\S+) /, '<14>1 $1 $2 $3 - - - ');
      others.push(rfc, rfc.replace(' - - - ', ' - - [x@1 a="b"] '), rfc.replace(' - - - ', ' - - - \ufeff'));
      others.push(rfc.replace(/^(<14>1 \S+ )\S+/, '$1-'));
    }
    const rnd = random(7);
    const alphabet = ' \t:.,{}"/0123456789CMASTrU<>-+Z\r\u00e9';
    const lines = [...others];
    for (let i = 0; i < 10_000; i++) {
      const chars = [...(others[i % others.length] as string)];
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
        const at = Math.floor(rnd() * chars.length);
        const op = rnd();
        if (op < 0.4) {
          chars[at] = alphabet[Math.floor(rnd() * alphabet.length)] as string;
        } else if (op < 0.7) {
          chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)] as string);
        } else {
          chars.splice(at, 1);
        }
      }
      lines.push(chars.join(''));
    }
    const options = { year: 2026, timeZone: 'Europe/Paris' };
    // One reader of each kind for the whole run: the year and the kept token and host carry over.
    const general = createLineReader(options);
    const fast = createLineReader(options);
    const r = kernel.reader() as StatsLineReader;
    let byEnvelope = 0;
    let byOtherEnvelope = 0;
    let at = 0;
    for (const line of lines) {
      at = (at + 7919) % 40_000;
      const [start, end] = place(line, at);
      const expected = general.read(line);
      let got: unknown;
      if (r.read(start, end)) {
        got = { kind: 'record', record: fast.webBridgeStatsOf(r) };
      } else {
        const message = r.envelope(start, end);
        if (message === undefined) {
          // As the scan's record sink goes on (read-batches.ts).
          const other = r.readOther(start, end, options.timeZone);
          if (other === 'bsd-message' || other === 'instant-message') {
            // The envelope as the general parser splits it: same host, same message (the outcome alone would not
            // tell a message cut a byte short from the right one).
            const envelope = parseEnvelope(line.replace(/\r$/, ''), options.timeZone, () => 0);
            assert.ok(envelope.ok, line);
            assert.deepEqual([r.host, r.message], [envelope.envelope.host, envelope.envelope.message], line);
          }
          if (other === 'bsd-message') {
            byOtherEnvelope++;
            got = fast.envelopeOutcome(r, r.message);
          } else if (other === 'instant-message') {
            byOtherEnvelope++;
            got = fast.instantOutcome(r.at, r.host, r.message);
          } else if (other === 'bsd') {
            got = { kind: 'record', record: fast.webBridgeStatsOf(r) };
          } else if (other === 'instant') {
            got = {
              kind: 'record',
              record: {
                kind: 'webbridge-stats',
                at: r.at,
                host: r.host,
                active: r.active,
                connects: r.connects,
                disconnects: r.disconnects,
              },
            };
          } else {
            got = fast.read(line);
          }
        } else {
          byEnvelope++;
          got = fast.envelopeOutcome(r, message);
        }
      }
      assert.deepEqual(got, expected, JSON.stringify(line));
    }
    r.release();
    for (const line of bsdOthers.slice(0, -1)) {
      const probe = kernel.reader() as StatsLineReader;
      assert.notEqual(probe.envelope(...place(line, 11)), undefined, line);
      probe.release();
    }
    assert.ok(byEnvelope > lines.length / 30, `${byEnvelope} of ${lines.length} by their BSD envelope`);
    assert.ok(byOtherEnvelope > lines.length / 5, `${byOtherEnvelope} of ${lines.length} by another envelope`);
  });

  test('a host or first token that changes between lines is read again', () => {
    assert.ok(kernel);
    const r = kernel.reader() as StatsLineReader;
    const lines = [
      'Oct  1 00:00:00.000 user.info cms1 "webbridge": Stats 1, c:1, d:0',
      'Oct  1 00:00:10.000 user.info cms1 "webbridge": Stats 2, c:2, d:0',
      'Oct  1 00:00:20.000 user.info cms22 "webbridge": Stats 3, c:3, d:0',
      'Oct  1 00:00:30.000 cms22 "webbridge": Stats 4, c:4, d:0',
      'Oct  1 00:00:40.000 local7.debug cms1 "webbridge": Stats 5, c:5, d:0',
      'Oct  1 00:00:50.000 local7.debug hôte "webbridge": Stats 6, c:6, d:0',
      'Oct  1 00:01:00.000 local7.debug cms1 "webbridge": Stats 7, c:7, d:0',
    ];
    const seen = lines.map((line) => (r.read(...place(line, 3)) ? `${r.host}:${r.active}` : 'general'));
    assert.deepEqual(seen, ['cms1:1', 'cms1:2', 'cms22:3', 'cms22:4', 'cms1:5', 'general', 'cms1:7']);
    r.release();
  });

  test("a cluster's hosts by turns, more than the reader remembers: each line its own host", () => {
    assert.ok(kernel);
    const r = kernel.reader() as StatsLineReader;
    // Twenty hosts of the same length: differing at the end, in the middle, at the start; then a longer and a
    // shorter one. Taken by turns, three rounds: the strings made for them are found again or made anew.
    const hosts = [
      ...Array.from({ length: 10 }, (_, i) => `cms-a${i}`),
      ...Array.from({ length: 6 }, (_, i) => `cms${i}a0`),
      ...Array.from({ length: 4 }, (_, i) => `${i}ms-a0`),
      'cms-a00',
      'cms-a',
    ];
    const expected: string[] = [];
    const seen: string[] = [];
    for (let round = 0; round < 3; round++) {
      hosts.forEach((host, i) => {
        const line = `Oct  1 00:${String(round).padStart(2, '0')}:${String(i).padStart(2, '0')}.000 user.info ${host} "webbridge": Stats ${i}, c:${i}, d:0`;
        assert.ok(r.read(...place(line, 5 + i)), line);
        seen.push(`${r.host}:${r.active}`);
        expected.push(`${host}:${i}`);
      });
    }
    assert.deepEqual(seen, expected);
    r.release();
  });

  test('sources beyond the slots read their Stats lines in JavaScript; slots are given back', () => {
    assert.ok(kernel);
    const free = kernel.freeSlots;
    const taken = Array.from({ length: free }, () => kernel.reader());
    assert.ok(taken.every((r) => r !== undefined));
    assert.equal(kernel.reader(), undefined);
    for (const r of taken) {
      r?.release();
      r?.release();
    }
    assert.equal(kernel.freeSlots, free);
  });

  test('a JavaScript window offers no kernel (its scanner reads Stats lines in JavaScript)', () => {
    const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, () => {}, { kernel: 'js' });
    assert.equal(s.statsLineReader(), undefined);
    s.end();
  });
});
