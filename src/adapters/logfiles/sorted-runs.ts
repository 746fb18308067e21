/**
 * @module adapters/logfiles/sorted-runs
 * Records gathered out of time order handed on in time order, in bounded memory: a tar archive's entries (`syslog`,
 * `syslog.1`, `syslog.2.gz`, …) come newest first, so an archive's records are sorted before they are handed on.
 *
 * Why: all of an archive's records were kept as objects and sorted at its end: a CMS log bundle's records are about
 * 1 % of its lines and that held, but an archive of files of Stats lines only (a syslog server's per-program files,
 * tarred) is every line a record: 216 MB of them took analyze to 395 MB of RSS, 650 MB to 973 MB. Now 150–170 MB
 * both, the same output, in the same time.
 * Now they are gathered RUN_RECORDS at a time; each run full is sorted and kept in a temporary file
 * (record-spill.ts), and at the end the runs are merged by time (merge-by-time.ts) into another, read back a batch
 * at a time. An archive of fewer records than a run is sorted in memory, as before.
 *
 * The order is the one a stable sort of all the records gives (by time; of two at the same instant, the one
 * gathered first): each run is sorted stably, and the merge of sorted runs takes, of two records at the same
 * instant, the earlier run's.
 */
import type { CmsRecord } from '../../core/model.js';
import { type PackedRecords, packRecords } from '../../core/packed-records.js';
import { RecordSpill } from './record-spill.js';
import { mergeIntoSpill, spillFeed } from './spill-merge.js';

/**
 * Records sorted in memory at a time (~8 MB of record objects): a CMS log bundle of up to ~600 MB is sorted in memory
 * as before (through the file, the 2 GB compressed mix's bundle of 22,000 records took 161 against 130 MB of RSS).
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

function byTime(a: CmsRecord, b: CmsRecord): number {
  return a.at - b.at;
}

export class SortedRuns {
  readonly #keepRaw: boolean;
  readonly #runRecords: number;
  #run: CmsRecord[] = [];
  readonly #runs: RecordSpill[] = [];

  /** `raw`: keep each Call Bridge record's whole STATS JSON (read-batches.ts ReadOptions). */
  constructor(options: { raw: boolean; runRecords?: number }) {
    this.#keepRaw = options.raw;
    this.#runRecords = Math.max(1, options.runRecords ?? RUN_RECORDS);
  }

  /** Runs kept in temporary files so far (tests). */
  get runs(): number {
    return this.#runs.length;
  }

  add(record: CmsRecord): void {
    this.#run.push(record);
    if (this.#run.length >= this.#runRecords) {
      this.#keepRun();
    }
  }

  addWebBridgeStats(host: string, at: number, active: number, connects: number, disconnects: number): void {
    this.add({ kind: 'webbridge-stats', at, host, active, connects, disconnects });
  }

  /** Every record added, in time order, `batchSize` at a time; the temporary files are let go at the end. */
  async *batches(batchSize: number): AsyncGenerator<PackedRecords> {
    const raw = { raw: this.#keepRaw };
    const spills = this.#runs;
    let kept = 0;
    try {
      // In memory while this thread's archives keep a run's worth at most in all: each archive's records wait for
      // the merge until it reaches their time, and 60 log bundles read at once held 60 runs (397 MB of RSS).
      if (spills.length === 0 && keptInThread + this.#run.length <= this.#runRecords) {
        const records = this.#run.sort(byTime);
        this.#run = [];
        kept = records.length;
        keptInThread += kept;
        for (let i = 0; i < records.length; i += batchSize) {
          yield packRecords(records.slice(i, i + batchSize), raw);
        }
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
    const records = this.#run.sort(byTime);
    this.#run = [];
    const spill = new RecordSpill();
    for (let i = 0; i < records.length; i += RUN_BATCH) {
      spill.write({ ...packRecords(records.slice(i, i + RUN_BATCH), { raw: this.#keepRaw }), ...NO_COUNTS });
    }
    this.#runs.push(spill);
  }
}
