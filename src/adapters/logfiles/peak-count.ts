/**
 * @module adapters/logfiles/peak-count
 * A count of things a thread has open (streams, archives being read) and the most it reached: tests hold the bounds
 * on what is open at once with it.
 */
export class PeakCount {
  #now = 0;
  #most = 0;

  up(): void {
    this.#now++;
    this.#most = Math.max(this.#most, this.#now);
  }

  down(): void {
    this.#now--;
  }

  /** The count now, and the most since the last call. */
  read(): { now: number; most: number } {
    const counts = { now: this.#now, most: this.#most };
    this.#most = this.#now;
    return counts;
  }
}
