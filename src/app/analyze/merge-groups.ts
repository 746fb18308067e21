/**
 * @module app/analyze/merge-groups
 * The merge by time of more sources than memory holds at once: in groups of consecutive sources, each group's
 * records merged into a temporary file (adapters/logfiles/record-spill.ts), then the groups' records merged.
 *
 * Why: the merge keeps every source it is in going until that source ends, and each costs its reading state and a
 * batch or two (~22 KB in one thread, ~35 KB with scan workers): past ~4,000 files spanning the same time (copies,
 * or one file per node and day from a syslog server) analyze no longer held in 200 MB of RSS, and more files took
 * more (8,000: 270 MB). In groups, at most MERGE_WIDTH sources are read at once, whatever their number.
 *
 * The answer is the same record for record. The merge hands on the earliest head's record, of two at the same
 * instant the earlier source's (adapters/logfiles/merge-by-time.ts), even where a source's records are not in time
 * order (rotated pieces concatenated out of order). A group's merged records, in the order of that group's merge,
 * then have as their next record always the earliest head of the group's sources, where those sources stand:
 * merging the groups (earlier groups first at the same instant, their sources being the earlier ones) makes every
 * choice the merge of all the sources makes.
 */
import { type BatchFeed, type MergeHooks, mergeByTime } from '../../adapters/logfiles/merge-by-time.js';
import { RecordSpill } from '../../adapters/logfiles/record-spill.js';
import { SpareBufferList } from '../../adapters/logfiles/spare-buffers.js';
import { mergeIntoSpill, spillFeed } from '../../adapters/logfiles/spill-merge.js';
import { PACKED_RECORD_BYTES } from '../../core/packed-records.js';

/**
 * Sources merged at once, at most: past it, they are merged in groups of this many. Peak RSS with scan workers
 * (2 cores): 4,000 files spanning the same time 192–195 MB in one merge, 182 MB in groups of 1,024, 160 MB of 512,
 * 157 MB of 256; 8,000 files 270, 188, 184 and 172 MB; 2,000 of 8 MB 171, 188, 171 and 166 MB. No slower: 4,000
 * files 3.7 against 3.9 s, 1,000 rotated `.gz` pieces 3.9 against 5.3 s (a smaller merge, and fewer first batches
 * waited for at once). The price: every record written to a temporary file and read back (a CMS log's records are
 * about 1 % of its bytes), and the analysis made once the last group is read.
 */
export const MERGE_WIDTH = 256;

/** Records per batch written to a group's file, at most (48 KB of numbers: PACKED_RECORD_BYTES each). */
const GROUP_BATCH = 1024;

/** Bytes of numbers the merge of the groups holds at once (a batch of each group), at most past GROUP_BATCH. */
const GROUP_BATCHES_BYTES = 8 * 1024 * 1024;

/** Fewest records per batch written to a group's file (each batch read back costs a read and a deserialization). */
const GROUP_BATCH_MIN = 128;

/**
 * Records per batch written to each group's file when there are `groups` of them: the merge of the groups holds one
 * batch of each, and a batch read back is briefly there twice (the bytes read, the numbers copied out). 1,024 up to
 * 170 groups (43,000 files); 100,000 files (391 groups) take 446 (with 1,024, the final merge's buffers reached
 * 34 MB there).
 */
export function groupBatchRecords(groups: number): number {
  const fit = Math.floor(GROUP_BATCHES_BYTES / (Math.max(groups, 1) * PACKED_RECORD_BYTES));
  return Math.max(GROUP_BATCH_MIN, Math.min(GROUP_BATCH, fit));
}

/** The sources' indexes cut into consecutive groups of `width` at most, as even as can be. */
export function mergeGroups(count: number, width = MERGE_WIDTH): Array<{ from: number; to: number }> {
  const groups = Math.max(1, Math.ceil(count / width));
  return Array.from({ length: groups }, (_, g) => ({
    from: Math.floor((g * count) / groups),
    to: Math.floor(((g + 1) * count) / groups),
  }));
}

/** What stands for a group's file in the merge of the groups: no counts, no errors (those went with the sources). */
const GROUP_PATH = '(records of a group of sources)';

export interface MergeInGroupsOptions {
  /** Records per batch written to a group's file. @default groupBatchRecords(groups) */
  readonly batchRecords?: number;
  /**
   * Called once every group is read, before their records are merged (with more than one group): what read the
   * sources can be let go then (analyze ends its scan workers, whose memory the final merge does not need).
   */
  readonly onGroupsRead?: () => Promise<void>;
}

/**
 * Merges by time the feeds `openGroup(0)`, `openGroup(1)`, …, `openGroup(groups - 1)` give, in that order, as one
 * merge of all of them would: each group's feeds are opened only when that group is merged (so only one group's
 * sources are read at once), their counts, progress and errors reported by `hooks.onBatch`/`onError` as they are
 * read, their records handed to `hooks` once every group is read.
 */
export async function mergeInGroups(
  groups: number,
  openGroup: (group: number) => BatchFeed[],
  hooks: MergeHooks,
  options: MergeInGroupsOptions = {},
): Promise<void> {
  if (groups <= 1) {
    await mergeByTime(openGroup(0), hooks);
    return;
  }
  const batchRecords = options.batchRecords ?? groupBatchRecords(groups);
  const spills: RecordSpill[] = [];
  try {
    for (let g = 0; g < groups; g++) {
      const spill = new RecordSpill();
      spills.push(spill);
      // Without a Call Bridge's whole STATS JSON, as analyze reads records (read-batches.ts `raw`).
      await mergeIntoSpill(openGroup(g), spill, { batchRecords, raw: false }, hooks);
    }
    await options.onGroupsRead?.();
    // The groups' batches are read back into memory used again (spare-buffers.ts), handed on one at a time.
    const spares = new SpareBufferList();
    await mergeByTime(
      spills.map((spill) => spillFeed(spill, GROUP_PATH, spares)),
      { ...hooks, onBatch: () => {} },
    );
  } finally {
    for (const spill of spills) {
      spill.close();
    }
  }
}
