/**
 * The scanner's candidates with refusal options: a line holding a level word (ERROR/WARN) but none of the record
 * substrings is a candidate exactly when it also holds a refusal wording in any case, or `Stats` — checked against a
 * plain reference (`toLowerCase().includes`) on random lines cut into random reads, for both kernels (the
 * WebAssembly SIMD loop of count-byte.wat and its JavaScript twin); and a whole source gives the records every line
 * read the general way gives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { anchorsOf, CandidateScanner } from '../../../src/adapters/logfiles/candidate-scanner.js';
import { readBatches } from '../../../src/adapters/logfiles/read-batches.js';
import {
  CANDIDATE_SUBSTRINGS,
  DEFAULT_JOIN_REFUSED_PATTERNS,
  LEVEL_SUBSTRINGS,
  refusalLiterals,
} from '../../../src/core/parse/index.js';
import { otherShapeCases, statsLineCases } from '../../core/parse/stats-line-cases.js';
import { collectBatches, DecodedLines, linesOf } from '../../helpers/scan-results.js';

const WORDINGS = refusalLiterals(DEFAULT_JOIN_REFUSED_PATTERNS) as readonly string[];
const RECORD_SUBSTRINGS = CANDIDATE_SUBSTRINGS.filter((s) => !LEVEL_SUBSTRINGS.includes(s));

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
  'Stats\t',
  'STATS:',
  'User ',
  'user ',
  'ERRO',
  'refused',
  'caf\u00e9 ',
  '\r',
  ' ',
);
const lineArb = linesOf(piece, 6, 12);

/** The candidates by definition: a record substring, or a level word with a refusal wording (any case) or Stats. */
function candidatesByReference(lines: readonly string[]): string[] {
  return lines.filter(
    (l) =>
      RECORD_SUBSTRINGS.some((s) => l.includes(s)) ||
      (LEVEL_SUBSTRINGS.some((s) => l.includes(s)) &&
        (WORDINGS.some((w) => l.toLowerCase().includes(w)) || l.includes('Stats'))),
  );
}

describe('level-word lines in the scanner', () => {
  for (const kernel of ['wasm', 'js'] as const) {
    test(`are candidates exactly when they hold a refusal wording or Stats (${kernel})`, () => {
      fc.assert(
        fc.property(fc.array(lineArb, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (lines, cut) => {
          const sink = new DecodedLines();
          const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, sink, {
            kernel,
            refusals: { levels: LEVEL_SUBSTRINGS, wordings: WORDINGS, marker: 'Stats' },
          });
          // Read in pieces of `cut` bytes (lines cross reads) or at once.
          const all = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
          for (let at = 0; at < all.length; at += cut === 64 ? all.length : cut) {
            s.push(all.subarray(at, cut === 64 ? all.length : at + cut));
          }
          s.end();
          const expected = candidatesByReference(lines);
          assert.deepEqual(sink.decoded, expected);
          assert.equal(s.counts.candidates, expected.length);
          assert.equal(s.counts.lines, lines.length);
        }),
        { numRuns: 1500, seed: 7 },
      );
    });
  }

  // Stamps flipping between December and January every few lines (the year carried on by each BSD line read), or
  // staying in one year.
  const flipping = (i: number, s: string) =>
    i % 3 === 0 ? `Dec 31 23:59:${s}.000` : i % 3 === 1 ? `2026-12-31T23:59:${s}.5Z` : `Jan  1 00:00:${s}`;
  const oneYear = (i: number, s: string) => (i % 2 === 0 ? `Dec 31 23:59:${s}.000` : `2026-12-31T23:58:${s}.5Z`);

  for (const [name, stampOf] of [
    ['flipping', flipping],
    ['one year', oneYear],
  ] as const) {
    test(`a source gives the records the general path gives, and counts the unreadable candidates (${name})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wbguard-level-'));
      try {
        const lines: string[] = [];
        for (let i = 0; i < 4000; i++) {
          const stamp = stampOf(i, pad(i % 60));
          lines.push(
            i % 7 === 0
              ? `${stamp} user.info cms1 "webbridge": INFO : Stats ${i % 50}, c:${i}, d:${i}`
              : i % 11 === 0
                ? `${stamp} user.err cms1 "webbridge": ERROR : ${['JOIN REFUSED', 'Session Limit Reached', 'refused'][i % 3]}`
                : i % 13 === 0
                  ? `WARNING : a continuation line without a stamp ${i}${i % 2 ? ': join refused' : ''}`
                  : i % 17 === 0
                    ? `${stamp} user.warning cms1 "webbridge": WARNING : Stats\t${i % 50}, c:${i}, d:${i}`
                    : `${stamp} user.warning cms1 host:server: WARNING : call ${i}: media timeout`,
          );
        }
        const path = join(dir, 'syslog');
        writeFileSync(path, `${lines.join('\n')}\n`);
        const source = { kind: 'plain' as const, path, mtimeMs: Date.UTC(2026, 11, 31), size: 0 };
        const fast = await collectBatches(readBatches(source, { year: 2026 }));
        // The references: the candidates read the general way, one by one; and every line so.
        const { createLineReader } = await import('../../../src/core/parse/index.js');
        const general = (subset: readonly string[]) => {
          const reader = createLineReader({ year: 2026, referenceMonth: 12 });
          const records: unknown[] = [];
          let malformed = 0;
          for (const l of subset) {
            const out = reader.read(l);
            if (out.kind === 'record') {
              records.push(out.record);
            } else if (out.kind === 'malformed') {
              malformed++;
            }
          }
          return { records, malformed };
        };
        const candidates = general(candidatesByReference(lines));
        const everyLine = general(lines);
        assert.equal(fast.lines, lines.length);
        assert.deepEqual(fast.records, candidates.records);
        assert.ok(candidates.records.length > 500);
        assert.ok(candidates.records.some((r) => (r as { kind: string }).kind === 'join-refused'));
        // Within one year the lines left out change nothing (across a new year, a BSD stamp's year is carried on by
        // the candidates only: docs/analyze.md).
        if (stampOf === oneYear) {
          assert.deepEqual(fast.records, everyLine.records);
        }
        assert.equal(fast.malformed, candidates.malformed);
        // Unreadable lines holding a refusal wording count; those holding only a level word are not candidates.
        assert.ok(candidates.malformed > 0 && candidates.malformed < everyLine.malformed);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('anchors of the refusal wordings', () => {
  test('every wording holds one, there are no more of them than wordings, and the defaults share two', () => {
    assert.deepEqual(anchorsOf(WORDINGS), ['session', 'join ']);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z :]{1,24}$/), { minLength: 1, maxLength: 4 }), (wordings) => {
        const anchors = anchorsOf(wordings);
        assert.ok(anchors.length <= new Set(wordings).size);
        for (const w of wordings) {
          assert.ok(
            anchors.some((a) => w.includes(a)),
            `${w} in ${JSON.stringify(anchors)}`,
          );
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe('Stats lines of every shape read from a file', () => {
  test('give the records the general path gives for the candidates, line after line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-shapes-'));
    try {
      const lines = [...statsLineCases(3000), ...otherShapeCases(6000)].map((l) => l.replace(/[\r\n]+/g, ' '));
      const path = join(dir, 'syslog');
      writeFileSync(path, `${lines.join('\n')}\n`);
      const source = { kind: 'plain' as const, path, mtimeMs: Date.UTC(2026, 11, 31), size: 0 };
      const fast = await collectBatches(readBatches(source, { year: 2026, timeZone: 'Europe/Paris' }));
      const { createLineReader } = await import('../../../src/core/parse/index.js');
      const reader = createLineReader({ year: 2026, referenceMonth: 12, timeZone: 'Europe/Paris' });
      const records: unknown[] = [];
      let malformed = 0;
      for (const l of candidatesByReference(lines)) {
        const out = reader.read(l);
        if (out.kind === 'record') {
          records.push(out.record);
        } else if (out.kind === 'malformed') {
          malformed++;
        }
      }
      assert.equal(fast.lines, lines.length);
      assert.equal(fast.malformed, malformed);
      assert.ok(records.length > 3000);
      assert.deepEqual(fast.records, records);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
