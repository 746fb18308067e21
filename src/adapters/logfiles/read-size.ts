/**
 * @module adapters/logfiles/read-size
 * How many bytes a source's next read takes, so that a read adds at most about the records it is given.
 *
 * Why: a source's records are handed on a batch at a time (read-batches.ts), and what the merge and the scan workers
 * hold is counted in batches (worker-protocol.ts: 512 records, ~25 KB, fewer with many sources). But a batch was
 * cut only between reads, and a read took 1 MiB: in a CMS log a Stats line is one in ~80, ~110 records a MiB, well
 * inside a batch; in a file of Stats lines only (a per-program file of the Web Bridge, or lines an administrator
 * grepped out) it is ~10,000, so each batch held ~0.5 MB and the read-ahead ~20 of them per source: 50 such files of
 * 21 MB took analyze to 600 MB of RSS, 400 to 1.2 GB. Now the read shrinks where records are dense and grows back
 * where they are not.
 */

/** The first read of a source: its density is not known yet (the merge holds every source's first batch). */
export const FIRST_READ_BYTES = 64 << 10;
/** The smallest read: ~170 Stats lines; smaller reads would only add system calls. */
export const MIN_READ_BYTES = 16 << 10;
/**
 * Reads are whole pages, so that file offsets stay page-aligned like the scanner's read area (the kernel copies
 * from the page cache about twice as fast so: candidate-scanner.ts).
 */
const PAGE = 4096;

/**
 * Records one read may add by default, in batches (read-batches.ts readRecords). One batch a read held the least
 * (50 files of Stats lines only, 1.1 GB, in scan workers: 143 MB of RSS) but the many small batches took twice as
 * long as 1 MiB reads (15.7 against 7.6 s; 600 MB); four: 175 MB, 12.7 s; sixteen: 250 MB, 10.5 s. A CMS log's reads
 * stay 1 MiB whatever this is, when batches are large (few sources).
 */
export const BATCHES_PER_READ = 4;

/** Records per batch of a source by default (read-batches.ts ReadOptions batchSize). */
export const DEFAULT_BATCH_RECORDS = 512;

/**
 * The sizes of a source's batches, read each time one is cut (read-batches.ts readBatches): its reader, a scan
 * worker, may change them while the source is read, as the merge tells it (app/analyze/held-at-once.ts). An
 * archive's batches keep their first size.
 */
export interface BatchSizing {
  /** Records per batch (ReadOptions batchSize). */
  batchRecords: number;
  /** Records one read may add, about (ReadOptions readRecords). */
  readRecords: number;
}

/** The sizes read options give a source's batches. */
export function batchSizingOf(options: { readonly batchSize?: number; readonly readRecords?: number }): BatchSizing {
  const batchRecords = options.batchSize ?? DEFAULT_BATCH_RECORDS;
  return { batchRecords, readRecords: options.readRecords ?? batchRecords * BATCHES_PER_READ };
}

export class ReadSize {
  readonly #max: number;
  #records: number;
  #next: number;

  /** Reads of at most `max` bytes, aiming at `records` records or fewer each. */
  constructor(max: number, records: number) {
    this.#max = Math.max(MIN_READ_BYTES, Math.floor(max / PAGE) * PAGE);
    this.#records = Math.max(1, records);
    this.#next = Math.min(this.#max, FIRST_READ_BYTES);
  }

  /**
   * Reads aim at `records` records or fewer from now on (a scan worker's source whose batches the merge resized:
   * app/analyze/held-at-once.ts); the next read's size adapts to it as it does to the records' density.
   */
  aim(records: number): void {
    this.#records = Math.max(1, records);
  }

  /** Bytes the next read may take. */
  get next(): number {
    return this.#next;
  }

  /**
   * A read of `bytes` added `added` records: more than aimed at shrinks the next read in proportion (a 16 KiB
   * floor); at most half of it doubles the next (up to the maximum).
   */
  update(bytes: number, added: number): void {
    if (added > this.#records && bytes > 0) {
      const fit = Math.floor((bytes * this.#records) / added / PAGE) * PAGE;
      this.#next = Math.max(MIN_READ_BYTES, fit);
    } else if (added * 2 <= this.#records && bytes >= this.#next) {
      // Only a whole read says the records are sparse: a stream's slice cut short by the end of its chunk added
      // few because it was short (doubling on it, batches of a .gz file came out at twice their size).
      this.#next = Math.min(this.#max, this.#next * 2);
    }
  }
}
