/**
 * The candidate scanner against a plain reference (split on newlines, `includes` per line), for both newline
 * kernels, fed in every chunking that moves the boundaries: one byte at a time, odd sizes, reads smaller than a
 * line, whole input. Overlong lines (a runaway line of binary junk) have their own cases.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CandidateScanner } from '../../../src/adapters/logfiles/candidate-scanner.js';
import { CANDIDATE_SUBSTRINGS } from '../../../src/core/parse/index.js';

const KERNELS = ['wasm', 'js'] as const;

/** What the scanner must find: every line (a last one without newline too) and the lines holding a substring. */
function reference(text: string): { lines: number; candidates: string[] } {
  const pieces = text.split('\n');
  const last = pieces.pop() as string;
  const lines = last.length > 0 ? [...pieces, last] : pieces;
  return { lines: lines.length, candidates: lines.filter((l) => CANDIDATE_SUBSTRINGS.some((s) => l.includes(s))) };
}

interface Run {
  lines: number;
  candidates: string[];
  overlong: number;
  counted: number;
}

function scan(
  input: Buffer,
  feed: { pushSizes?: number; chunkBytes?: number; maxLineBytes?: number; kernel: 'wasm' | 'js' },
): Run {
  const candidates: string[] = [];
  let overlong = 0;
  const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, (l) => candidates.push(l), {
    kernel: feed.kernel,
    onOverlongCandidate: () => overlong++,
    ...(feed.chunkBytes ? { chunkBytes: feed.chunkBytes } : {}),
    ...(feed.maxLineBytes ? { maxLineBytes: feed.maxLineBytes } : {}),
  });
  if (feed.pushSizes) {
    for (let i = 0; i < input.length; i += feed.pushSizes) {
      s.push(input.subarray(i, i + feed.pushSizes));
    }
  } else {
    // The plain-file path: read straight into the scanner's window.
    let at = 0;
    while (at < input.length) {
      const space = s.space();
      const n = input.copy(space, 0, at, at + space.length);
      at += n;
      s.commit(n);
    }
  }
  s.end();
  return { lines: s.counts.lines, candidates, overlong, counted: s.counts.candidates };
}

/** Deterministic text with substrings at line starts, ends, middles, split words, CRLF, blank lines, UTF-8. */
function corpus(seed: number, lines: number): string {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x % n;
  };
  const pieces = [
    'Stats 12, c:3, d:4',
    'STATS: {"CMA": "1/2"}',
    'User admin from 1.2.3.4 issued command < webbridge restart>: permission granted',
    'ERROR : join refused',
    'WARN',
    'Stat s',
    'STATS',
    'Use r',
    'ERRO',
    'WAR N',
    'INFO : guest login request',
    'café ünïcødé 🙂',
    '',
    'x'.repeat(150),
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const a = pieces[rnd(pieces.length)] as string;
    const b = pieces[rnd(pieces.length)] as string;
    const line = rnd(3) === 0 ? `${a}${b}` : `Nov 20 10:00:0${rnd(10)} cms${rnd(3)} ${a} ${b}`;
    out.push(rnd(5) === 0 ? `${line}\r` : line);
  }
  return out.join('\n');
}

for (const kernel of KERNELS) {
  describe(`CandidateScanner (${kernel} newline kernel)`, () => {
    test('gets the kernel it asked for', () => {
      const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, () => {}, { kernel });
      assert.equal(s.kernel, kernel);
    });

    for (const [name, text] of [
      ['ending with a newline', `${corpus(1, 400)}\n`],
      ['ending without a newline', corpus(2, 400)],
      ['last line a candidate without newline', `${corpus(3, 50)}\nlast Stats 1, c:1, d:1`],
      ['empty input', ''],
      ['only newlines', '\n\n\n'],
      ['CRLF only', 'a\r\nSTATS: {}\r\nb\r\n'],
    ] as const) {
      test(`matches the reference, ${name}, however the input is cut`, () => {
        const input = Buffer.from(text);
        const want = reference(text);
        const feeds = [
          { pushSizes: 1 },
          { pushSizes: 2 },
          { pushSizes: 3 },
          { pushSizes: 7 },
          { pushSizes: 64 },
          { pushSizes: 4096 },
          { pushSizes: Math.max(1, input.length) },
          {},
          { chunkBytes: 5 },
          { chunkBytes: 17, maxLineBytes: 4096 },
        ];
        for (const feed of feeds) {
          const got = scan(input, { ...feed, kernel });
          const label = JSON.stringify(feed);
          assert.equal(got.lines, want.lines, `lines ${label}`);
          assert.deepEqual(got.candidates, want.candidates, `candidates ${label}`);
          assert.equal(got.counted, want.candidates.length, `counted ${label}`);
          assert.equal(got.overlong, 0, `overlong ${label}`);
        }
      });
    }

    test('a substring cut by every possible read boundary is found', () => {
      const text = 'aaaa\nxx Stats 1, c:2, d:3 yy\nbbbb\n';
      const input = Buffer.from(text);
      for (let cut = 1; cut < input.length; cut++) {
        const seen: string[] = [];
        const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, (l) => seen.push(l), { kernel });
        s.push(input.subarray(0, cut));
        s.push(input.subarray(cut));
        s.end();
        assert.deepEqual(seen, ['xx Stats 1, c:2, d:3 yy'], `cut at ${cut}`);
        assert.equal(s.counts.lines, 3, `cut at ${cut}`);
      }
    });

    test('a line with several substrings, twice the same one, is handed on once', () => {
      const got = scan(Buffer.from('Stats 1 Stats 2 ERROR WARN User x\nplain\nWARN WARN\n'), { kernel });
      assert.deepEqual(got.candidates, ['Stats 1 Stats 2 ERROR WARN User x', 'WARN WARN']);
      assert.equal(got.lines, 3);
    });

    test('dense newlines are all counted (the SIMD counters must not wrap)', () => {
      for (const size of [1, 15, 16, 63, 64, 65, 16_320, 16_384, 100_000, 300_001]) {
        assert.equal(scan(Buffer.alloc(size, 10), { kernel }).lines, size, `size ${size}`);
        assert.equal(scan(Buffer.alloc(size, 10), { kernel, pushSizes: 997 }).lines, size, `size ${size} pushed`);
      }
    });

    describe('lines longer than maxLineBytes', () => {
      const opts = { kernel, maxLineBytes: 32, chunkBytes: 8 };

      test('a long candidate line is reported once as overlong, not decoded; the lines around it are read', () => {
        const text = `before Stats 1, c:1, d:1\nStats 9, c:9, d:9 ${'z'.repeat(200)}\nafter WARN\n`;
        for (const feed of [opts, { ...opts, pushSizes: 3 }, { ...opts, pushSizes: 1000 }]) {
          const got = scan(Buffer.from(text), feed);
          assert.deepEqual(got.candidates, ['before Stats 1, c:1, d:1', 'after WARN'], JSON.stringify(feed));
          assert.equal(got.overlong, 1);
          assert.equal(got.counted, 3);
          assert.equal(got.lines, 3);
        }
      });

      test('the substring may sit in the dropped head, straddle the drop, or end the line', () => {
        for (const at of [0, 20, 27, 28, 29, 30, 31, 32, 33, 100, 195]) {
          const body = `${'q'.repeat(at)}ERROR${'q'.repeat(200 - at)}`;
          for (const ending of ['\n', '']) {
            const got = scan(Buffer.from(`${body}${ending}`), opts);
            assert.equal(got.overlong, 1, `ERROR at ${at}${ending ? '' : ', no final newline'}`);
            assert.equal(got.lines, 1);
            assert.deepEqual(got.candidates, []);
          }
        }
      });

      test('a long line without a substring is only counted', () => {
        const got = scan(Buffer.from(`${'Stat'.repeat(100)}\nok\n${'r'.repeat(99)}`), opts);
        assert.equal(got.overlong, 0);
        assert.equal(got.lines, 3);
        assert.deepEqual(got.candidates, []);
      });
    });
  });
}
