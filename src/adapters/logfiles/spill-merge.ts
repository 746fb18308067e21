/**
 * @module adapters/logfiles/spill-merge
 * Merges feeds by time into a temporary file of records (record-spill.ts), and reads such a file back as a feed:
 * a tar archive's sorted runs (sorted-runs.ts) and analyze's groups of sources (app/analyze/merge-groups.ts) are
 * both merged this way, then merged again from their files.
 */
import { PackedRecordsBuilder, type SpareBuffers } from '../../core/packed-records.js';
import { type BatchFeed, type MergeHooks, mergeByTime } from './merge-by-time.js';
import type { RecordBatch } from './read-batches.js';
import type { RecordSpill } from './record-spill.js';
import { SpareBufferList } from './spare-buffers.js';

/**
 * A feed of the batches written to `spill`, in order; `what` names it where a feed's source is asked for. With
 * `spares`, each batch is read into spare memory and given back when the next is asked for (BatchFeed): the merge of
 * analyze's groups reads every record of the input back, and a new buffer for each batch (18 M records: 840 MB of
 * them) left the main thread's collector that much to free.
 */
export function spillFeed(spill: RecordSpill, what: string, spares?: SpareBuffers): BatchFeed {
  let last: RecordBatch | undefined;
  return {
    source: { kind: 'plain', path: what, mtimeMs: 0, size: 0 },
    next: async () => {
      if (last && spares) {
        spares.give(last.numbers.buffer);
      }
      last = spill.shift(spares);
      return last;
    },
  };
}

/**
 * Merges `feeds` by time into `into`, `batchRecords` records a batch. The batches written carry no counts: the
 * feeds' counts, progress and errors go to `hooks` as they are read. `raw`: keep a Call Bridge record's whole JSON.
 * Each batch is packed into the memory of the one written before it (`spares`, a list of its own unless given).
 */
export async function mergeIntoSpill(
  feeds: readonly BatchFeed[],
  into: RecordSpill,
  options: { readonly batchRecords: number; readonly raw: boolean; readonly spares?: SpareBuffers },
  hooks: Pick<MergeHooks, 'onBatch' | 'onError'>,
): Promise<void> {
  // A batch written to the file gives its memory back for the next one: a new buffer for each (analyze's groups of
  // sources, 18 M records) left the main thread's collector ~840 MB to free, and RSS grew with it.
  const spares = options.spares ?? new SpareBufferList();
  const builder = new PackedRecordsBuilder({ raw: options.raw }, options.batchRecords, spares);
  const flush = (): void => {
    into.write({ ...builder.take(), lines: 0, malformed: 0, bytes: 0, errors: [] }, spares);
  };
  await mergeByTime(feeds, {
    onRecord: (record) => builder.add(record),
    onPackedRecord(batch, i) {
      builder.addFrom(batch, i);
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
