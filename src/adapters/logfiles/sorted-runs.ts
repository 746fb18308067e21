/**
 * @module adapters/logfiles/sorted-runs
 * Records gathered out of time order handed on in time order, in bounded memory: a tar archive's entries (`syslog`,
 * `syslog.1`, `syslog.2.gz`, …) come newest first, so an archive's records are sorted before they are handed on.
 *
 * Why: all of an archive's records were kept as objects and sorted at its end: a CMS log bundle's records are about
 * 1 % of its lines and that held, but an archive of files of Stats lines only (a syslog server's per-program files,
 * tarred) is every line a record: 216 MB of them took analyze to 395 MB of RSS, 650 MB to 973 MB. Now 150–170 MB
 * both, the same output, in the same time.
 * Now they are gathered RUN_RECORDS at a time, as numbers (core/packed-records.ts: an object each, kept until its
 * run was sorted, was promoted and left the collector tens of MB); each run full is sorted and kept in a temporary
 * file (record-spill.ts), and at the end the runs are merged by time (merge-by-time.ts) into another, read back a
 * batch at a time. An archive of fewer records than a run is sorted in memory, as before.
 *
 * The order is the one a stable sort of all the records gives (by time; of two at the same instant, the one
 * gathered first): each run is sorted stably, and the merge of sorted runs takes, of two records at the same
 * instant, the earlier run's.
 */
import type { CmsRecord } from '../../core/model.js';
import { type PackedRecords, PackedRecordsBuilder, packedAt, packedLength } from '../../core/packed-records.js';
import { RecordSpill } from './record-spill.js';
import { mergeIntoSpill, spillFeed } from './spill-merge.js';

/**
 * Records sorted in memory at a time (~3 MB of numbers; ~8 MB when they were objects): a CMS log bundle of up to
 * ~600 MB is sorted in memory as before (through the file, the 2 GB compressed mix's bundle of 22,000 records took
 * 161 against 130 MB of RSS).
 * An archive of Stats lines only, 216 MB: 147–180 MB with runs of 65,536, 146–158 MB of 32,768; 650 MB: 177 and
 * 174 MB.
 */
export const RUN_RECORDS = 1 << 16;
/** Records per batch in a run's file: the merge holds one batch of each run (~25 KB). */
const RUN_BATCH = 512;

/** Records of this thread's archives held in memory, sorted, until the merge is done with them (see batches). */
let keptInThread = 0;

const NO_COUNTS = { lines: 0, malformed: 0, bytes: 0, errors: [] } as const;
/** What stands for a run's file in the merge of the runs. */
const RUN_PATH = '(a sorted run of records)';

/**
 * The records of `run` in time order (of two at the same instant, the one added first), `batchSize` at a time.
 * Sorted as indexes into the pack: the records stay numbers (core/packed-records.ts), where one object each, kept
 * until its run was sorted, lived long enough to be promoted and left the collector tens of MB to free (an archive of
 * Stats lines only: the heap reached 56–63 MB).
 */
function* sortedBatches(run: PackedRecords, batchSize: number, raw: boolean): Generator<PackedRecords> {
  const n = packedLength(run);
  const order = new Uint32Array(n);
  const at = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    at[i] = packedAt(run, i);
  }
  order.sort((a, b) => (at[a] as number) - (at[b] as number) || a - b);
  const out = new PackedRecordsBuilder({ raw }, batchSize);
  for (let k = 0; k < n; k += batchSize) {
    const end = Math.min(n, k + batchSize);
    for (let j = k; j < end; j++) {
      out.addFrom(run, order[j] as number);
    }
    yield out.take();
  }
}

export class SortedRuns {
  readonly #keepRaw: boolean;
  readonly #runRecords: number;
  #run: PackedRecordsBuilder;
  readonly #runs: RecordSpill[] = [];

  /** `raw`: keep each Call Bridge record's whole STATS JSON (read-batches.ts ReadOptions). */
  constructor(options: { raw: boolean; runRecords?: number }) {
    this.#keepRaw = options.raw;
    this.#runRecords = Math.max(1, options.runRecords ?? RUN_RECORDS);
    this.#run = new PackedRecordsBuilder({ raw: this.#keepRaw }, this.#runRecords);
  }

  /** Runs kept in temporary files so far (tests). */
  get runs(): number {
    return this.#runs.length;
  }

  add(record: CmsRecord): void {
    this.#run.add(record);
    this.#full();
  }

  addWebBridgeStats(host: string, at: number, active: number, connects: number, disconnects: number): void {
    this.#run.addWebBridgeStats(host, at, active, connects, disconnects);
    this.#full();
  }

  #full(): void {
    if (this.#run.length >= this.#runRecords) {
      this.#keepRun();
    }
  }

  /** Every record added, in time order, `batchSize` at a time; the temporary files are let go at the end. */
  async *batches(batchSize: number): AsyncGenerator<PackedRecords> {
    const spills = this.#runs;
    let kept = 0;
    try {
      // In memory while this thread's archives keep a run's worth at most in all: each archive's records wait for
      // the merge until it reaches their time, and 60 log bundles read at once held 60 runs (397 MB of RSS).
      if (spills.length === 0 && keptInThread + this.#run.length <= this.#runRecords) {
        const run = this.#run.take();
        kept = packedLength(run);
        keptInThread += kept;
        yield* sortedBatches(run, batchSize, this.#keepRaw);
        return;
      }
      if (this.#run.length > 0) {
        this.#keepRun();
      }
      const merged = new RecordSpill();
      spills.push(merged);
      let failure: string | undefined;
      await mergeIntoSpill(
        spills.slice(0, -1).map((run) => spillFeed(run, RUN_PATH)),
        merged,
        { batchRecords: batchSize, raw: this.#keepRaw },
        {
          onBatch() {},
          onError(_path, message) {
            failure ??= message;
          },
        },
      );
      if (failure !== undefined) {
        throw new Error(failure);
      }
      for (let batch = merged.shift(); batch !== undefined; batch = merged.shift()) {
        yield { numbers: batch.numbers, hosts: batch.hosts, extras: batch.extras };
      }
    } finally {
      keptInThread -= kept;
      for (const spill of spills) {
        spill.close();
      }
      spills.length = 0;
    }
  }

  /** Sorts the run gathered so far and keeps it in a temporary file. */
  #keepRun(): void {
    const spill = new RecordSpill();
    for (const batch of sortedBatches(this.#run.take(), RUN_BATCH, this.#keepRaw)) {
      spill.write({ ...batch, ...NO_COUNTS });
    }
    this.#runs.push(spill);
  }
}
