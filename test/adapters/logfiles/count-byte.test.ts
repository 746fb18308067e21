/**
 * The WebAssembly byte counter: the generated module is what its .wat source assembles to (so the binary cannot
 * drift from the reviewed source), and it counts exactly like a plain loop at every offset, length and density.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { assemble, COUNT_BYTE, renderModuleSource } from '../../../scripts/wasm-source.js';
import { createByteWindow, mergeLines } from '../../../src/adapters/logfiles/byte-window.js';

function naive(bytes: Uint8Array, start: number, end: number, byte: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    if (bytes[i] === byte) {
      n++;
    }
  }
  return n;
}

describe('count-byte kernel', () => {
  test('the generated module is the assembled .wat (run `npm run build:wasm` after editing it)', async () => {
    const wasm = await assemble(COUNT_BYTE, readFileSync);
    assert.equal(readFileSync(COUNT_BYTE.moduleTs, 'utf8'), renderModuleSource(COUNT_BYTE, wasm));
  });

  for (const kind of ['wasm', 'js'] as const) {
    test(`${kind}: counts like a plain loop at any offset and length`, () => {
      const w = createByteWindow(1 << 18, kind);
      assert.equal(w.kind, kind);
      let x = 7;
      for (let i = 0; i < w.bytes.length; i++) {
        x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
        // About one newline in 8 bytes, other bytes spread over the whole range.
        w.bytes[i] = x % 8 === 0 ? 10 : (x >> 8) % 256;
      }
      for (const [start, end] of [
        [0, 0],
        [0, 1],
        [3, 70],
        [1, 64],
        [0, 16_320],
        [5, 16_389],
        [17, 40_000],
        [0, w.bytes.length],
        [w.bytes.length - 63, w.bytes.length],
      ] as const) {
        for (const byte of [10, 0, 255, 83]) {
          assert.equal(w.count(start, end, byte), naive(w.bytes, start, end, byte), `[${start}, ${end}) byte ${byte}`);
        }
      }
    });

    test(`${kind}: a range made only of the byte (every counter lane full)`, () => {
      const w = createByteWindow(1 << 17, kind);
      w.bytes.fill(10);
      for (const end of [16, 64, 16_320, 16_321, 16_384, 65_280, 1 << 17]) {
        assert.equal(w.count(0, end, 10), end);
        assert.equal(w.count(1, end, 10), end - 1);
      }
    });
  }

  test('linesWith: the WebAssembly window finds the lines the JavaScript one does, past one call of the kernel', () => {
    // Short lines, most holding a word: more than the 16,384 lines one call of the kernel hands back, so the window
    // calls it again from where it stopped (and a range that starts or ends inside a line).
    const size = 1 << 20;
    const wasm = createByteWindow(size, 'wasm');
    const js = createByteWindow(size, 'js');
    const words = [
      { text: 'Stats ', exact: true },
      { text: 'refused', exact: false },
    ];
    let text = '';
    for (let i = 0; text.length < size - 64; i++) {
      text += i % 7 === 3 ? `x${i} nothing\n` : i % 11 === 5 ? `REFUSED ${i}\n` : `Stats ${i}\n`;
    }
    wasm.bytes.write(text, 'latin1');
    js.bytes.write(text, 'latin1');
    for (const [start, end] of [
      [0, text.length],
      [5, text.length - 3],
      [1000, 1000],
      [0, 200_000],
    ] as const) {
      const found = wasm.linesWith(start, end, words);
      assert.deepEqual(found, js.linesWith(start, end, words), `[${start}, ${end})`);
      if (end - start === text.length) {
        assert.ok(found.length / 2 > 3 * 16_384, `${found.length / 2} lines`);
      }
    }
  });
});

describe('mergeLines', () => {
  test('two ordered lists of lines as one: a line in both once', () => {
    assert.deepEqual(mergeLines([], []), []);
    assert.deepEqual(mergeLines([0, 5], []), [0, 5]);
    assert.deepEqual(mergeLines([], [0, 5]), [0, 5]);
    assert.deepEqual(mergeLines([0, 5, 6, 9, 20, 30], [0, 5, 6, 9, 20, 30]), [0, 5, 6, 9, 20, 30]);
    assert.deepEqual(mergeLines([6, 9], [0, 5, 6, 9, 10, 15]), [0, 5, 6, 9, 10, 15]);
    assert.deepEqual(mergeLines([0, 5, 20, 30], [10, 15]), [0, 5, 10, 15, 20, 30]);
  });
});
