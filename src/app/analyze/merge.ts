/**
 * @module app/analyze/merge
 * Merges the record streams of several sources by time (a k-way merge over each source's time-ordered batches),
 * holding at most one batch per source in memory.
 */
import type { RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { CmsRecord } from '../../core/model.js';
import type { BatchFeed } from './batch-feeds.js';

interface Head {
  readonly feed: BatchFeed;
  records: CmsRecord[];
  i: number;
  done: boolean;
}

export interface MergeHooks {
  onRecord(record: CmsRecord): void;
  /** Counts and progress of each batch as it arrives. */
  onBatch(batch: RecordBatch, source: string): void;
  onError(path: string, message: string): void;
}

/** Loads the next non-empty batch of a head, or marks it done. */
async function refill(head: Head, hooks: MergeHooks): Promise<void> {
  while (!head.done && head.i >= head.records.length) {
    try {
      const batch = await head.feed.next();
      if (!batch) {
        head.done = true;
        return;
      }
      hooks.onBatch(batch, head.feed.source.path);
      head.records = batch.records;
      head.i = 0;
    } catch (err) {
      hooks.onError(head.feed.source.path, err instanceof Error ? err.message : String(err));
      head.done = true;
    }
  }
}

export async function mergeByTime(feeds: readonly BatchFeed[], hooks: MergeHooks): Promise<void> {
  const heads: Head[] = feeds.map((feed) => ({ feed, records: [], i: 0, done: false }));
  await Promise.all(heads.map((h) => refill(h, hooks)));
  for (;;) {
    let best: Head | undefined;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const h of heads) {
      if (!h.done) {
        const at = (h.records[h.i] as CmsRecord).at;
        if (at < bestAt) {
          bestAt = at;
          best = h;
        }
      }
    }
    if (!best) {
      return;
    }
    hooks.onRecord(best.records[best.i] as CmsRecord);
    best.i++;
    if (best.i >= best.records.length) {
      await refill(best, hooks);
    }
  }
}
