/**
 * The scanner's level-word lines (ERROR/WARN found, none of the record substrings): offered to the sink's
 * `levelLine` exactly when they hold no refusal wording in any case and no `Stats` — checked against a plain
 * reference (`toLowerCase().includes`) on random lines, for both kernels (the WebAssembly byte loop of
 * count-byte.wat and its JavaScript twin); and a whole source read the same whether such lines are ruled out or not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CandidateScanner, type CandidateSink } from '../../../src/adapters/logfiles/candidate-scanner.js';
import { readBatches } from '../../../src/adapters/logfiles/read-batches.js';
import {
  CANDIDATE_SUBSTRINGS,
  DEFAULT_JOIN_REFUSED_PATTERNS,
  LEVEL_SUBSTRINGS,
  refusalLiterals,
} from '../../../src/core/parse/index.js';

const WORDINGS = refusalLiterals(DEFAULT_JOIN_REFUSED_PATTERNS) as readonly string[];
const RECORD_SUBSTRINGS = CANDIDATE_SUBSTRINGS.filter((s) => !LEVEL_SUBSTRINGS.includes(s));

/** Records what the scanner offers: level lines (as text) and decoded lines. */
class Recorder implements CandidateSink {
  readonly offered: string[] = [];
  readonly decoded: string[] = [];
  constructor(readonly take: boolean) {}
  bytes(): boolean {
    return false;
  }
  levelLine(bytes: Uint8Array, start: number, end: number): boolean {
    this.offered.push(Buffer.from(bytes.subarray(start, end)).toString('utf8'));
    return this.take;
  }
  line(line: string): void {
    this.decoded.push(line);
  }
  overlong(): void {}
}

const piece = fc.constantFrom(
  'Oct  1 12:00:00.123 user.warning cms1 host:server: ',
  'WARNING : ',
  'ERROR : ',
  'WARN',
  'INFO : ',
  'JOIN refused',
  'join Refused',
  'unable to join MEETING',
  'Connection rejected: too many sessions',
  'connection rejected; too many sessions',
  'SESSION limit reached',
  'session limit',
  'Stats',
  'STATS',
  'stats',
  'Stats ',
  'User ',
  'caf\u00e9 ',
  '\r',
  ' ',
);
const lineArb = fc
  .array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 12 })
  .map((p) => p.join('').replace(/\n/g, ' '));

function offeredByReference(lines: readonly string[]): string[] {
  return lines.filter(
    (l) =>
      LEVEL_SUBSTRINGS.some((s) => l.includes(s)) &&
      !RECORD_SUBSTRINGS.some((s) => l.includes(s)) &&
      !WORDINGS.some((w) => l.toLowerCase().includes(w)) &&
      !l.includes('Stats'),
  );
}

describe('level-word lines in the scanner', () => {
  for (const kernel of ['wasm', 'js'] as const) {
    test(`are offered exactly when they hold no refusal wording nor Stats (${kernel})`, () => {
      fc.assert(
        fc.property(fc.array(lineArb, { maxLength: 30 }), fc.boolean(), (lines, take) => {
          const sink = new Recorder(take);
          const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, sink, {
            kernel,
            levelLines: { substrings: LEVEL_SUBSTRINGS, wordings: WORDINGS, markers: ['Stats'] },
          });
          s.push(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
          s.end();
          assert.deepEqual(sink.offered, offeredByReference(lines));
          // Every candidate is decoded unless the sink took it as a level line.
          const candidates = lines.filter((l) => CANDIDATE_SUBSTRINGS.some((c) => l.includes(c)));
          assert.deepEqual(
            sink.decoded,
            candidates.filter((l) => !take || offeredByReference([l]).length === 0),
          );
        }),
        { numRuns: 1500, seed: 7 },
      );
    });
  }

  test('a source reads the same records and counts with level lines ruled out as the general path gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-level-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const s = pad(i % 60);
        const stamp =
          i % 3 === 0 ? `Dec 31 23:59:${s}.000` : i % 3 === 1 ? `2026-12-31T23:59:${s}.5Z` : `Jan  1 00:00:${s}`;
        lines.push(
          i % 7 === 0
            ? `${stamp} user.info cms1 "webbridge": INFO : Stats ${i % 50}, c:${i}, d:${i}`
            : i % 11 === 0
              ? `${stamp} user.err cms1 "webbridge": ERROR : ${['JOIN REFUSED', 'Session Limit Reached', 'refused'][i % 3]}`
              : i % 13 === 0
                ? `WARNING : a continuation line without a stamp ${i}`
                : `${stamp} user.warning cms1 host:server: WARNING : call ${i}: media timeout`,
        );
      }
      const path = join(dir, 'syslog');
      writeFileSync(path, `${lines.join('\n')}\n`);
      const source = { kind: 'plain' as const, path, mtimeMs: Date.UTC(2026, 11, 31), size: 0 };
      const fast = await collect(readBatches(source, { year: 2026 }));
      // The reference: every candidate line read the general way, one by one.
      const { createLineReader } = await import('../../../src/core/parse/index.js');
      const reader = createLineReader({ year: 2026, referenceMonth: 12 });
      let malformed = 0;
      const records: unknown[] = [];
      for (const l of lines.filter((l) => CANDIDATE_SUBSTRINGS.some((c) => l.includes(c)))) {
        const out = reader.read(l);
        if (out.kind === 'record') {
          records.push(out.record);
        } else if (out.kind === 'malformed') {
          malformed++;
        }
      }
      assert.equal(fast.lines, lines.length);
      assert.equal(fast.malformed, malformed);
      assert.ok(malformed > 0 && records.length > 500);
      assert.deepEqual(fast.records, records);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

async function collect(batches: AsyncGenerator<import('../../../src/adapters/logfiles/read-batches.js').RecordBatch>) {
  const { unpackRecords } = await import('../../../src/core/packed-records.js');
  let lines = 0;
  let malformed = 0;
  const records: unknown[] = [];
  for await (const b of batches) {
    lines += b.lines;
    malformed += b.malformed;
    records.push(...unpackRecords(b));
  }
  return { lines, malformed, records };
}
