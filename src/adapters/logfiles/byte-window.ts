/**
 * @module adapters/logfiles/byte-window
 * A fixed block of memory that log bytes are read into and scanned in place, with a fast count of newlines.
 * Counting every line of gigabytes of logs by calling Buffer.indexOf once per line cost as much as reading them;
 * the WebAssembly SIMD kernel (wasm/count-byte.wat) counts at memory speed. Where WebAssembly SIMD is unavailable
 * (an old CPU, `--jitless`) the same contract is met in plain JavaScript, only slower.
 */
import { COUNT_BYTE_WASM_BASE64 } from './wasm/count-byte-module.js';

export interface ByteWindow {
  /** The window's memory: callers read into it and scan it where it is. Never reallocated. */
  readonly bytes: Buffer;
  /** How many bytes equal `byte` in `bytes[start, end)`. */
  count(start: number, end: number, byte: number): number;
  readonly kind: 'wasm' | 'js';
}

const PAGE = 65_536;
let compiled: WebAssembly.Module | null | undefined;

/** Compiles the kernel once per thread; null when this runtime cannot (no WebAssembly, or no SIMD). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(COUNT_BYTE_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function jsWindow(size: number): ByteWindow {
  const bytes = Buffer.allocUnsafe(size);
  return {
    bytes,
    kind: 'js',
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
  const memory = new WebAssembly.Memory({ initial: Math.ceil(size / PAGE), maximum: Math.ceil(size / PAGE) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const countByte = instance.exports.countByte as (start: number, length: number, byte: number) => number;
  return {
    bytes: Buffer.from(memory.buffer, 0, size),
    kind: 'wasm',
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
