/**
 * @module core/analysis/connect-log
 * A Web Bridge's connect counter (`c:` of its Stats lines) at its recent samples, so the leak bound can be proven at
 * any instant: real sessions on a Web Bridge at `t` are at most the Call Bridges' Σ CMA at their own (older) instants
 * plus the guests who joined that Web Bridge since the oldest of them — `c(t) − c(s)` for a sample `s` at or before
 * it. Without that term a guest joining between two STATS lines passes for a leak (docs/guards.md).
 */

/** Samples kept: at a Stats line every 10 s, about 11 hours without a Call Bridge STATS line. */
const MAX_SAMPLES = 4096;

export class ConnectLog {
  #at: number[] = [];
  #connects: number[] = [];

  /** Forgets every sample: the counter started again (the Web Bridge restarted). */
  clear(): void {
    this.#at = [];
    this.#connects = [];
  }

  add(at: number, connects: number): void {
    this.#at.push(at);
    this.#connects.push(connects);
    if (this.#at.length > MAX_SAMPLES) {
      this.#at.shift();
      this.#connects.shift();
    }
  }

  /**
   * The counter at the latest sample at or before `at`, or undefined when no sample that old is kept (then nothing
   * can be proven from it). Samples older than that one are no longer needed — the oldest Call Bridge instant a
   * caller asks about never moves back — so they are dropped.
   */
  connectsAtOrBefore(at: number): number | undefined {
    let i = -1;
    while (i + 1 < this.#at.length && (this.#at[i + 1] as number) <= at) {
      i++;
    }
    if (i < 0) {
      return undefined;
    }
    if (i > 0) {
      this.#at.splice(0, i);
      this.#connects.splice(0, i);
    }
    return this.#connects[0];
  }
}
