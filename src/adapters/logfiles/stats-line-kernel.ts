/**
 * @module adapters/logfiles/stats-line-kernel
 * The WebAssembly reader of Web Bridge Stats lines (wasm/stats-line.wat), over the memory of a scan window: a line
 * the scanner found is read where it lies, with no string and no object made. It reads exactly what
 * core/parse/stats-bytes.ts reads (a test holds them equal); whatever it does not take goes the JavaScript way.
 * Why: in JavaScript, each scan worker ran its first ~20,000 Stats lines in V8's interpreter (~3 µs each) while the
 * reader was optimised on a background thread, competing with the scan for the same two cores, and did so again in
 * every worker: that was most of what `analyze` spent beyond reading and searching the bytes (docs/benchmarks.md).
 */
import { isFacilitySeverityToken, StatsLineState } from '../../core/parse/index.js';
import { STATS_LINE_WASM_BASE64 } from './wasm/stats-line-module.js';
import { wasmModuleOnce } from './wasm-module.js';

/** Bytes of memory per source (stats-line.wat documents the layout). */
export const STATS_SLOT_BYTES = 512;
/** A slot's fields, as Int32Array indices from the slot's start (byte offset ÷ 4; stats-line.wat's layout). */
const I32 = {
  tokenLength: 0,
  tokenIsFacility: 1,
  hostLength: 2,
  hostChanged: 3,
  month: 4,
  day: 5,
  hour: 6,
  minute: 7,
  second: 8,
  ms: 9,
  stampEnd: 10,
  tokenStart: 11,
  tokenEnd: 12,
  active: 13,
  messageStart: 18,
  lineEnd: 19,
} as const;
/** The slot's counters, as Float64Array indices (byte offset ÷ 8). */
const F64 = { connects: 7, disconnects: 8 } as const;
const KEPT_MAX = 128;
const TOKEN_AT = 128;
const HOST_AT = 256;

type StatsLineFn = (start: number, end: number, slot: number) => number;
interface Exports {
  statsLine: StatsLineFn;
  envelope: StatsLineFn;
}

const statsLineModule = wasmModuleOnce(STATS_LINE_WASM_BASE64);

/**
 * The Stats line reader of one window's memory, with `slots` places for sources at `slotsAt` (beyond the window's
 * bytes). A thread reads each of its sources through its own slot; with more sources open than slots, the others
 * read their lines in JavaScript (same results).
 */
export class StatsLineKernel {
  readonly #fn: StatsLineFn;
  readonly #envelopeFn: StatsLineFn;
  readonly #memory: Buffer;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #free: number[] = [];

  private constructor(exports: Exports, memory: WebAssembly.Memory, slotsAt: number, slots: number) {
    this.#fn = exports.statsLine;
    this.#envelopeFn = exports.envelope;
    this.#memory = Buffer.from(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#f64 = new Float64Array(memory.buffer);
    for (let i = slots - 1; i >= 0; i--) {
      this.#free.push(slotsAt + i * STATS_SLOT_BYTES);
    }
  }

  /** A kernel over `memory` (which must not grow), or undefined where this runtime cannot compile it. */
  static over(memory: WebAssembly.Memory, slotsAt: number, slots: number): StatsLineKernel | undefined {
    const module = statsLineModule();
    if (!module) {
      return undefined;
    }
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new StatsLineKernel(instance.exports as unknown as Exports, memory, slotsAt, slots);
  }

  /** A reader for one source, or undefined when every slot is taken. Give it back with `release`. */
  reader(): StatsLineReader | undefined {
    const slot = this.#free.pop();
    return slot === undefined ? undefined : new StatsLineReader(this, slot);
  }

  /** Slots free (tests). */
  get freeSlots(): number {
    return this.#free.length;
  }

  /** @internal */
  release(slot: number): void {
    this.#free.push(slot);
  }

  /** @internal */
  get fn(): StatsLineFn {
    return this.#fn;
  }
  /** @internal */
  get envelopeFn(): StatsLineFn {
    return this.#envelopeFn;
  }
  /** @internal */
  get memory(): Buffer {
    return this.#memory;
  }
  /** @internal */
  get i32(): Int32Array {
    return this.#i32;
  }
  /** @internal */
  get f64(): Float64Array {
    return this.#f64;
  }
}

/** Reads the Stats lines of one source, in the window's memory; the fields of the last line read are on it. */
export class StatsLineReader extends StatsLineState {
  readonly #kernel: StatsLineKernel;
  readonly #slot: number;
  /** The slot as Int32Array and Float64Array indices. */
  readonly #at32: number;
  readonly #at64: number;
  #released = false;

  constructor(kernel: StatsLineKernel, slot: number) {
    super();
    this.#kernel = kernel;
    this.#slot = slot;
    this.#at32 = slot >> 2;
    this.#at64 = slot >> 3;
    const i32 = kernel.i32;
    // Nothing kept yet: no first token, no host.
    i32[this.#at32 + I32.tokenLength] = -1;
    i32[this.#at32 + I32.tokenIsFacility] = 0;
    i32[this.#at32 + I32.hostLength] = -1;
    i32[this.#at32 + I32.hostChanged] = 0;
  }

  /** Whether the window's bytes [start, end) (no newline) are a Stats line of the common shape; fields set if so. */
  read(start: number, end: number): boolean {
    if (!this.#answer(this.#kernel.fn, start, end)) {
      return false;
    }
    const i32 = this.#kernel.i32;
    const at = this.#at32;
    this.active = i32[at + I32.active] as number;
    this.connects = this.#kernel.f64[this.#at64 + F64.connects] as number;
    this.disconnects = this.#kernel.f64[this.#at64 + F64.disconnects] as number;
    return true;
  }

  /**
   * The message of the window's line [start, end) when its envelope has the BSD shape this kernel reads (stamp and
   * host then set, as for a Stats line); undefined otherwise. For the other candidate lines (STATS JSON, audit).
   */
  envelope(start: number, end: number): string | undefined {
    if (!this.#answer(this.#kernel.envelopeFn, start, end)) {
      return undefined;
    }
    const i32 = this.#kernel.i32;
    const at = this.#at32;
    return this.#kernel.memory.toString('utf8', i32[at + I32.messageStart] as number, i32[at + I32.lineEnd] as number);
  }

  /** Runs `fn` on the line (keeping a new first token when asked); on 1, takes the stamp and host. */
  #answer(fn: StatsLineFn, start: number, end: number): boolean {
    const kernel = this.#kernel;
    let answer = fn(start, end, this.#slot);
    if (answer === 2) {
      if (!this.#keepToken()) {
        return false;
      }
      answer = fn(start, end, this.#slot);
    }
    if (answer !== 1) {
      return false;
    }
    const i32 = kernel.i32;
    const at = this.#at32;
    if (i32[at + I32.hostChanged] === 1) {
      // The kept host changed (checked ASCII by the kernel): its string, made once per change.
      this.host = kernel.memory.toString(
        'latin1',
        this.#slot + HOST_AT,
        this.#slot + HOST_AT + (i32[at + I32.hostLength] as number),
      );
      i32[at + I32.hostChanged] = 0;
    }
    const stamp = this.stamp;
    stamp.month = i32[at + I32.month] as number;
    stamp.day = i32[at + I32.day] as number;
    stamp.hour = i32[at + I32.hour] as number;
    stamp.minute = i32[at + I32.minute] as number;
    stamp.second = i32[at + I32.second] as number;
    stamp.ms = i32[at + I32.ms] as number;
    stamp.end = i32[at + I32.stampEnd] as number;
    return true;
  }

  /**
   * The first token after the stamp is not the kept one: decides, as stats-bytes.ts does, whether it is a
   * facility.severity token (ASCII only, else the line goes the general way) and keeps it with the answer.
   */
  #keepToken(): boolean {
    const { i32, memory } = this.#kernel;
    const at = this.#at32;
    const from = i32[at + I32.tokenStart] as number;
    const to = i32[at + I32.tokenEnd] as number;
    if (to - from > KEPT_MAX) {
      return false;
    }
    for (let i = from; i < to; i++) {
      if ((memory[i] as number) >= 128) {
        return false;
      }
    }
    memory.copy(memory, this.#slot + TOKEN_AT, from, to);
    i32[at + I32.tokenLength] = to - from;
    i32[at + I32.tokenIsFacility] = isFacilitySeverityToken(memory.toString('latin1', from, to)) ? 1 : 0;
    return true;
  }

  /** Gives the slot back (once). */
  release(): void {
    if (!this.#released) {
      this.#released = true;
      this.#kernel.release(this.#slot);
    }
  }
}
