/**
 * @module adapters/logfiles/byte-window
 * A fixed block of memory that log bytes are read into and scanned in place, with a fast count of newlines.
 * Counting every line of gigabytes of logs by calling Buffer.indexOf once per line cost as much as reading them;
 * the WebAssembly SIMD kernel (wasm/count-byte.wat) counts at memory speed. Where WebAssembly SIMD is unavailable
 * (an old CPU, `--jitless`) the same contract is met in plain JavaScript, only slower.
 */
import { STATS_SLOT_BYTES, StatsLineKernel } from './stats-line-kernel.js';
import { COUNT_BYTE_WASM_BASE64 } from './wasm/count-byte-module.js';
import { wasmModuleOnce } from './wasm-module.js';

export interface ByteWindow {
  /** The window's memory: callers read into it and scan it where it is. Never reallocated. */
  readonly bytes: Buffer;
  /** How many bytes equal `byte` in `bytes[start, end)`. */
  count(start: number, end: number, byte: number): number;
  readonly kind: 'wasm' | 'js';
  /** The WebAssembly reader of Stats lines in `bytes` (wasm windows only; stats-line-kernel.ts). */
  readonly statsLines: StatsLineKernel | undefined;
  /**
   * Whether one of `words` lies in `bytes[start, end)` (words: at most 8, of at most 64 ASCII bytes; `exact` ones as
   * they are, the others in any ASCII case). Pass the same array each time: its table is written once.
   */
  saysAny(start: number, end: number, words: readonly Word[]): boolean;
}

/** A word to look for: in small letters unless `exact`. */
export interface Word {
  readonly text: string;
  readonly exact: boolean;
}

export const MAX_WORDS = 8;
const MAX_WORD_BYTES = 64;
/**
 * Bytes of the words' table (count-byte.wat, saysAny): first-byte masks, 8 words of 8 + 64 bytes, then 8 pairs of
 * vectors (each word's first and last byte, folded, 16 times).
 */
const TABLE_BYTES = 256 + MAX_WORDS * 72 + MAX_WORDS * 32;

/** Byte → the same byte with ASCII capitals made small letters. */
const FOLD = new Uint8Array(256).map((_, b) => (b >= 65 && b <= 90 ? b + 32 : b));

/** Writes the words' table at `at` of `memory` (the layout saysAny reads). */
function writeTable(memory: Buffer, at: number, words: readonly Word[]): void {
  if (words.length > MAX_WORDS || words.some((w) => w.text.length > MAX_WORD_BYTES || w.text.length === 0)) {
    throw new Error(`byte window: at most ${MAX_WORDS} words of 1 to ${MAX_WORD_BYTES} bytes`);
  }
  memory.fill(0, at, at + TABLE_BYTES);
  words.forEach((word, k) => {
    const bytes = Buffer.from(word.exact ? word.text : word.text.toLowerCase(), 'latin1');
    const first = FOLD[bytes[0] as number] as number;
    memory[at + first] = (memory[at + first] as number) | (1 << k);
    const w = at + 256 + k * 72;
    memory.writeInt32LE(bytes.length, w);
    memory.writeInt32LE(word.exact ? 1 : 0, w + 4);
    bytes.copy(memory, w + 8);
    const v = at + 256 + MAX_WORDS * 72 + k * 32;
    memory.fill(first, v, v + 16);
    memory.fill(FOLD[bytes[bytes.length - 1] as number] as number, v + 16, v + 32);
  });
}

/** saysAny in JavaScript (the fallback), over the same table. */
function saysAnyJs(bytes: Uint8Array, start: number, end: number, table: Buffer): boolean {
  for (let p = start; p < end; p++) {
    const mask = table[FOLD[bytes[p] as number] as number] as number;
    if (mask === 0) {
      continue;
    }
    for (let k = 0; k < MAX_WORDS; k++) {
      if ((mask & (1 << k)) === 0) {
        continue;
      }
      const w = 256 + k * 72;
      const length = table.readInt32LE(w);
      const exact = table[w + 4] === 1;
      if (p + length > end) {
        continue;
      }
      let j = 0;
      while (j < length) {
        const b = bytes[p + j] as number;
        if ((exact ? b : FOLD[b]) !== table[w + 8 + j]) {
          break;
        }
        j++;
      }
      if (j === length) {
        return true;
      }
    }
  }
  return false;
}

const PAGE = 65_536;
/**
 * Memory beyond the window for the Stats line reader's per-source slots: 2,048 sources of a thread read at once
 * (more read their Stats lines in JavaScript). Only the slots in use are ever touched.
 */
const SLOT_PAGES = (2048 * STATS_SLOT_BYTES) / PAGE;
/** The newline counter's module (it needs WebAssembly SIMD). */
const kernelModule = wasmModuleOnce(COUNT_BYTE_WASM_BASE64);

function jsWindow(size: number): ByteWindow {
  const bytes = Buffer.allocUnsafe(size);
  const table = Buffer.alloc(TABLE_BYTES);
  let tableOf: readonly Word[] | undefined;
  return {
    bytes,
    kind: 'js',
    statsLines: undefined,
    saysAny(start, end, words) {
      if (tableOf !== words) {
        writeTable(table, 0, words);
        tableOf = words;
      }
      return saysAnyJs(bytes, start, end, table);
    },
    count(start, end, byte) {
      const range = bytes.subarray(start, end);
      let n = 0;
      for (let p = range.indexOf(byte); p !== -1; p = range.indexOf(byte, p + 1)) {
        n++;
      }
      return n;
    },
  };
}

function wasmWindow(size: number, module: WebAssembly.Module): ByteWindow {
  const windowPages = Math.ceil(size / PAGE);
  // The window, the Stats line slots, the words' table.
  const tableAt = (windowPages + SLOT_PAGES) * PAGE;
  const pages = windowPages + SLOT_PAGES + 1;
  // Never grown: the views made of it (the window's bytes, the slots) stay valid.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const countByte = instance.exports.countByte as (start: number, length: number, byte: number) => number;
  const says = instance.exports.saysAny as (start: number, end: number, table: number) => number;
  const memoryBytes = Buffer.from(memory.buffer);
  let tableOf: readonly Word[] | undefined;
  return {
    bytes: Buffer.from(memory.buffer, 0, size),
    saysAny(start, end, words) {
      if (tableOf !== words) {
        writeTable(memoryBytes, tableAt, words);
        tableOf = words;
      }
      return says(start, end, tableAt) === 1;
    },
    kind: 'wasm',
    statsLines: StatsLineKernel.over(memory, windowPages * PAGE, (SLOT_PAGES * PAGE) / STATS_SLOT_BYTES),
    count: (start, end, byte) => (end > start ? countByte(start, end - start, byte) : 0),
  };
}

let created = 0;

/** Windows created in this thread so far (tests: scanners share one, however many sources are open). */
export function byteWindowsCreated(): number {
  return created;
}

/** A window of `size` bytes; `prefer: 'js'` forces the fallback (tests run both). */
export function createByteWindow(size: number, prefer: 'wasm' | 'js' = 'wasm'): ByteWindow {
  created++;
  const module = prefer === 'wasm' ? kernelModule() : null;
  return module ? wasmWindow(size, module) : jsWindow(size);
}
