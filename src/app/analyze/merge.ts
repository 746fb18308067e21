/**
 * @module app/analyze/merge
 * Merges the record streams of several sources by time (a k-way merge over each source's time-ordered batches),
 * holding at most one batch per source in memory. A worker's batches stay packed and a record object is made only
 * for the record handed on, so it dies young (see packed-batch.ts); batches read in this thread are taken as they
 * are, since packing them would only cost time.
 */
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { CmsRecord } from '../../core/model.js';
import type { BatchFeed } from './batch-feeds.js';
import { type PackedBatch, packedAt, packedLength, unpackRecord } from './packed-batch.js';

interface Head {
  readonly feed: BatchFeed;
  /** The current batch: packed (from a worker) or records (read in this thread). */
  packed: PackedBatch | undefined;
  records: CmsRecord[] | undefined;
  i: number;
  length: number;
  /** Time of the record at `i`. */
  at: number;
  done: boolean;
}

function atOf(h: Head, i: number): number {
  return h.packed ? packedAt(h.packed, i) : ((h.records as CmsRecord[])[i]?.at as number);
}

function recordOf(h: Head, i: number): CmsRecord {
  return h.packed ? unpackRecord(h.packed, i) : ((h.records as CmsRecord[])[i] as CmsRecord);
}

export interface MergeHooks {
  onRecord(record: CmsRecord): void;
  /** Takes record `i` of a packed batch instead of `onRecord` (to read it without making an object). */
  onPackedRecord?(packed: PackedBatch, i: number): void;
  /** Counts and progress of each batch as it arrives. */
  onBatch(batch: Pick<RecordBatch, 'lines' | 'malformed' | 'bytes' | 'errors'>, source: string): void;
  onError(path: string, message: string): void;
}

/** Loads the next non-empty batch of a head, or marks it done. */
async function refill(head: Head, hooks: MergeHooks): Promise<void> {
  while (!head.done && head.i >= head.length) {
    try {
      const batch = await head.feed.next();
      if (!batch) {
        head.done = true;
        return;
      }
      hooks.onBatch(batch, head.feed.source.path);
      const packed = 'numbers' in batch ? batch : undefined;
      head.packed = packed;
      head.records = packed ? undefined : (batch as RecordBatch).records;
      head.i = 0;
      head.length = packed ? packedLength(packed) : (head.records as CmsRecord[]).length;
    } catch (err) {
      hooks.onError(head.feed.source.path, err instanceof Error ? err.message : String(err));
      head.done = true;
    }
  }
  if (!head.done) {
    head.at = atOf(head, head.i);
  }
}

export async function mergeByTime(feeds: readonly BatchFeed[], hooks: MergeHooks): Promise<void> {
  const heads: Head[] = feeds.map((feed) => ({
    feed,
    packed: undefined,
    records: undefined,
    i: 0,
    length: 0,
    at: 0,
    done: false,
  }));
  await Promise.all(heads.map((h) => refill(h, hooks)));
  for (let empty = emitUntilEmpty(heads, hooks); empty; empty = emitUntilEmpty(heads, hooks)) {
    await refill(empty, hooks);
  }
}

/**
 * Hands on records in time order until a head has handed on its whole batch (answers it, to be refilled) or every
 * head is done (undefined). Synchronous, apart from the async merge: the loop over every record then runs as plain
 * optimised code instead of inside an async function's state machine, which V8 compiled four times a run.
 */
function emitUntilEmpty(heads: readonly Head[], hooks: MergeHooks): Head | undefined {
  for (;;) {
    let best: Head | undefined;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const h of heads) {
      if (!h.done && h.at < bestAt) {
        bestAt = h.at;
        best = h;
      }
    }
    if (!best) {
      return undefined;
    }
    if (best.packed && hooks.onPackedRecord) {
      hooks.onPackedRecord(best.packed, best.i);
    } else {
      hooks.onRecord(recordOf(best, best.i));
    }
    best.i++;
    if (best.i >= best.length) {
      return best;
    }
    best.at = atOf(best, best.i);
  }
}
