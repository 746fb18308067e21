/**
 * @module app/analyze/batch-feeds
 * A source's batches, pulled one at a time: read in this thread (stdin, a single file, this thread's share) or by a
 * scan worker (scan-pool.ts), whose batches come packed (packed-batch.ts).
 */
import { type ReadOptions, type RecordBatch, readBatches } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import type { PackedBatch } from './packed-batch.js';

export interface BatchFeed {
  readonly source: LogSource;
  /** The next batch (packed when it comes from a worker), or undefined at the end. Rejects when unreadable. */
  next(): Promise<PackedBatch | RecordBatch | undefined>;
}

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
