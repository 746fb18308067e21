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
import { BASE, statsLineCases } from '../../core/parse/stats-line-cases.js';

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
