/**
 * @module app/analyze/merge
 * Merges the record streams of several sources by time (a k-way merge over each source's time-ordered batches),
 * holding at most one batch per source in memory. Batches stay packed; a record object is made only for the record
 * handed on, so it dies young (see packed-batch.ts).
 */
import type { CmsRecord } from '../../core/model.js';
import type { BatchFeed } from './batch-feeds.js';
import { type PackedBatch, packedAt, packedLength, unpackRecord } from './packed-batch.js';

interface Head {
  readonly feed: BatchFeed;
  batch: PackedBatch | undefined;
  i: number;
  length: number;
  /** Time of the record at `i`. */
  at: number;
  done: boolean;
}

export interface MergeHooks {
  onRecord(record: CmsRecord): void;
  /** Counts and progress of each batch as it arrives. */
  onBatch(batch: Pick<PackedBatch, 'lines' | 'malformed' | 'bytes' | 'errors'>, source: string): void;
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
    head.at = packedAt(head.batch as PackedBatch, head.i);
  }
}

export async function mergeByTime(feeds: readonly BatchFeed[], hooks: MergeHooks): Promise<void> {
  const heads: Head[] = feeds.map((feed) => ({ feed, batch: undefined, i: 0, length: 0, at: 0, done: false }));
  await Promise.all(heads.map((h) => refill(h, hooks)));
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
      return;
    }
    hooks.onRecord(unpackRecord(best.batch as PackedBatch, best.i));
    best.i++;
    if (best.i < best.length) {
      best.at = packedAt(best.batch as PackedBatch, best.i);
    } else {
      await refill(best, hooks);
    }
  }
}
