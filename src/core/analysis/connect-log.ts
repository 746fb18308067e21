/**
 * @module core/analysis/connect-log
 * A Web Bridge's connect counter (`c:` of its Stats lines) at its recent samples, so the leak bound can be proven at
 * any instant: real sessions on a Web Bridge at `t` are at most the Call Bridges' Σ CMA at their own (older) instants
 * plus the guests who joined that Web Bridge since the oldest of them — `c(t) − c(s)` for a sample `s` at or before
 * it. Without that term a guest joining between two STATS lines passes for a leak (docs/guards.md).
 */

/** Samples kept: at a Stats line every 10 s, about 11 hours without a Call Bridge STATS line. */
export const MAX_CONNECT_SAMPLES = 4096;
/** Room a log starts with; it doubles as needed, up to MAX_CONNECT_SAMPLES. */
const INITIAL_ROOM = 64;

/**
 * The samples in a ring (oldest at `#head`): a full log drops its oldest sample at each new one, and shifting an
 * array of 4,096 did that in time growing with the log — on logs whose Call Bridge figures run ahead of a Web
 * Bridge's samples (rotated pieces read out of order), nothing trims the log and every sample paid for it (5,264
 * times on the 2 GB benchmark mix; its records replayed warm 66–72 against 79–95 ms).
 */
export class ConnectLog {
  #at = new Float64Array(INITIAL_ROOM);
  #connects = new Float64Array(INITIAL_ROOM);
  #head = 0;
  #size = 0;

  /** Samples kept now. */
  get size(): number {
    return this.#size;
  }

  /** Forgets every sample: the counter started again (the Web Bridge restarted). */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  add(at: number, connects: number): void {
    const room = this.#at.length;
    if (this.#size === room) {
      if (room < MAX_CONNECT_SAMPLES) {
        this.#grow(Math.min(room * 2, MAX_CONNECT_SAMPLES));
      } else {
        // Full: the oldest sample goes.
        this.#head = (this.#head + 1) % room;
        this.#size--;
      }
    }
    const slot = (this.#head + this.#size) % this.#at.length;
    this.#at[slot] = at;
    this.#connects[slot] = connects;
    this.#size++;
  }

  /**
   * The counter at the latest sample at or before `at` — the last of the samples, from the oldest on, that are all at
   * or before it — or undefined when no sample that old is kept (then nothing can be proven from it). Samples older
   * than that one are no longer needed — the oldest Call Bridge instant a caller asks about never moves back — so
   * they are dropped.
   */
  connectsAtOrBefore(at: number): number | undefined {
    const room = this.#at.length;
    let i = -1;
    while (i + 1 < this.#size && (this.#at[(this.#head + i + 1) % room] as number) <= at) {
      i++;
    }
    if (i < 0) {
      return undefined;
    }
    this.#head = (this.#head + i) % room;
    this.#size -= i;
    return this.#connects[this.#head];
  }

  /** Copies the samples, oldest first, into arrays of `room`. */
  #grow(room: number): void {
    const at = new Float64Array(room);
    const connects = new Float64Array(room);
    const old = this.#at.length;
    for (let k = 0; k < this.#size; k++) {
      at[k] = this.#at[(this.#head + k) % old] as number;
      connects[k] = this.#connects[(this.#head + k) % old] as number;
    }
    this.#at = at;
    this.#connects = connects;
    this.#head = 0;
  }
}
