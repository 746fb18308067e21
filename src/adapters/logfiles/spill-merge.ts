/**
 * @module adapters/logfiles/spill-merge
 * Merges feeds by time into a temporary file of records (record-spill.ts), and reads such a file back as a feed:
 * a tar archive's sorted runs (sorted-runs.ts) and analyze's groups of sources (app/analyze/merge-groups.ts) are
 * both merged this way, then merged again from their files.
 */
import { PackedRecordsBuilder, visitPacked } from '../../core/packed-records.js';
import { type BatchFeed, type MergeHooks, mergeByTime } from './merge-by-time.js';
import type { RecordSpill } from './record-spill.js';

/** A feed of the batches written to `spill`, in order; `what` names it where a feed's source is asked for. */
export function spillFeed(spill: RecordSpill, what: string): BatchFeed {
  return {
    source: { kind: 'plain', path: what, mtimeMs: 0, size: 0 },
    next: async () => spill.shift(),
  };
}

/**
 * Merges `feeds` by time into `into`, `batchRecords` records a batch. The batches written carry no counts: the
 * feeds' counts, progress and errors go to `hooks` as they are read. `raw`: keep a Call Bridge record's whole JSON.
 */
export async function mergeIntoSpill(
  feeds: readonly BatchFeed[],
  into: RecordSpill,
  options: { readonly batchRecords: number; readonly raw: boolean },
  hooks: Pick<MergeHooks, 'onBatch' | 'onError'>,
): Promise<void> {
  const builder = new PackedRecordsBuilder({ raw: options.raw }, options.batchRecords);
  const flush = (): void => {
    into.write({ ...builder.take(), lines: 0, malformed: 0, bytes: 0, errors: [] });
  };
  const add: MergeHooks['onRecord'] = (record) => builder.add(record);
  const addStats = (host: string, at: number, active: number, connects: number, disconnects: number): void =>
    builder.addWebBridgeStats(host, at, active, connects, disconnects);
  await mergeByTime(feeds, {
    onRecord: add,
    onPackedRecord(batch, i) {
      visitPacked(batch, i, addStats, add);
      if (builder.length >= options.batchRecords) {
        flush();
      }
    },
    onBatch: hooks.onBatch,
    onError: hooks.onError,
  });
  if (builder.length > 0) {
    flush();
  }
}
