/**
 * @module adapters/logfiles/stats-line-kernel
 * The WebAssembly reader of Web Bridge Stats lines (wasm/stats-line.wat), over the memory of a scan window: a line
 * the scanner found is read where it lies, with no string and no object made — of the common BSD shape (`read`),
 * and of the others (`readOther`: an ISO 8601 stamp, a `<PRI>` before either stamp, an RFC 5424 header). It reads
 * exactly what core/parse/stats-bytes.ts reads (a test holds them equal); whatever it does not take goes the
 * JavaScript way.
 * Why: in JavaScript, each scan worker ran its first ~20,000 Stats lines in V8's interpreter (~3 µs each) while the
 * reader was optimised on a background thread, competing with the scan for the same two cores, and did so again in
 * every worker: that was most of what `analyze` spent beyond reading and searching the bytes (docs/benchmarks.md).
 */
import { isFacilitySeverityToken, StatsLineState, wallClockToEpoch } from '../../core/parse/index.js';
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
  year: 20,
  hasZone: 21,
  offsetMinutes: 22,
} as const;
/** The slot's counters, as Float64Array indices (byte offset ÷ 8). */
const F64 = { connects: 7, disconnects: 8 } as const;
const KEPT_MAX = 128;
const TOKEN_AT = 128;
const HOST_AT = 256;

type StatsLineFn = (start: number, end: number, slot: number) => number;

/** What StatsLineReader.readOther found in a line. */
export type OtherLine = 'no' | 'bsd' | 'instant' | 'bsd-message' | 'instant-message';
interface Exports {
  statsLine: StatsLineFn;
  envelope: StatsLineFn;
  otherStatsLine: StatsLineFn;
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
  readonly #otherFn: StatsLineFn;
  readonly #memory: Buffer;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #free: number[] = [];

  private constructor(exports: Exports, memory: WebAssembly.Memory, slotsAt: number, slots: number) {
    this.#fn = exports.statsLine;
    this.#envelopeFn = exports.envelope;
    this.#otherFn = exports.otherStatsLine;
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
  get otherFn(): StatsLineFn {
    return this.#otherFn;
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

/** Hosts a reader remembers the strings of (a cluster's nodes, and then some). */
const RECENT_HOSTS = 16;

/** A host's bytes and the string made of them. */
interface KnownHost {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/** Reads the Stats lines of one source, in the window's memory; the fields of the last line read are on it. */
export class StatsLineReader extends StatsLineState {
  readonly #kernel: StatsLineKernel;
  readonly #slot: number;
  /** The slot as Int32Array and Float64Array indices. */
  readonly #at32: number;
  readonly #at64: number;
  #released = false;
  /** The host strings made last, with their bytes (#hostString). */
  readonly #recentHosts: KnownHost[] = [];

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

  /** The instant of the last line `readOther` answered 'instant' or 'instant-message' for. */
  at = 0;
  /** The message of the line `readOther` last answered 'bsd-message' or 'instant-message' for. */
  message = '';

  /** Whether the window's bytes [start, end) (no newline) are a Stats line of the common shape; fields set if so. */
  read(start: number, end: number): boolean {
    if (this.#call(this.#kernel.fn, start, end) !== 1) {
      return false;
    }
    this.#takeEnvelope();
    this.#takeCounts();
    return true;
  }

  /**
   * Whether [start, end) is a Stats line of another shape, as StatsLineBytes.readOtherShape (core/parse) answers:
   * 'bsd' (a `<PRI>` before a BSD stamp: `stamp` set, as by `read`), 'instant' (an ISO 8601 stamp: `at` set, a
   * zone-less stamp read in `timeZone`), or 'no': not one, or one the kernel leaves to the JavaScript reader (a host
   * of over 128 bytes…), which the caller then asks. Or, where readOtherShape says 'no', the envelope of such a line
   * whose payload is another one (a Call Bridge STATS line): 'bsd-message' (`stamp` set) or 'instant-message' (`at`
   * set), with `host` and `message` set: what the general parser makes of the line is its payload's outcome then.
   */
  readOther(start: number, end: number, timeZone: string): OtherLine {
    const answer = this.#call(this.#kernel.otherFn, start, end);
    // 1 and 4: a BSD stamp (after a `<PRI>`); 3 and 5: an ISO 8601 one; 4 and 5: not a Stats payload.
    const bsd = answer === 1 || answer === 4;
    if (bsd) {
      this.#takeEnvelope();
    } else if ((answer === 3 || answer === 5) && this.#takeInstant(timeZone)) {
      this.#takeHost();
    } else {
      return 'no';
    }
    if (answer === 4 || answer === 5) {
      this.message = this.#message();
      return bsd ? 'bsd-message' : 'instant-message';
    }
    this.#takeCounts();
    return bsd ? 'bsd' : 'instant';
  }

  /**
   * The ISO 8601 stamp the kernel read, as an instant in `at` (as isoStampEnd of core/parse/line-bytes.ts makes it:
   * by the same function); false when the stamp names no instant.
   */
  #takeInstant(timeZone: string): boolean {
    const i32 = this.#kernel.i32;
    const at = this.#at32;
    const instant = wallClockToEpoch(
      timeZone,
      i32[at + I32.year] as number,
      i32[at + I32.month] as number,
      i32[at + I32.day] as number,
      i32[at + I32.hour] as number,
      i32[at + I32.minute] as number,
      i32[at + I32.second] as number,
      i32[at + I32.ms] as number,
      i32[at + I32.hasZone] === 1 ? (i32[at + I32.offsetMinutes] as number) : undefined,
    );
    if (!Number.isFinite(instant)) {
      return false;
    }
    this.at = instant;
    return true;
  }

  #takeCounts(): void {
    this.active = this.#kernel.i32[this.#at32 + I32.active] as number;
    this.connects = this.#kernel.f64[this.#at64 + F64.connects] as number;
    this.disconnects = this.#kernel.f64[this.#at64 + F64.disconnects] as number;
  }

  /**
   * The message of the window's line [start, end) when its envelope has the BSD shape this kernel reads (stamp and
   * host then set, as for a Stats line); undefined otherwise. For the other candidate lines (STATS JSON, audit).
   */
  envelope(start: number, end: number): string | undefined {
    if (this.#call(this.#kernel.envelopeFn, start, end) !== 1) {
      return undefined;
    }
    this.#takeEnvelope();
    return this.#message();
  }

  /** The message the kernel found (its bounds in the slot), decoded. */
  #message(): string {
    const i32 = this.#kernel.i32;
    const at = this.#at32;
    return this.#kernel.memory.toString('utf8', i32[at + I32.messageStart] as number, i32[at + I32.lineEnd] as number);
  }

  /** Runs `fn` on the line, keeping a new first token when asked (answer 2) and asking again: its answer. */
  #call(fn: StatsLineFn, start: number, end: number): number {
    const answer = fn(start, end, this.#slot);
    if (answer !== 2) {
      return answer;
    }
    return this.#keepToken() ? fn(start, end, this.#slot) : 0;
  }

  /** Takes the host (its string looked up again only when the kernel kept another). */
  #takeHost(): void {
    const kernel = this.#kernel;
    const i32 = kernel.i32;
    const at = this.#at32;
    if (i32[at + I32.hostChanged] === 1) {
      // The kept host changed (checked ASCII by the kernel).
      this.host = this.#hostString(kernel.memory, this.#slot + HOST_AT, i32[at + I32.hostLength] as number);
      i32[at + I32.hostChanged] = 0;
    }
  }

  /**
   * The string of the host in `memory[from, from + length)`: one of the last RECENT_HOSTS made when it is one of
   * them. Why: in a file of the whole cluster's Stats lines (a syslog server's file of the Web Bridge's program) the
   * host changes at nearly every line, and a new string each time cost its making, its hash and a lookup under a new
   * key where it is packed (~10 % of a worker's time on 30 daily pieces of ten nodes' lines).
   */
  #hostString(memory: Buffer, from: number, length: number): string {
    const recent = this.#recentHosts;
    for (let k = 0; k < recent.length; k++) {
      const known = recent[k] as KnownHost;
      const bytes = known.bytes;
      if (bytes.length !== length) {
        continue;
      }
      // From the last byte: hosts of a cluster tend to differ at their ends (cms1, cms2…).
      let i = length - 1;
      while (i >= 0 && bytes[i] === memory[from + i]) {
        i--;
      }
      if (i < 0) {
        return known.text;
      }
    }
    const text = memory.toString('latin1', from, from + length);
    if (recent.length === RECENT_HOSTS) {
      recent.shift();
    }
    recent.push({ bytes: Uint8Array.from(memory.subarray(from, from + length)), text });
    return text;
  }

  /** Takes the BSD stamp and the host of the line just read. */
  #takeEnvelope(): void {
    this.#takeHost();
    const i32 = this.#kernel.i32;
    const at = this.#at32;
    const stamp = this.stamp;
    stamp.month = i32[at + I32.month] as number;
    stamp.day = i32[at + I32.day] as number;
    stamp.hour = i32[at + I32.hour] as number;
    stamp.minute = i32[at + I32.minute] as number;
    stamp.second = i32[at + I32.second] as number;
    stamp.ms = i32[at + I32.ms] as number;
    stamp.end = i32[at + I32.stampEnd] as number;
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
