/**
 * @module app/analyze/scan-pool
 * Scan worker threads and the feeds of the sources they read. Worker feeds keep batches in flight ahead of the
 * merge, so workers read while the main thread analyses. Deliberately light (no log reading code): the CLI loads it
 * first thing to start the workers early (`prestartScanWorkers`).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Mailbox } from '../../adapters/logfiles/mailbox.js';
import type { BatchFeed } from '../../adapters/logfiles/merge-by-time.js';
import { batchSizingOf } from '../../adapters/logfiles/read-size.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import { startModuleWorker } from '../../worker-thread.js';
import { HeldAtOnce } from './held-at-once.js';
import { type HeldSizing, type Settled, workerFeed } from './worker-feed.js';
import {
  type FromWorker,
  READ_AHEAD,
  type SegmentsJob,
  type SourceSizing,
  type ToWorker,
  type WorkerReadOptions,
} from './worker-protocol.js';

/**
 * A scan worker's young generation is capped: left to grow (up to 32 MB and more a thread), it grew with the input,
 * since a long run keeps allocating: 200 files of 40 MB gave 189–194 MB RSS, 153–169 MB with a cap of 8 MB, in the
 * same time (what lives in a worker is a few batches; docs/benchmarks.md). 2 MB rather than 8: the buffers a worker
 * reads into and inflates into are freed only when the small objects holding them are collected, and with fewer
 * collections they piled up (~39 MB of them a worker, 1,000 `.gz` files at once: 196 against 143–155 MB of RSS; 4,000
 * plain files 212 against 198–202 MB), no slower (the 2 GB mix, 9 alternated runs: the same median; 200 × 40 MB
 * 2.35 against 2.42 s). Its old generation is capped too, far above what it keeps (~12 MB), so that garbage is
 * collected before it piles up: 1,000 files of 8 MB at once took 240 MB RSS, 202–207 MB with the cap, same time and
 * output. (Lines and windows are buffers, outside this heap.)
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };

/**
 * Sources a worker reads ahead, beyond those the merge holds at once, of those it reaches next (held-at-once.ts):
 * two, so that with rotated pieces shared between the workers each is likely to hold one of them.
 */
const READ_AHEAD_SOURCES = 2;

/** Starts a scan worker (src/worker-thread.ts: compiled or under tsx). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'scan-worker', { resourceLimits: WORKER_LIMITS });
}

/** Workers started ahead of need by `prestartScanWorkers`, not yet taken by a pool. */
const warm: Worker[] = [];

/**
 * Input below this many bytes is read in the main thread by default: scan workers pay for themselves only beyond
 * it. Measured on 2 cores (docs/benchmarks.md), the mix of shapes, `--jobs 0` against a worker per core, 3 rounds:
 * 150 MB 0.29–0.33 against 0.37 s, 600 MB 0.44–0.50 against 0.56–0.57 s, 1 GB 0.76–0.82 against 0.80–0.99 s,
 * 1.4 GB 1.04–1.17 against 0.96–1.06 s, 2 GB 1.31–1.38 against 1.05–1.18 s. A worker costs its start (~40 ms, its
 * own module loading and compiling) and the hand-over of its records, and two threads reading memory at once on
 * these cores each run slower than one alone.
 */
export const SCAN_WORKERS_MIN_BYTES = 2 ** 30;

/**
 * Files smaller than this do not count towards SCAN_WORKERS_MIN_BYTES: a worker's gain is on a file's bytes, its
 * cost on each file (opening it, a message each way, batches cut smaller when thousands are merged at once) and on
 * its own start (each thread's V8 compiles the reading code anew: with a thousand sources, ~0.3–0.5 s more of the
 * compiler threads' CPU), and with small files the cost won. On 2 cores, a worker per core against none, medians of
 * 6 alternated runs (the nineteenth session, docs/benchmarks.md; the same output): 1,000 files of 2 MB (2 GB) 1.12
 * against 0.86 s; 1,000 of 4 MB (4 GB) 1.55 against 1.5 s (CPU 2.75 against 1.83 s); 1,000 rotated pieces of 1.5 MB
 * 1.055 against 0.875 s. Files of 8 MB or more still gain (2 runs each): 1,000 of 8 MB (8 GB) 2.63 against 2.8–3.6 s;
 * 200 of 40 MB 2.04 against 2.5 s. Before, at 1 MiB: 100,000 files of 20 KB 11.6 against 7.5 s; 10,000 of 200 KB 3.3
 * against 2.6 s; 2,000 of 1 MB 2.2 against 1.8 s.
 */
export const SCAN_WORKERS_MIN_FILE_BYTES = 4 * 2 ** 20;

/**
 * Plain files of this size or more are sampled for their records (record-density.ts) and count towards the records
 * that give workers below SCAN_WORKERS_MIN_BYTES (SCAN_WORKERS_MIN_RECORDS): less than SCAN_WORKERS_MIN_FILE_BYTES,
 * since where records are dense they, not the bytes, pay for the workers: 100 per-node files of Stats lines of 1.6 MB
 * each (the files benchmark's set-14) took 1.08–1.2 s with two workers against 1.3–1.4 s in one thread (fifteenth
 * session).
 */
export const RECORDS_MIN_FILE_BYTES = 2 ** 20;

/**
 * Records (estimated from samples of the files: record-density.ts) from which input whose bytes do not reach
 * SCAN_WORKERS_MIN_BYTES (or do only in files smaller than SCAN_WORKERS_MIN_FILE_BYTES) is read with scan workers all
 * the same. Most of a record-dense input's time is per record
 * (a Web Bridge's own log of Stats lines: ~5 s/GB in one thread, a CMS log ~0.4), so workers pay from a tenth of
 * the bytes. Measured on 2 cores, medians of 5–6 alternated runs, one thread against workers: one file of Stats lines
 * (the analyze-files corpus' `stats-only.log` repeated, ~10,800 records a MB), read in segments, 50 MB 0.45 against
 * 0.44 s, 99 MB (1.07 M records) 0.64 against 0.66 s, 148 MB (1.6 M) 0.835 against 0.745 s, 198 MB 1.085 against
 * 0.92 s, 413 MB 2.2 against 1.67 s; nine per-node files of Stats and STATS lines, read by two workers, 88 MB (0.9 M
 * records) 1.00 against 0.86 s, 177 MB 1.85 against 1.46 s, 398 MB 3.0 against 2.3 s.
 */
export const SCAN_WORKERS_MIN_RECORDS = 1_000_000;

/** Bytes of the shortest record line, about: input of fewer bytes than a minimum's worth of them is not sampled. */
const SHORTEST_RECORD_BYTES = 40;

/**
 * Whether `bytes` bytes of input are worth sampling for their records (record-density.ts): enough to hold
 * `minRecords` records, where the bytes that count towards SCAN_WORKERS_MIN_BYTES (`countedBytes`: those of files of
 * SCAN_WORKERS_MIN_FILE_BYTES or more; a single file's own) do not decide alone.
 */
export function recordsMayDecide(bytes: number, minRecords = SCAN_WORKERS_MIN_RECORDS, countedBytes = bytes): boolean {
  return countedBytes < SCAN_WORKERS_MIN_BYTES && bytes >= minRecords * SHORTEST_RECORD_BYTES;
}

/**
 * Scan workers reading segments of a single plain file of `bytes` bytes beside this thread (split-file.ts): one
 * per other core from `min` (SCAN_WORKERS_MIN_BYTES) on, or from `minRecords` (SCAN_WORKERS_MIN_RECORDS) of its
 * `records` (an estimate); with `jobs` (`--jobs`) that many at most whatever the size (0: none). Measured on 2
 * cores, one file of the mix of shapes, medians of 5 alternated runs, in one thread against in segments: 150 MB 0.20
 * against 0.25 s, 300 MB 0.26 against 0.32 s, 600 MB 0.34 against 0.37 s, 1 GB 0.47 against 0.46 s; 2 GB (the bsd
 * shape) 0.79 against 0.64 s. The worker's start, ~0.1 s of CPU, is what a smaller file does not win back, unless
 * its records are many.
 */
export function splitWorkers(
  bytes: number,
  jobs?: number,
  min = SCAN_WORKERS_MIN_BYTES,
  records = 0,
  minRecords = SCAN_WORKERS_MIN_RECORDS,
): number {
  const others = Math.max(0, availableParallelism() - 1);
  if (jobs !== undefined) {
    return Math.min(jobs, others);
  }
  return bytes >= min || records >= minRecords ? others : 0;
}

/** Fewest files (stdin aside) read by scan workers by default: a worker reads whole files, so one is read here. */
export const SCAN_WORKERS_MIN_FILES = 2;

/**
 * Input holding a record every this many bytes or fewer (estimated from samples) is record-dense: its sources read a
 * few batches ahead of the merge, not READ_AHEAD (worker-protocol.ts DENSE_READ_AHEAD). A batch of such input covers
 * ~50 KB of a file, not the ~5 MB of a CMS log for which the deep read-ahead keeps the worker of a newer rotated piece
 * busy; and the main thread's merge and analysis (~0.2 µs a record) set the pace of such input, the workers' batches
 * only waiting for it. Nine per-node files of Stats lines, 4 ABBA rounds, medians: 398 MB 1.975 against 2.155 s,
 * 892 MB 4.205 against 4.35 s; set-14 of the files benchmark 1.24 against 1.32 s; the same RSS. A CMS log holds a
 * record in ~10 KB, a Web Bridge's own log of Stats lines one in ~95 bytes; past a record every ~300 bytes the main
 * thread falls behind two workers (a worker reads a record in ~0.5 µs).
 */
export const RECORD_DENSE_BYTES = 300;

/** Whether `recordsPerByte` (an estimate: record-density.ts) makes input record-dense (RECORD_DENSE_BYTES). */
export function isRecordDense(recordsPerByte: number): boolean {
  return recordsPerByte * RECORD_DENSE_BYTES >= 1;
}

/**
 * Scan workers by default for `largeFileBytes` in files of SCAN_WORKERS_MIN_FILE_BYTES or more, holding `records`
 * records (an estimate), out of `files` files: one per core from SCAN_WORKERS_MIN_BYTES, or from `minRecords`
 * (SCAN_WORKERS_MIN_RECORDS), on in SCAN_WORKERS_MIN_FILES files or more, each reading whole files, while the main
 * thread only merges and analyses (read-plan.ts); otherwise none, the main thread reading everything. `--jobs`
 * chooses otherwise.
 */
export function defaultScanWorkers(
  largeFileBytes: number,
  files: number,
  records = 0,
  minRecords = SCAN_WORKERS_MIN_RECORDS,
): number {
  const enough = largeFileBytes >= SCAN_WORKERS_MIN_BYTES || records >= minRecords;
  return files >= SCAN_WORKERS_MIN_FILES && enough ? availableParallelism() : 0;
}

/**
 * Starts `count` scan workers now, for a pool to take later: a worker needs ~40 ms to start, and started while the
 * CLI is still loading that time is not spent after it. They do not keep the process alive; the analysis ends the
 * ones it did not use (`releaseWarmWorkers`).
 */
export function prestartScanWorkers(count = availableParallelism()): void {
  while (warm.length < count) {
    const w = startWorker();
    w.unref();
    warm.push(w);
  }
}

/** Prestarted workers not yet taken by a pool (tests). */
export function warmScanWorkers(): number {
  return warm.length;
}

/** Ends the prestarted workers no pool took. */
export async function releaseWarmWorkers(): Promise<void> {
  await Promise.all(warm.splice(0).map((w) => w.terminate()));
}

/** Workers taken into pools by this thread since it started (tests). */
let taken = 0;

/** Scan workers taken into pools (read sources) by this thread since it started (tests). */
export function scanWorkersTaken(): number {
  return taken;
}

/** Workers of pools ended (their threads gone) since this thread started (tests). */
let ended = 0;

/** Scan workers taken into pools whose threads have ended, since this thread started (tests). */
export function scanWorkersEnded(): number {
  return ended;
}

/** A pool of scan workers, each started when it is given its first source. */
export class ScanPool {
  readonly #workers: Array<Worker | undefined>;
  readonly #queues = new Map<number, Mailbox<Settled>>();
  /** Workers that died, and why (#failed). */
  readonly #failures = new Map<Worker, string>();
  /** Workers this pool ended itself (close): their exit is no failure. */
  readonly #ended = new WeakSet<Worker>();
  /** The sources of its merge, counted as the merge holds them (held-at-once.ts). */
  readonly #held = new HeldAtOnce<(wanted: SourceSizing) => void>();
  #nextId = 0;

  constructor(size: number) {
    this.#workers = new Array<Worker | undefined>(size).fill(undefined);
  }

  #worker(index: number): Worker {
    let w = this.#workers[index];
    if (!w) {
      w = warm.shift() ?? startWorker();
      taken++;
      w.ref();
      w.on('message', (messages: FromWorker[]) => {
        for (const m of messages) {
          this.#deliver(m);
        }
      });
      const worker = w;
      w.on('error', (err) => this.#failed(worker, `scan worker failed: ${err.message}`));
      w.on('exit', (code) => this.#failed(worker, `scan worker ended (exit code ${code})`));
      this.#workers[index] = w;
    }
    return w;
  }

  /**
   * A worker that died (its start failed: a module that could not be loaded, too many open files) fails every
   * source being read, and every source opened on it later: none of them would ever be answered.
   */
  #failed(worker: Worker, message: string): void {
    if (this.#ended.has(worker) || this.#failures.has(worker)) {
      return;
    }
    this.#failures.set(worker, message);
    for (const id of this.#queues.keys()) {
      this.#deliver({ type: 'error', id, message });
    }
  }

  #deliver(m: FromWorker): void {
    const q = this.#queues.get(m.id);
    if (!q) {
      return;
    }
    const settled: Settled =
      m.type === 'batch'
        ? { kind: 'batch', batch: m.batch }
        : m.type === 'done'
          ? { kind: 'done' }
          : { kind: 'error', message: m.message };
    q.put(settled);
  }

  /**
   * Reads `source` in worker `index` (0 ≤ index < size), at most `readAhead` batches ahead of the merge. With `held`,
   * its batches and read-ahead are sized as the merge takes them by the sources it holds at once and the next few it
   * reaches (held-at-once.ts; `options`' sizes and `readAhead` are those for every source open, its first batches'),
   * for input record-dense or not (`held.dense`: worker-protocol.ts sizingFor).
   */
  open(
    source: LogSource,
    options: WorkerReadOptions,
    index: number,
    readAhead = READ_AHEAD,
    held?: { readonly dense: boolean },
  ): BatchFeed {
    const id = this.#nextId++;
    const worker = this.#worker(index % this.#workers.length);
    // A compressed source let go after its first batch (read-batches.ts releaseStreams) is read no further until the
    // merge asks for its second: read ahead, its stream would be opened again at once.
    const firstAlone = options.releaseStreams === true && source.kind === 'gzip';
    const resize: HeldSizing | undefined = held
      ? {
          dense: held.dense,
          held: this.#held,
          upcoming: READ_AHEAD_SOURCES * this.#workers.length,
          sizing: batchSizingOf(options),
        }
      : undefined;
    const feed = this.#feed(id, worker, source, readAhead, firstAlone, resize);
    worker.postMessage({ type: 'open', id, source, options, readAhead: firstAlone ? 1 : readAhead } satisfies ToWorker);
    return feed;
  }

  /** Worker `index` takes segments of a file from its back and reads them (split-file.ts, segment-reading.ts). */
  readSegments(job: SegmentsJob, index: number): void {
    this.#worker(index).postMessage({ type: 'segments', job, worker: index } satisfies ToWorker);
  }

  /**
   * The batches of segment `segment` of `job`, which worker `index` took, at most `readAhead` ahead of the merge;
   * `close` drops them (the segment read again elsewhere).
   */
  openSegment(
    source: LogSource,
    job: number,
    segment: number,
    index: number,
    readAhead = READ_AHEAD,
  ): BatchFeed & { close(): void } {
    const id = this.#nextId++;
    const worker = this.#worker(index);
    const feed = this.#feed(id, worker, source, readAhead, false);
    worker.postMessage({ type: 'open-segment', id, job, segment, readAhead } satisfies ToWorker);
    return feed;
  }

  /** The merge's end of source `id` read by `worker` (worker-feed.ts), its batches delivered to a queue of its own. */
  #feed(
    id: number,
    worker: Worker,
    source: LogSource,
    readAhead: number,
    firstAlone: boolean,
    resize?: HeldSizing,
  ): BatchFeed & { close(): void } {
    const queue = new Mailbox<Settled>();
    this.#queues.set(id, queue);
    const failure = this.#failures.get(worker);
    if (failure !== undefined) {
      queue.put({ kind: 'error', message: failure });
    }
    return workerFeed(
      {
        id,
        source,
        queue,
        post: (message, transfer) => worker.postMessage(message, transfer),
        forget: () => this.#queues.delete(id),
      },
      readAhead,
      firstAlone,
      resize,
    );
  }

  /** Ends the workers (again: nothing). */
  async close(): Promise<void> {
    const started = this.#workers
      .splice(0, this.#workers.length, ...this.#workers.map(() => undefined))
      .filter((w): w is Worker => w !== undefined);
    for (const w of started) {
      this.#ended.add(w);
    }
    await Promise.all(started.map((w) => w.terminate()));
    ended += started.length;
  }
}
