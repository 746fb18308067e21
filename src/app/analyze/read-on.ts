/**
 * @module app/analyze/read-on
 * What a scan worker does when every source it reads has used up its credit (the batches the merge lets it read
 * ahead): one of them reads on, its batches kept in a temporary file (record-spill.ts) until the merge asks for them.
 *
 * Why: the merge takes records in time order, so it drains rotated pieces of a log (`webbridge.log.29` …
 * `webbridge.log`, each a day of its own) one after another. A worker holding the pieces the merge has not reached
 * had read their few batches ahead and then stood idle, while the other worker read the one piece being merged: 30
 * daily pieces of Stats lines (250 MB) took two workers 1.65 s, no less than one thread (1.63 s). A source that reads
 * on does the work it would do later, on a core that would stand idle now. Each source that reads on has a temporary
 * file of its own, freed once it is drained, and a worker holds at most READ_ON_MOST_RECORDS so (~100 MB of disk).
 *
 * Which one: among the sources the merge has not asked for more than their first read-ahead (it holds their first
 * batch, waiting to reach them: a piece of later days), the one whose first record is the earliest, the one the
 * merge should reach first. A source the merge has asked for more is being merged, or was: where files span the same
 * time (per-node files) every source is, and reading on would only add the temporary file's cost, and the CPU it
 * takes, to a merge that sets the pace (50 files of Stats lines: 3.73 against 3.47 s when any source could). Only
 * while no source of the worker has credit (a source that has is read as the merge asks) and the worker reads no
 * segments, and only with few sources at once (READ_ON_MOST_SOURCES): with thousands the choice costs a look at
 * each, and their read-ahead is already a share of a flat total. A compressed source let go after its first batch
 * (read-batches.ts releaseStreams) never reads on: it would be opened again at once.
 */
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { BatchSizing } from '../../adapters/logfiles/read-size.js';
import { RecordSpill } from '../../adapters/logfiles/record-spill.js';
import { packedAt, packedLength, type SpareBuffers } from '../../core/packed-records.js';

/** Sources open in a worker at once past which none reads on. */
export const READ_ON_MOST_SOURCES = 64;

/**
 * Records a worker's sources may hold read on and not yet handed on, together: ~100 MB of temporary files (48 bytes
 * a record). A year of daily pieces would otherwise be read on as far as the workers outrun the merge, its records
 * on disk until the merge reached them.
 */
export const READ_ON_MOST_RECORDS = 1 << 21;

/** A source a worker reads, as its turns see it. */
export class SourceTurn {
  /** Batches it may still hand on before the merge asks for more. */
  credit: number;
  /** Wakes the source's reading, waiting for credit or for its turn to read on. */
  wake: (() => void) | undefined;
  /** The main thread wants no more of it. */
  closed = false;
  /** The merge has asked it for more than its first read-ahead: it is being merged, or was. */
  asked = false;
  readonly mayReadOn: boolean;
  /** Batches read on, in the order read, in a temporary file of its own, until handed on. */
  #ahead: RecordSpill | undefined;
  /** Records in those batches. */
  aheadRecords = 0;
  /** Its reading came to an end while reading on: its last batch was read, or reading failed (`failure`). */
  ended = false;
  #failed = false;
  #failure: unknown;
  /**
   * Time of the first record read (+∞ before any): the earliest reads on first, and goes on until it ends (by the
   * last record read, two pieces read on would take turns, each overtaking the other).
   */
  firstAt = Number.POSITIVE_INFINITY;

  /** Batches read on and not handed on yet. */
  get aheadCount(): number {
    return this.#ahead?.waiting ?? 0;
  }

  /** The sizes of its batches, which the merge may change as it goes (held-at-once.ts); read as each batch is cut. */
  readonly sizing: BatchSizing | undefined;

  constructor(credit: number, mayReadOn: boolean, sizing?: BatchSizing) {
    this.credit = credit;
    this.mayReadOn = mayReadOn;
    this.sizing = sizing;
  }

  /** Reads one more batch past its credit into its temporary file (or notes the end, or the failure). */
  async readOn(batches: AsyncGenerator<RecordBatch>, spares: SpareBuffers): Promise<void> {
    try {
      const next = await batches.next();
      if (next.done) {
        this.ended = true;
      } else {
        this.#noteRead(next.value);
        this.aheadRecords += packedLength(next.value);
        this.#ahead ??= new RecordSpill({ ownFile: true });
        this.#ahead.write(next.value, spares);
      }
    } catch (err) {
      this.ended = true;
      this.#failed = true;
      this.#failure = err;
    }
  }

  /**
   * The next batch to hand on: those read on first, in order, then from `batches`; undefined at the end. A failure
   * met while reading on is thrown once the batches read before it are handed on, as it would have been without.
   */
  async next(batches: AsyncGenerator<RecordBatch>, spares: SpareBuffers): Promise<RecordBatch | undefined> {
    const ahead = this.#ahead?.shift(spares);
    if (ahead !== undefined) {
      this.aheadRecords -= packedLength(ahead);
      return ahead;
    }
    if (this.ended) {
      if (this.#failed) {
        throw this.#failure;
      }
      return undefined;
    }
    const next = await batches.next();
    if (next.done) {
      return undefined;
    }
    this.#noteRead(next.value);
    return next.value;
  }

  /** Lets the temporary file go (the source is done or closed). */
  close(): void {
    this.#ahead?.close();
    this.#ahead = undefined;
    this.aheadRecords = 0;
  }

  #noteRead(batch: RecordBatch): void {
    if (this.firstAt === Number.POSITIVE_INFINITY && packedLength(batch) > 0) {
      this.firstAt = packedAt(batch, 0);
    }
  }
}

/**
 * The source of `sources` that should read on now, or undefined: none while one has credit or `busy` (segments being
 * read), with more than READ_ON_MOST_SOURCES of them, or READ_ON_MOST_RECORDS read on and not handed on.
 */
export function readOnChoice(sources: Iterable<SourceTurn>, count: number, busy: boolean): SourceTurn | undefined {
  if (busy || count > READ_ON_MOST_SOURCES) {
    return undefined;
  }
  let best: SourceTurn | undefined;
  let ahead = 0;
  for (const s of sources) {
    ahead += s.aheadRecords;
    if (s.closed) {
      continue;
    }
    if (s.credit > 0) {
      return undefined;
    }
    if (s.mayReadOn && !s.asked && !s.ended && (best === undefined || s.firstAt < best.firstAt)) {
      best = s;
    }
  }
  return ahead < READ_ON_MOST_RECORDS ? best : undefined;
}
