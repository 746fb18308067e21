/**
 * A configured join refusal (`analysis.joinRefusedPatterns`, `analysis.joinRefusedLevels`) in analyze's scanner:
 * whatever the patterns and levels, the scanner's candidates are exactly those of the rule (checked against a plain
 * reference on random lines and random rules, both kernels), and a whole source gives the records that reading every
 * line the general way gives (random settings: literals, patterns with literal parts, patterns without one, no
 * levels, other levels).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CandidateScanner } from '../../../src/adapters/logfiles/candidate-scanner.js';
import { readBatches } from '../../../src/adapters/logfiles/read-batches.js';
import {
  createLineReader,
  type JoinRefusalSettings,
  joinRefusalFrom,
  RECORD_SUBSTRINGS,
} from '../../../src/core/parse/index.js';
import { collectBatches, DecodedLines, linesOf } from '../../helpers/scan-results.js';

const piece = fc.constantFrom(
  'ERROR : ',
  'WARNING : ',
  'NOTICE : ',
  'INFO : ',
  'Too Many guests',
  'too many',
  'guests',
  'Participant limit 149 reached',
  'participant limit',
  'REJECTED',
  'refused',
  'Stats',
  'Stats ',
  'Stats\t',
  'STATS:',
  'User ',
  'caf\u00e9 ',
  ' ',
);
const lineArb = linesOf(piece, 5, 10);
const levelsArb = fc.constantFrom<readonly string[]>([], ['ERROR', 'WARN'], ['NOTICE'], ['ERROR']);
const wordingsArb = fc.subarray(['too many guests', 'participant limit', 'rejected', 'ref'], { maxLength: 4 });

function byReference(lines: readonly string[], levels: readonly string[], wordings: readonly string[]): string[] {
  return lines.filter((l) => {
    const level = levels.length === 0 || levels.some((w) => l.includes(w));
    const wording = wordings.some((w) => l.toLowerCase().includes(w));
    const marker = l.includes('Stats');
    return RECORD_SUBSTRINGS.some((s) => l.includes(s)) || (level && (wording || marker));
  });
}

describe('a configured join refusal in the scanner', () => {
  for (const kernel of ['wasm', 'js'] as const) {
    test(`candidates are exactly the rule's, whatever the levels and wordings (${kernel})`, () => {
      fc.assert(
        fc.property(
          fc.array(lineArb, { maxLength: 30 }),
          levelsArb,
          wordingsArb,
          fc.integer({ min: 1, max: 64 }),
          fc.boolean(),
          (lines, levels, wordings, cut, lastNewline) => {
            const sink = new DecodedLines();
            const s = new CandidateScanner([...RECORD_SUBSTRINGS, ...levels], sink, {
              kernel,
              refusals: { levels, wordings, marker: 'Stats' },
            });
            // The last line ended by a newline, or by the end of the input (then judged whole at the end).
            const text = lines.join('\n') + (lastNewline && lines.length > 0 ? '\n' : '');
            const all = Buffer.from(text, 'utf8');
            for (let at = 0; at < all.length; at += cut) {
              s.push(all.subarray(at, at + cut));
            }
            s.end();
            const expected = byReference(lines, levels, wordings);
            assert.deepEqual(sink.decoded, expected);
            assert.equal(s.counts.candidates, expected.length);
            // An empty last line without a newline is no line.
            assert.equal(s.counts.lines, lines.length - (!lastNewline && lines.at(-1) === '' ? 1 : 0));
          },
        ),
        { numRuns: 800, seed: 11 },
      );
    });
  }

  test('an overlong line is judged by the same rule: with no levels, a wording or the marker alone', () => {
    const overlongs = (levels: readonly string[], line: string) => {
      let n = 0;
      const s = new CandidateScanner(
        [...RECORD_SUBSTRINGS, ...levels],
        { bytes: () => false, line() {}, overlong: () => void n++ },
        {
          refusals: { levels, wordings: ['too many guests'], marker: 'Stats' },
          maxLineBytes: 64,
          chunkBytes: 16,
        },
      );
      s.push(Buffer.from(`${line}\nnext\n`));
      s.end();
      return n;
    };
    const pad = 'x'.repeat(100);
    assert.equal(overlongs([], `${pad} Too many guests ${pad}`), 1);
    assert.equal(overlongs([], `${pad} Stats\t${pad}`), 1);
    assert.equal(overlongs(['ERROR'], `ERROR ${pad} Stats\t${pad}`), 1);
    assert.equal(overlongs(['ERROR'], `INFO ${pad} too many guests ${pad}`), 0);
  });

  for (const kernel of ['wasm', 'js'] as const) {
    test(`shared parts that turn out common are given up for the whole wordings, with the same candidates (${kernel})`, () => {
      // Wordings sharing parts (`session`, `join `), as the assumed ones do; lines holding a part alone, lines holding
      // a whole wording (with and without a level), and Stats lines, shuffled, over more than a MiB.
      const wordings = ['join refused', 'unable to join meeting', 'too many sessions', 'session limit reached'];
      const levels = ['ERROR', 'WARN'];
      const kinds = [
        'INFO : websocket session 17 closed',
        'WARNING : websocket session 18 closed',
        'INFO : guest join request',
        'ERROR : join refused (149)',
        'INFO : join refused (not at a level)',
        'WARNING : Too Many Sessions on this bridge',
        'ERROR : SESSION LIMIT REACHED',
        'INFO : [DEBUGGING] Stats 3, c:4, d:1',
        'INFO : conference 5: media processing load 26%',
        'ERROR : unable to Join meeting 12',
      ];
      const run = (lines: readonly string[]) => {
        const sink = new DecodedLines();
        const s = new CandidateScanner([...RECORD_SUBSTRINGS, ...levels], sink, {
          kernel,
          refusals: { levels, wordings, marker: 'Stats' },
          chunkBytes: 256 * 1024,
        });
        const all = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
        for (let at = 0; at < all.length; at += 100_003) {
          s.push(all.subarray(at, at + 100_003));
        }
        s.end();
        assert.deepEqual(sink.decoded, byReference(lines, levels, wordings));
        return s.searchedParts;
      };
      const rnd = fc.sample(fc.array(fc.nat(kinds.length - 1), { minLength: 60_000, maxLength: 60_000 }), {
        numRuns: 1,
        seed: 5,
      })[0] as number[];
      const common = rnd.map((k, i) => `Oct  1 00:00:00 cms1 host:server: ${kinds[k]} #${i}`);
      assert.deepEqual(run(common), wordings);
      // Without the parts in the chatter, the shared parts stay.
      const rare = common.map((l, i) => (i % 500 === 0 ? l : l.replace(/session|join /gi, 'x')));
      assert.deepEqual(run(rare), ['session', 'join ']);
    });
  }

  test('every line is a candidate in the every-line mode', () => {
    const sink = new DecodedLines();
    const s = new CandidateScanner([], sink, { everyLine: true });
    s.push(Buffer.from('a\nb b\n\nlast'));
    s.end();
    assert.deepEqual(sink.decoded, ['a', 'b b', '', 'last']);
    assert.equal(s.counts.candidates, 4);
  });
});

const patternsArb = fc.subarray(
  [
    'too many guests',
    'participant limit \\d+ reached',
    'rejected|refused',
    'guests?',
    '^.*limit',
    'join refused',
    'Participant LIMIT',
  ],
  { minLength: 0, maxLength: 3 },
);

const stampedLine = fc
  .tuple(fc.integer({ min: 0, max: 59 }), fc.constantFrom('cms1', 'cms2'), lineArb)
  .map(([s, host, body]) => `2026-10-01T05:19:${String(s).padStart(2, '0')}.001Z ${host} "webbridge": ${body}`);

describe('a configured join refusal in a whole source', () => {
  test('gives the records every line read the general way gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-refusal-'));
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              stampedLine,
              fc.constant('2026-10-01T05:19:50.001Z cms1 "webbridge": INFO : Stats 12, c:40, d:28'),
              fc.constant('2026-10-01T05:19:51.001Z cms1 "webbridge": ERROR : Participant limit 149 reached'),
              fc.constant('2026-10-01T05:19:52.001Z cms2 "webbridge": NOTICE : too many guests'),
            ),
            { maxLength: 60 },
          ),
          patternsArb,
          levelsArb,
          async (lines, patterns, levels) => {
            const settings: JoinRefusalSettings = { patterns, levels };
            const path = join(dir, `syslog.${run++}`);
            writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
            const source = { kind: 'plain' as const, path, mtimeMs: Date.UTC(2026, 9, 1), size: 0 };
            const fast = await collectBatches(readBatches(source, { year: 2026, joinRefusal: settings }));
            const reader = createLineReader({ year: 2026, joinRefusal: joinRefusalFrom(settings) });
            const general = lines.flatMap((l) => {
              const out = reader.read(l);
              return out.kind === 'record' ? [out.record] : [];
            });
            assert.equal(fast.lines, lines.length);
            assert.deepEqual(fast.records, general);
          },
        ),
        { numRuns: 200, seed: 5 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
