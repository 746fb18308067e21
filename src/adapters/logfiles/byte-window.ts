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
  return {
    bytes,
    kind: 'js',
    statsLines: undefined,
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
  const pages = windowPages + SLOT_PAGES;
  // Never grown: the views made of it (the window's bytes, the slots) stay valid.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const countByte = instance.exports.countByte as (start: number, length: number, byte: number) => number;
  return {
    bytes: Buffer.from(memory.buffer, 0, size),
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
