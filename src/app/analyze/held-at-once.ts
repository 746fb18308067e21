/**
 * @module app/analyze/held-at-once
 * How many of the sources a merge has open it holds at once at a given time: those it has reached (their first
 * record at or before that time) and not finished, and those whose first record is not known yet; and which it
 * reaches next.
 *
 * Why: batches and read-ahead were sized by the sources open (worker-protocol.ts), so that what they hold together
 * stays flat. But the merge takes records in time order, and rotated pieces of a log (`webbridge.log.149` …
 * `webbridge.log`, a day each) are merged one after another: with 150 pieces open, each got batches of 54 records
 * and 6 of them ahead, and hand-overs of so many small batches, and the worker of the piece being merged reading in
 * step with the merge while the other waited, set the pace (two workers 2.2 s where one thread took 1.95). Sized by
 * the sources the merge holds at once and the few it reaches next (scan-pool.ts), the pieces it drains take the
 * batches a few sources would, the next ones are read ahead by the workers meanwhile, and the others keep their
 * small first share. Where files span the same time (per-node files) the merge reaches them all within its first
 * batches: they are all held, and their sizes stay as they were.
 */

/** One source as a HeldAtOnce counts it. */
export interface HeldSource {
  /** Its first record's time (epoch ms), once known: it is held from then on. */
  firstAt(at: number): void;
  /** It is finished (or closed): held no more. */
  done(): void;
}

interface Entry<T> {
  readonly at: number;
  readonly source: T;
}

/** Index of the first of `entries` (sorted by time) whose time is after `at`. */
function firstAfter<T>(entries: readonly Entry<T>[], at: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry<T>).at <= at) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The sources of one merge (a pool's), counted as the merge holds them; `T`: what stands for a source. */
export class HeldAtOnce<T> {
  /** The open sources that told their first record's time, sorted by it (then by when they told it). */
  readonly #entries: Entry<T>[] = [];
  /** Open sources whose first record time is not known yet: counted as held, which errs towards small batches. */
  #unknown = 0;

  /** `source` opened: held until it tells its first record's time. */
  open(source: T): HeldSource {
    this.#unknown++;
    let entry: Entry<T> | undefined;
    let finished = false;
    return {
      firstAt: (at) => {
        if (finished || entry !== undefined || Number.isNaN(at)) {
          return;
        }
        entry = { at, source };
        this.#unknown--;
        this.#entries.splice(firstAfter(this.#entries, at), 0, entry);
      },
      done: () => {
        if (finished) {
          return;
        }
        finished = true;
        if (entry === undefined) {
          this.#unknown--;
          return;
        }
        // Among those of its time, found by identity (several sources may share a first record's time).
        for (let i = firstAfter(this.#entries, entry.at) - 1; i >= 0; i--) {
          if (this.#entries[i] === entry) {
            this.#entries.splice(i, 1);
            break;
          }
        }
      },
    };
  }

  /** Open sources held at time `at`: reached by then (or not known yet), and not finished. */
  at(at: number): number {
    return this.#unknown + firstAfter(this.#entries, at);
  }

  /** The (at most) `count` open sources the merge reaches next after time `at`, by their first records. */
  next(at: number, count: number): T[] {
    const from = firstAfter(this.#entries, at);
    return this.#entries.slice(from, from + count).map((e) => e.source);
  }
}
