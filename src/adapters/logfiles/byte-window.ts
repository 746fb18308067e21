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
  /**
   * The lines of `bytes[start, end)` (whole lines: it ends with a newline) holding one of `words`, in order, as
   * [line start, offset of its newline, …] (words as for saysAny, at most 4; pass the same array each time).
   */
  linesWith(start: number, end: number, words: readonly Word[]): number[];
}

/** A word to look for: in small letters unless `exact`. */
export interface Word {
  readonly text: string;
  readonly exact: boolean;
}

/** Words saysAny looks for at once, at most, and their longest. */
export const MAX_WORDS = 8;
export const MAX_WORD_BYTES = 64;
/**
 * Bytes of the words' table (count-byte.wat, saysAny): first-byte masks, 8 words of 8 + 64 bytes, then 8 pairs of
 * vectors (each word's first and last byte, folded, 16 times), then linesWith's 4 vectors for each of its first
 * PASS_WORDS words (first and last byte, and their fold masks; room for 4).
 */
const TABLE_BYTES = 256 + MAX_WORDS * 72 + 2 * MAX_WORDS * 32;

/** Byte → the same byte with ASCII capitals made small letters. */
const FOLD = new Uint8Array(256).map((_, b) => (b >= 65 && b <= 90 ? b + 32 : b));

/** Words linesWith looks for, at most. */
export const LINES_WITH_WORDS = 4;
/**
 * Words the kernel's linesWith looks for in one pass over a window: more are looked for two at a time (two passes
 * took 0.19–0.21 s/GB where one loop for four took 0.25–0.29, the 2 GB mix: a loop for two keeps its vectors in
 * registers and tests 32 positions at a time).
 */
const PASS_WORDS = 2;

/** What linesWith ORs into an input byte before comparing it with `byte` of `word`: 0x20 folds a capital letter. */
function foldMask(word: Word, byte: number): number {
  return !word.exact && byte >= 97 && byte <= 122 ? 0x20 : 0;
}

/** Writes the words' table at `at` of `memory` (the layout saysAny and linesWith read). */
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
    if (k < PASS_WORDS) {
      // linesWith's vectors: first and last byte (small letters unless exact), and the masks OR-ed into the input.
      const l = at + 256 + MAX_WORDS * 104 + k * 64;
      const firstByte = bytes[0] as number;
      const lastByte = bytes[bytes.length - 1] as number;
      memory.fill(firstByte, l, l + 16);
      memory.fill(lastByte, l + 16, l + 32);
      memory.fill(foldMask(word, firstByte), l + 32, l + 48);
      memory.fill(foldMask(word, lastByte), l + 48, l + 64);
    }
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
/** Room for the lines one linesWith call finds (more: it is called again). */
const OUT_PAGES = 2;
const OUT_LINES = (OUT_PAGES * PAGE) / 8;
/**
 * Memory beyond the window for the Stats line reader's per-source slots: 2,048 sources of a thread read at once
 * (more read their Stats lines in JavaScript). Only the slots in use are ever touched.
 */
const SLOT_PAGES = (2048 * STATS_SLOT_BYTES) / PAGE;
/** The newline counter's module (it needs WebAssembly SIMD). */
const kernelModule = wasmModuleOnce(COUNT_BYTE_WASM_BASE64);

/** The words of one array, PASS_WORDS at a time (the same arrays each time: their tables are kept by identity). */
const passesByWords = new WeakMap<readonly Word[], ReadonlyArray<readonly Word[]>>();
function passesOf(words: readonly Word[]): ReadonlyArray<readonly Word[]> {
  let split = passesByWords.get(words);
  if (!split) {
    split =
      words.length <= PASS_WORDS
        ? [words]
        : Array.from({ length: Math.ceil(words.length / PASS_WORDS) }, (_, k) =>
            words.slice(k * PASS_WORDS, (k + 1) * PASS_WORDS),
          );
    passesByWords.set(words, split);
  }
  return split;
}

/** Two lists of lines ([start, end, …], each in order, as linesWith gives them) as one in order, a line in both once. */
export function mergeLines(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const aStart = a[i] ?? Number.POSITIVE_INFINITY;
    const bStart = b[j] ?? Number.POSITIVE_INFINITY;
    if (aStart <= bStart) {
      merged.push(aStart, a[i + 1] as number);
      i += 2;
      if (aStart === bStart) {
        j += 2;
      }
    } else {
      merged.push(bStart, b[j + 1] as number);
      j += 2;
    }
  }
  return merged;
}

/** A scanner asks for up to four arrays (level words, wordings, two passes of anchors): room for two more. */
const TABLES = 6;

/** Up to TABLES words' tables written in `memory` from `at`, one per array of words (by identity). */
class WordTables {
  readonly #memory: Buffer;
  readonly #at: number;
  readonly #offsets = new Map<readonly Word[], number>();

  constructor(memory: Buffer, at: number) {
    this.#memory = memory;
    this.#at = at;
  }

  /** Where the table of `words` lies (written at first use). */
  offsetOf(words: readonly Word[]): number {
    let offset = this.#offsets.get(words);
    if (offset === undefined) {
      if (this.#offsets.size === TABLES) {
        this.#offsets.clear();
      }
      offset = this.#at + this.#offsets.size * TABLE_BYTES;
      writeTable(this.#memory, offset, words);
      this.#offsets.set(words, offset);
    }
    return offset;
  }
}

function jsWindow(size: number): ByteWindow {
  const bytes = Buffer.allocUnsafe(size);
  const memory = Buffer.alloc(TABLES * TABLE_BYTES);
  const tables = new WordTables(memory, 0);
  const tableOf = (words: readonly Word[]) => {
    const at = tables.offsetOf(words);
    return memory.subarray(at, at + TABLE_BYTES);
  };
  return {
    bytes,
    kind: 'js',
    statsLines: undefined,
    saysAny: (start, end, words) => saysAnyJs(bytes, start, end, tableOf(words)),
    linesWith(start, end, words) {
      const table = tableOf(words);
      const found: number[] = [];
      for (let from = start; from < end; ) {
        const to = bytes.indexOf(10, from);
        const lineEnd = to === -1 || to >= end ? end : to;
        if (saysAnyJs(bytes, from, lineEnd, table)) {
          found.push(from, lineEnd);
        }
        from = lineEnd + 1;
      }
      return found;
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
  // The window, the Stats line slots, the words' tables, the lines linesWith finds.
  const tableAt = (windowPages + SLOT_PAGES) * PAGE;
  const outAt = tableAt + PAGE;
  const pages = windowPages + SLOT_PAGES + 1 + OUT_PAGES;
  // Never grown: the views made of it (the window's bytes, the slots) stay valid.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const countByte = instance.exports.countByte as (start: number, length: number, byte: number) => number;
  const says = instance.exports.saysAny as (start: number, end: number, table: number) => number;
  const linesWith = instance.exports.linesWith as (s: number, e: number, t: number, out: number, max: number) => number;
  const tables = new WordTables(Buffer.from(memory.buffer), tableAt);
  const out = new Int32Array(memory.buffer, outAt, OUT_LINES * 2);
  /**
   * The kernel's lines of one pass (its table at `table`). Those of one call (nearly always: OUT_LINES is 16,384)
   * go into an array made at their size: pushed one by one, a read of Stats lines only (every line found) grew its
   * array a dozen times (V8's GrowFastSmiOrObjectElements: 4 % of such a run).
   */
  const linesOf = (start: number, end: number, table: number): number[] => {
    if (start >= end) {
      return [];
    }
    const first = linesWith(start, end, table, outAt, OUT_LINES);
    const found = new Array<number>(2 * first);
    for (let i = 0; i < 2 * first; i++) {
      found[i] = out[i] as number;
    }
    let n = first;
    while (n === OUT_LINES) {
      const from = (out[2 * n - 1] as number) + 1;
      if (from >= end) {
        break;
      }
      n = linesWith(from, end, table, outAt, OUT_LINES);
      for (let i = 0; i < 2 * n; i++) {
        found.push(out[i] as number);
      }
    }
    return found;
  };
  return {
    bytes: Buffer.from(memory.buffer, 0, size),
    saysAny: (start, end, words) => says(start, end, tables.offsetOf(words)) === 1,
    linesWith(start, end, words) {
      if (words.length > LINES_WITH_WORDS) {
        throw new Error(`byte window: linesWith looks for at most ${LINES_WITH_WORDS} words`);
      }
      const passes = passesOf(words);
      let found = linesOf(start, end, tables.offsetOf(passes[0] as readonly Word[]));
      for (let k = 1; k < passes.length; k++) {
        const more = linesOf(start, end, tables.offsetOf(passes[k] as readonly Word[]));
        // Nothing to merge (nearly always for a rarer word): the lines found stay as they are, not copied.
        if (more.length > 0) {
          found = mergeLines(found, more);
        }
      }
      return found;
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
