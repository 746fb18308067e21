/**
 * @module app/analyze/merge
 * Merges the record streams of several sources by time (a k-way merge over each source's time-ordered batches),
 * holding at most one batch per source in memory. Batches are packed (core/packed-records.ts): a record is handed
 * on by its fields or, when it is rare, as an object made only then, so it dies young.
 */
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { CmsRecord } from '../../core/model.js';
import { packedAt, packedLength, unpackRecord } from '../../core/packed-records.js';
import type { BatchFeed } from './batch-feeds.js';

interface Head {
  readonly feed: BatchFeed;
  /** The current batch. */
  batch: RecordBatch | undefined;
  i: number;
  length: number;
  /** Time of the record at `i`. */
  at: number;
  done: boolean;
}

export interface MergeHooks {
  onRecord(record: CmsRecord): void;
  /** Takes record `i` of a batch instead of `onRecord` (to read it without making an object). */
  onPackedRecord?(batch: RecordBatch, i: number): void;
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
      head.batch = batch;
      head.i = 0;
      head.length = packedLength(batch);
    } catch (err) {
      hooks.onError(head.feed.source.path, err instanceof Error ? err.message : String(err));
      head.done = true;
    }
  }
  if (!head.done) {
    head.at = packedAt(head.batch as RecordBatch, head.i);
  }
}

export async function mergeByTime(feeds: readonly BatchFeed[], hooks: MergeHooks): Promise<void> {
  const heads: Head[] = feeds.map((feed) => ({ feed, batch: undefined, i: 0, length: 0, at: 0, done: false }));
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
    const batch = best.batch as RecordBatch;
    if (hooks.onPackedRecord) {
      hooks.onPackedRecord(batch, best.i);
    } else {
      hooks.onRecord(unpackRecord(batch, best.i));
    }
    best.i++;
    if (best.i >= best.length) {
      return best;
    }
    best.at = packedAt(batch, best.i);
  }
}
