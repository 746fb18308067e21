/**
 * @module app/analyze/worker-feed
 * The merge's end of a source a scan worker reads (scan-pool.ts): it hands the worker credit back as the merge takes
 * batches, so that the worker reads ahead of the merge by a bounded number of batches; the memory of the batches
 * merged goes back with it, to be packed into again (spare-buffers.ts); and, sized by the sources the merge holds at
 * once (held-at-once.ts), it tells the worker the sizes of the batches it reads from then on.
 */
import type { Mailbox } from '../../adapters/logfiles/mailbox.js';
import type { BatchFeed } from '../../adapters/logfiles/merge-by-time.js';
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { BatchSizing } from '../../adapters/logfiles/read-size.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import { packedAt, packedLength } from '../../core/packed-records.js';
import type { HeldAtOnce } from './held-at-once.js';
import { creditStepFor, type SourceSizing, sizingFor, type ToWorker } from './worker-protocol.js';

/** What a worker said of a source, as its feed takes it. */
export type Settled = { kind: 'batch'; batch: RecordBatch } | { kind: 'done' } | { kind: 'error'; message: string };

/** A source's link to its worker, as its pool makes it. */
export interface WorkerLink {
  readonly id: number;
  readonly source: LogSource;
  /** What the worker said of the source, in order. */
  readonly queue: Mailbox<Settled>;
  /** Posts to the worker, moving `transfer`. */
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  /** The pool delivers nothing more for the source. */
  forget(): void;
}

/**
 * Sizing by the sources the merge holds at once: for input record-dense or not (`dense`), counted in `held` (one for
 * the pool), with the next `upcoming` sources read ahead as held ones; `sizing`: the batch sizes the source was opened
 * with (those for every source open), then those last sent.
 */
export interface HeldSizing {
  readonly dense: boolean;
  readonly held: HeldAtOnce<(wanted: SourceSizing) => void>;
  readonly upcoming: number;
  sizing: BatchSizing;
}

/**
 * The feed of `link`'s source: credit handed back as batches are taken (at most `readAhead` batches ahead; a
 * compressed source let go after its first batch, `firstAlone`, reads no further until the merge asks for its second:
 * read ahead, its stream would be opened again at once), and with `resize`, the sizes of its batches and read-ahead as
 * the sources the merge holds at once call for.
 */
export function workerFeed(
  link: WorkerLink,
  readAhead: number,
  firstAlone: boolean,
  resize?: HeldSizing,
): BatchFeed & { close(): void } {
  let finished = false;
  let asked = 0;
  /** Batches the worker may still hand on without more credit (its first alone: that one). */
  let outstanding = firstAlone ? 1 : readAhead;
  /** The buffer of the batch handed on last, and those of the batches merged since credit was last handed back. */
  let lent: ArrayBuffer | undefined;
  const merged: ArrayBuffer[] = [];
  const credit = (batches: number, sizing?: BatchSizing, early = false): void => {
    const buffers = merged.splice(0);
    outstanding += batches;
    link.post(
      {
        type: 'next',
        id: link.id,
        batches,
        buffers,
        ...(sizing ? { sizing } : {}),
        ...(early ? { early } : {}),
      } satisfies ToWorker,
      buffers,
    );
  };
  /** Batches it may read ahead of the merge: `readAhead`, or with `resize`, as the merge last wanted. */
  let ahead = readAhead;
  /** Takes `wanted`'s read-ahead, and answers its batch sizes where they are new (to tell the worker). */
  const resized = (wanted: SourceSizing): BatchSizing | undefined => {
    ahead = wanted.readAhead;
    const last = resize?.sizing;
    if (!resize || !last || (wanted.batchRecords === last.batchRecords && wanted.readRecords === last.readRecords)) {
      return undefined;
    }
    resize.sizing = { batchRecords: wanted.batchRecords, readRecords: wanted.readRecords };
    return resize.sizing;
  };
  // Read ahead as a source the merge holds, before it reaches it (not a compressed source let go after its first
  // batch: its stream would be opened again now), unless it has already.
  const readAheadAs = (wanted: SourceSizing): void => {
    if (finished || asked > 1 || firstAlone) {
      return;
    }
    const sizing = resized(wanted);
    if (outstanding < ahead || sizing) {
      credit(Math.max(0, ahead - outstanding), sizing, true);
    }
  };
  const held = resize?.held.open(readAheadAs);
  /**
   * Hands credit back once the worker may read half its read-ahead fewer batches ahead than it should, so that it
   * reads on while this batch is merged. With `resize`, the read-ahead and batch sizes are those of the sources the
   * merge holds at the time of `batch`'s last record and of the next few it reaches (`resize.upcoming`), which read
   * ahead as much now: the worker of the next rotated piece reads it while this one is merged.
   */
  const handBack = (batch: RecordBatch, length: number): void => {
    let sizing: BatchSizing | undefined;
    if (resize && length > 0) {
      const at = packedAt(batch, length - 1);
      const upcoming = resize.held.next(at, resize.upcoming);
      const wanted = sizingFor(resize.held.at(at) + upcoming.length, resize.dense);
      for (const readAheadOf of upcoming) {
        readAheadOf(wanted);
      }
      sizing = resized(wanted);
    }
    if (outstanding <= ahead - creditStepFor(ahead) || sizing) {
      credit(Math.max(0, ahead - outstanding), sizing);
    }
  };
  const end = (): void => {
    finished = true;
    link.forget();
    held?.done();
    // The memory of its batches merged since the last credit goes back too, for the worker's other sources: kept
    // here, it lived as long as the merge (batches of thousands of records, 150 rotated pieces: ~100 MB).
    if (merged.length > 0) {
      credit(0);
    }
  };
  return {
    source: link.source,
    next: async () => {
      if (finished) {
        return undefined;
      }
      // The merge is done with the batch handed on last (BatchFeed): its buffer goes back with the next credit.
      if (lent !== undefined) {
        merged.push(lent);
        lent = undefined;
      }
      asked++;
      if (firstAlone && asked === 2) {
        // The merge has reached this source's later records: from now on, read ahead as any source is.
        credit(readAhead);
      }
      const settled = await link.queue.take();
      if (settled.kind === 'batch') {
        const buffer = settled.batch.numbers.buffer;
        lent = buffer.byteLength > 0 ? buffer : undefined;
        outstanding--;
        const length = packedLength(settled.batch);
        if (held && length > 0) {
          held.firstAt(packedAt(settled.batch, 0));
        }
        // Not for a first batch read alone: its credit was that one batch.
        if (!(firstAlone && asked === 1)) {
          handBack(settled.batch, length);
        }
        return settled.batch;
      }
      end();
      if (settled.kind === 'error') {
        throw new Error(settled.message);
      }
      return undefined;
    },
    close: () => {
      if (!finished) {
        end();
        link.post({ type: 'close', id: link.id }, []);
      }
    },
  };
}
