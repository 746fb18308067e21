/**
 * @module core/alerts/intervals
 * How often each node logs its Stats, learnt from what arrives: the Web Bridge 2 interval is not documented
 * (docs/cms-facts.md, unconfirmed), so "quiet for N intervals" uses the median of the node's last gaps, and the
 * configured interval until two gaps are known.
 */
const KEEP = 9;

export class IntervalLearner {
  readonly #last = new Map<string, number>();
  readonly #gaps = new Map<string, number[]>();

  /** The node's latest sample time (epoch ms); the same time twice adds nothing. */
  observe(name: string, at: number): void {
    const last = this.#last.get(name);
    if (last !== undefined && at > last) {
      const gaps = this.#gaps.get(name) ?? [];
      gaps.push(at - last);
      if (gaps.length > KEEP) {
        gaps.shift();
      }
      this.#gaps.set(name, gaps);
    }
    if (last === undefined || at > last) {
      this.#last.set(name, at);
    }
  }

  /** The learnt interval in ms, or `fallback` while fewer than two gaps are known. */
  interval(name: string, fallback: number): number {
    const gaps = this.#gaps.get(name);
    if (!gaps || gaps.length < 2) {
      return fallback;
    }
    const sorted = [...gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  }
}
