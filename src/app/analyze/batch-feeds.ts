/**
 * @module app/analyze/batch-feeds
 * A source's batches, pulled one at a time: read in this thread (stdin, a single file, this thread's share) or by a
 * scan worker (scan-pool.ts). Either way batches are packed (core/packed-records.ts).
 */
import type { BatchFeed } from '../../adapters/logfiles/merge-by-time.js';
import { type ReadOptions, readBatches } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';

export function localFeed(source: LogSource, options: ReadOptions): BatchFeed {
  const gen = readBatches(source, options);
  return {
    source,
    async next() {
      const r = await gen.next();
      return r.done ? undefined : r.value;
    },
  };
}
