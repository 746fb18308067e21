/**
 * @module adapters/logfiles/slots
 * How many of a kind of reading a thread does at once: the rest wait their turn, first come first served. For
 * readings that end without the merge (a compressed source's first batch, a source read to its end, an archive's
 * entries), so that a wait for a slot always ends.
 */
export class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(count: number) {
    this.#free = count;
  }

  /** Resolves once a slot is this caller's; `give` it back. */
  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    // Handed over by `give`, the count unchanged.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Takes a slot if one is free now, without waiting: whether it did. */
  tryTake(): boolean {
    if (this.#free > 0) {
      this.#free--;
      return true;
    }
    return false;
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) {
      next();
    } else {
      this.#free++;
    }
  }
}
