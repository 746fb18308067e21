/**
 * The byte side of the syslog listeners: frames handed over as bytes wherever the chunks are cut, malformed frames
 * reported (and the frames before them delivered), the wanted-substring test against a plain search, and <PRI>.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type FrameSink, SyslogFrameDecoder } from '../../../src/adapters/syslog/frame-decoder.js';
import { afterPri } from '../../../src/adapters/syslog/pri.js';
import { WantedFrames } from '../../../src/adapters/syslog/wanted-frames.js';

/** A sink that copies each frame's bytes out (they are valid only during the call). */
function byteSink(): FrameSink & { frames: string[] } {
  const frames: string[] = [];
  return {
    frames,
    frame(bytes, start, end) {
      frames.push(bytes.toString('latin1', start, end));
    },
  };
}

/** `wire` cut at the given points (each taken modulo its length). */
function cutAt(wire: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, wire.length]) {
    out.push(wire.subarray(from, p));
    from = p;
  }
  return out;
}

/** Every frame of `wire` pushed in the chunks `cuts` make, each push answered ok. */
function decodeInChunks(wire: Buffer, cuts: number[]): string[] {
  const sink = byteSink();
  const d = new SyslogFrameDecoder(1000, sink);
  for (const chunk of cutAt(wire, cuts)) {
    assert.deepEqual(d.push(chunk), { ok: true });
  }
  d.end();
  return sink.frames;
}

const message = fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 120 }).filter((m) => !/[\r\n]$/.test(m));

describe('frame decoder, as bytes', () => {
  test('octet-counted frames, with or without a LF or CRLF after each, come out whole wherever the chunks are cut', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('', '\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, after, cuts) => {
          const wire = Buffer.from(
            messages.map((m) => `${Buffer.byteLength(m, 'latin1')} ${m}${after}`).join(''),
            'latin1',
          );
          assert.deepEqual(decodeInChunks(wire, cuts), messages);
        },
      ),
      { numRuns: 2_000, seed: 5 },
    );
  });

  test('LF-framed lines lose their CR, empty lines are skipped, and the unterminated last one counts at the end', () => {
    fc.assert(
      fc.property(
        fc.array(
          message.filter((m) => !m.includes('\n') && !m.startsWith('\r')),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, cuts) => {
          const lines = messages.map((m) => (/^[0-9]/.test(m) ? `x${m}` : m));
          const wire = Buffer.from(
            `${lines
              .map((m, i) => (i % 2 ? `${m}\r\n\n` : `${m}\n`))
              .join('')
              .slice(0, -1)}`,
            'latin1',
          );
          assert.deepEqual(decodeInChunks(wire, cuts), lines);
        },
      ),
      { numRuns: 1_000, seed: 6 },
    );
  });

  const malformed: Array<[string, RegExp]> = [
    ['12a <14>x', /^bad octet count "12a/],
    ['0 ', /^bad octet count "0 /],
    ['07 <14>abc', /^bad octet count "07/],
    ['99999999999 x', /^octet count not followed by a space$/],
    ['70000 <14>too long', /^frame of 70000 bytes is longer than 65536$/],
  ];
  for (const [bad, reason] of malformed) {
    test(`a malformed frame (${JSON.stringify(bad)}) is reported, after every frame before it, cut anywhere`, () => {
      const wire = Buffer.from(`5 <14>a6 <14>bc\n${bad}5 <14>z`, 'latin1');
      for (let cut = 0; cut <= wire.length; cut++) {
        const sink = byteSink();
        const d = new SyslogFrameDecoder(65_536, sink);
        // The listener closes the connection at the first error: nothing is pushed after it.
        let result = d.push(wire.subarray(0, cut));
        if (result.ok) {
          result = d.push(wire.subarray(cut));
        }
        assert.ok(!result.ok && reason.test(result.reason), `cut at ${cut}: ${JSON.stringify(result)}`);
        assert.deepEqual(sink.frames, ['<14>a', '<14>bc'], `cut at ${cut}`);
      }
    });
  }

  test('a function still receives each message as text (UTF-8)', () => {
    const got: string[] = [];
    const d = new SyslogFrameDecoder(100, (m) => got.push(m));
    const m = 'h\u00e9 \u2713';
    d.push(Buffer.from(`${Buffer.byteLength(m)} ${m}`));
    assert.deepEqual(got, [m]);
  });
});

describe('wanted frames', () => {
  const needles = ['Stats ', 'STATS:', 'User ', 'ERROR', 'WARN'];
  const piece = fc.constantFrom(...needles, 'Stat', 'S', 'TATS:', 'Use', 'WAR', 'N', ' ', 'abc', 'x'.repeat(20));
  const frameText = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));

  test('a frame is wanted exactly when one of the substrings lies wholly inside it (frames in order, or not)', () => {
    fc.assert(
      fc.property(fc.array(frameText, { minLength: 1, maxLength: 20 }), fc.boolean(), (texts, shuffled) => {
        // Frames side by side in one buffer, as the decoder hands them: a substring may straddle two of them.
        const bytes = Buffer.from(texts.join(''), 'latin1');
        const bounds: Array<[number, number]> = [];
        let at = 0;
        for (const t of texts) {
          bounds.push([at, at + t.length]);
          at += t.length;
        }
        const order = shuffled ? [...bounds].reverse() : bounds;
        const w = new WantedFrames(needles);
        for (const [start, end] of order) {
          const text = bytes.toString('latin1', start, end);
          const expected = needles.some((n) => text.includes(n));
          assert.equal(w.has(bytes, start, end), expected, JSON.stringify(text));
        }
      }),
      { numRuns: 3_000, seed: 7 },
    );
  });

  test('another buffer starts the search again', () => {
    const w = new WantedFrames(['Stats ']);
    const a = Buffer.from('xx Stats 1');
    assert.equal(w.has(a, 0, 2), false);
    assert.equal(w.has(a, 3, a.length), true);
    const b = Buffer.from('Stats 1 xx');
    assert.equal(w.has(b, 0, 7), true);
    assert.equal(w.has(b, 8, b.length), false);
  });
});

test('afterPri skips a <PRI> the general parser accepts (1 to 3 digits, at most 191), nothing else', () => {
  const cases: Array<[string, number]> = [
    ['<14>Nov', 4],
    ['<0>Nov', 3],
    ['<191>Nov', 5],
    ['<192>Nov', 0],
    ['<0014>Nov', 0],
    ['<>Nov', 0],
    ['<1a>Nov', 0],
    ['<14', 0],
    ['Nov', 0],
  ];
  for (const [text, expected] of cases) {
    const bytes = Buffer.from(`..${text}`, 'latin1');
    assert.equal(afterPri(bytes, 2, bytes.length), expected === 0 ? 2 : expected + 2, text);
  }
});
