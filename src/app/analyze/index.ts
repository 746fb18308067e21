/**
 * @module app/analyze
 * The analyze use case: log sources → parsed records → merged by time → the cluster analysis. Used by
 * `wbguard analyze` and as the state source of `wbguard restart --logs`. Several files are shared between scan
 * workers and this thread (read-plan.ts); a single large file is read in segments by this thread and the workers
 * (split-file.ts); a smaller one and stdin are read in this thread. How many workers: worker-decision.ts.
 */
import type { Readable } from 'node:stream';
import type { BatchFeed } from '../../adapters/logfiles/merge-by-time.js';
import { openFilesPerThread } from '../../adapters/logfiles/open-files.js';
import type { ReadOptions } from '../../adapters/logfiles/read-batches.js';
import { expandSourceList, type LogSource, type LogSourceKind } from '../../adapters/logfiles/sources.js';
import { ClusterAnalyzer } from '../../core/analysis/index.js';
import type { AnalysisReport, AnalysisSeries, CmaClients, CmsRecord, LineCounts } from '../../core/model.js';
import { visitPacked } from '../../core/packed-records.js';
import type { JoinRefusalSettings } from '../../core/parse/join-refusal.js';
import { mergeGroups, mergeInGroups } from './merge-groups.js';
import { assignReaders } from './read-plan.js';
import { sampledRecordDensity } from './record-density.js';
import { isRecordDense, releaseWarmWorkers, ScanPool } from './scan-pool.js';
import { countSource, emptyTally, recordsToEstimate, scanWorkersFor } from './worker-decision.js';
import {
  batchRecordsFor,
  readAheadFor,
  readRecordsFor,
  STREAMS_HELD_OPEN,
  streamChunkBytesFor,
  streamsReadAtOnce,
  type WorkerReadOptions,
} from './worker-protocol.js';

export interface AnalyzePathsOptions {
  readonly year?: number;
  readonly timeZone?: string;
  /** Only records at or after this instant (epoch ms). */
  readonly since?: number;
  /** Only records before this instant (epoch ms). */
  readonly until?: number;
  readonly limit?: number;
  readonly cmaClients?: CmaClients;
  readonly staleAfterMs?: number;
  readonly webbridgeNames?: ReadonlyMap<string, string>;
  readonly callbridgeNames?: ReadonlyMap<string, string>;
  /** Called as input is consumed. */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Called once every source is read where their records are still to be merged (more than 256 sources are read
   * in groups, each group's records kept in a temporary file, and merged at the end: seconds for thousands of files).
   */
  readonly onMerge?: () => void;
  /** Stdin for `-` (tests). */
  readonly stdin?: Readable;
  /**
   * Scan worker threads; 0 reads everything in this thread. @default one per core, when two or more files are
   * given, of which those of 1 MiB or more hold SCAN_WORKERS_MIN_BYTES in all (scan-pool.ts): the workers read and
   * parse whole files while this thread merges and analyses (with fewer workers than cores it reads its share of
   * the files too: read-plan.ts), so every core is busy (docs/benchmarks.md). A single plain file is read in
   * segments by this thread and a worker per other core from SCAN_WORKERS_MIN_BYTES on, or, given, this many (one
   * per other core at most) whatever its size (split-file.ts). Less input, or small files, is read in this thread,
   * where workers would only add their start-up and the hand-over.
   */
  readonly workers?: number;
  /**
   * A single plain file of at least this many bytes is read in segments of `segmentBytes` by this thread and the
   * scan workers (tests). @default SCAN_WORKERS_MIN_BYTES, SEGMENT_BYTES (split-file.ts)
   */
  readonly splitMinBytes?: number;
  readonly segmentBytes?: number;
  /**
   * Below SCAN_WORKERS_MIN_BYTES, input holding this many records or more (estimated from samples) is read with scan
   * workers all the same, as that many bytes would be (tests). @default SCAN_WORKERS_MIN_RECORDS (scan-pool.ts)
   */
  readonly workersMinRecords?: number;
  /** Records per batch (tests). @default 512, less with many sources (worker-protocol.ts) */
  readonly batchSize?: number;
  /** Sources merged at once, past which they are merged in groups (tests). @default MERGE_WIDTH (merge-groups.ts) */
  readonly mergeWidth?: number;
  /**
   * Among many `.gz` files, those of at most this many bytes are read to their end at once (tests; -1: none).
   * @default 1 MiB (read-batches.ts DRAIN_COMPRESSED_BYTES)
   */
  readonly drainCompressedBytes?: number;
  /** Clock for the year of stdin lines. */
  readonly now?: number;
  /** Build the chart series (text and HTML reports); false leaves them empty. @default true */
  readonly series?: boolean;
  /** How a join refusal is recognised (`analysis.joinRefused*`). @default the assumed wording */
  readonly joinRefusal?: JoinRefusalSettings;
}

export interface AnalyzePathsResult {
  readonly report: AnalysisReport;
  readonly series: AnalysisSeries;
  readonly errors: Array<{ path: string; message: string }>;
}

/** The read-ahead the last analysis planned (tests). */
let plannedReadAhead = 0;

/** Batches each source read by a scan worker could read ahead of the merge, as the last analysis planned (tests). */
export function lastReadAhead(): number {
  return plannedReadAhead;
}

export async function analyzePaths(
  paths: readonly string[],
  options: AnalyzePathsOptions = {},
): Promise<AnalyzePathsResult> {
  const { sources, errors } = await expandSourceList(paths, options.now ?? Date.now());
  const analyzer = new ClusterAnalyzer({
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs }),
    ...(options.cmaClients === undefined ? {} : { cmaClients: options.cmaClients }),
    ...(options.webbridgeNames ? { webbridgeNames: options.webbridgeNames } : {}),
    ...(options.callbridgeNames ? { callbridgeNames: options.callbridgeNames } : {}),
    ...(options.series === undefined ? {} : { series: options.series }),
  });
  // Bytes in all, and how many sources of each kind; what decides on scan workers is counted as the CLI counts it
  // (worker-decision.ts).
  let totalBytes = 0;
  const tally = emptyTally();
  const kinds = new Map<LogSourceKind, number>();
  for (let i = 0; i < sources.length; i++) {
    const size = sources.sizeAt(i);
    const kind = sources.kindAt(i);
    totalBytes += size;
    countSource(tally, size, kind === 'plain', sources.pathAt(i), kind === 'stdin');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const settings = {
    jobs: options.workers,
    splitMinBytes: options.splitMinBytes,
    minRecords: options.workersMinRecords,
  };
  // The records, estimated from samples (record-density.ts), where they decide on scan workers or on how far ahead
  // of the merge several files' workers read: record-dense input is read fewer batches ahead, since this thread sets
  // its pace (scan-pool.ts RECORD_DENSE_BYTES).
  const estimate = recordsToEstimate(tally, settings);
  const density = estimate ? sampledRecordDensity(estimate.samples) : 0;
  const records = estimate ? Math.round(density * estimate.bytes) : 0;
  const dense = estimate !== undefined && isRecordDense(density);
  // A single large plain file is read in segments, by this thread and a worker per other core (split-file.ts).
  const { segmentWorkers, workers: workerCount } = scanWorkersFor(tally, records, settings);
  // Past MERGE_WIDTH sources, they are merged in groups, one group read at a time (merge-groups.ts).
  const groups = mergeGroups(sources.length, options.mergeWidth);
  const width = Math.max(...groups.map((g) => g.to - g.from));
  // Every source of a group is held open by its merge: batches and read-ahead shrink as sources grow in number, so
  // memory does not grow with them (worker-protocol.ts). Compressed or piped sources each hold a read buffer and an
  // inflated one; of them, `.gz` files can be let go after their first batch and opened again.
  const streams = sources.length - (kinds.get('plain') ?? 0);
  const gzipFiles = kinds.get('gzip') ?? 0;
  const releaseStreams = gzipFiles > STREAMS_HELD_OPEN;
  const readOptions: WorkerReadOptions = {
    ...(options.year === undefined ? {} : { year: options.year }),
    timeZone: options.timeZone ?? 'UTC',
    batchSize: options.batchSize ?? batchRecordsFor(width),
    ...(options.batchSize === undefined ? { readRecords: readRecordsFor(width) } : {}),
    streamChunkBytes: streamChunkBytesFor(streamsReadAtOnce(streams, gzipFiles, releaseStreams)),
    ...(releaseStreams ? { releaseStreams: true } : {}),
    ...(options.drainCompressedBytes === undefined ? {} : { drainCompressedBytes: options.drainCompressedBytes }),
    // Plain files' descriptors: each thread reading keeps a share of the process' limit open (open-files.ts).
    openFiles: openFilesPerThread(workerCount + 1),
    readingThreads: workerCount + 1,
    archives: (kinds.get('tar') ?? 0) + (kinds.get('tar-gzip') ?? 0),
    // The analysis never reads a Call Bridge's whole STATS JSON: not carried (nor cloned between threads).
    raw: false,
    ...(options.joinRefusal ? { joinRefusal: options.joinRefusal } : {}),
  };
  const readAhead = readAheadFor(width, dense);
  plannedReadAhead = readAhead;
  // Past their first batches, sources read by the workers are sized by those the merge holds at once (rotated pieces
  // are merged one after another: held-at-once.ts); batch sizes given (tests) are kept.
  const held = options.batchSize === undefined ? { dense } : undefined;
  const pool = workerCount > 0 ? new ScanPool(workerCount) : undefined;
  if (!pool) {
    void releaseWarmWorkers();
  }
  // Which thread reads each source of a group (-1: this one), planned when the group is opened, since a group's
  // files are read together; planned then rather than for every source up front, which 100,000 files would hold.
  const readersOf = (from: number, to: number): number[] => {
    const indexes = Array.from({ length: to - from }, (_, k) => from + k);
    const files = indexes.filter((i) => sources.kindAt(i) !== 'stdin');
    const fileReaders = pool
      ? assignReaders(
          files.map((i) => sources.sizeAt(i)),
          workerCount,
        )
      : [];
    let f = 0;
    return indexes.map((i) => (sources.kindAt(i) === 'stdin' ? -1 : (fileReaders[f++] ?? -1)));
  };
  // The log reading code is loaded here only when this thread reads a source itself: with scan workers reading
  // them all, loading it would only delay the start of the merge.
  const readsHere =
    pool === undefined || segmentWorkers > 0 || groups.some(({ from, to }) => readersOf(from, to).includes(-1));
  const local = readsHere ? (await import('./batch-feeds.js')).localFeed : undefined;
  const split = segmentWorkers > 0 ? await import('./split-file.js') : undefined;
  // One options object for every source read in this thread (each source's reading keeps it).
  const localOptions: ReadOptions = { ...readOptions, ...(options.stdin ? { stdin: options.stdin } : {}) };
  /** The single file's feed, its segments read by this thread and the pool's workers (split-file.ts). */
  const segmentedFeed = (source: LogSource): BatchFeed => {
    const { cutFile, splitFeed } = split as NonNullable<typeof split>;
    const localRead = local as NonNullable<typeof local>;
    let cuts: ReturnType<typeof cutFile>;
    try {
      cuts = cutFile(source.path, source.size, options.segmentBytes);
    } catch {
      // Unreadable: read as a whole, which reports why.
      return localRead(source, localOptions);
    }
    const workers = pool as ScanPool;
    return splitFeed(source, readOptions, cuts, {
      local: localRead,
      start: (job) => {
        for (let w = 0; w < segmentWorkers; w++) {
          workers.readSegments(job, w);
        }
      },
      worker: (s, job, segment, w) => workers.openSegment(s, job, segment, w, readAhead),
    });
  };
  const openGroup = (g: number): BatchFeed[] => {
    const { from, to } = groups[g] as { from: number; to: number };
    if (segmentWorkers > 0) {
      return sources.slice(from, to).map(segmentedFeed);
    }
    const readers = readersOf(from, to);
    return sources.slice(from, to).map((s, i) => {
      const reader = readers[i] as number;
      return pool && reader >= 0
        ? pool.open(s, readOptions, reader, readAhead, held)
        : (local as NonNullable<typeof local>)(s, localOptions);
    });
  };
  const lines: LineCounts = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  let bytesDone = 0;
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  try {
    // Web Bridge Stats records (nearly all) by their fields: from a packed batch no object is made for them.
    const onWebBridgeStats = (host: string, at: number, active: number, connects: number, disconnects: number) => {
      if (at < since || at >= until) {
        return;
      }
      lines.webbridgeStats++;
      analyzer.addWebBridgeStats(host, at, active, connects, disconnects);
    };
    const onRecord = (record: CmsRecord): void => {
      if (record.kind === 'webbridge-stats') {
        onWebBridgeStats(record.host, record.at, record.active, record.connects, record.disconnects);
        return;
      }
      if (record.at < since || record.at >= until) {
        return;
      }
      if (record.kind === 'callbridge-stats') {
        lines.callbridgeStats++;
      }
      analyzer.add(record);
    };
    await mergeInGroups(
      groups.length,
      openGroup,
      {
        onRecord,
        onPackedRecord: (packed, i) => visitPacked(packed, i, onWebBridgeStats, onRecord),
        onBatch(batch) {
          lines.read += batch.lines;
          lines.malformed += batch.malformed;
          errors.push(...batch.errors);
          bytesDone += batch.bytes;
          options.onProgress?.(bytesDone, totalBytes);
        },
        onError(path, message) {
          errors.push({ path, message });
        },
      },
      // The scan workers (~30 MB each) are done once every group is read: the final merge reads the groups' files here.
      {
        onGroupsRead: async () => {
          options.onMerge?.();
          await pool?.close();
        },
      },
    );
  } catch (err) {
    await endWorkers(pool);
    throw err;
  }
  // The workers' threads end on their own cores while this one builds the report (each ~8 ms on a 2 GB mix, once
  // one after the other at the end of every run).
  const ending = endWorkers(pool);
  try {
    return { report: analyzer.report(lines), series: analyzer.series(), errors };
  } finally {
    await ending;
  }
}

/** Ends the scan workers: the pool's and those started ahead and not taken. */
function endWorkers(pool: ScanPool | undefined): Promise<unknown> {
  return Promise.all([pool?.close(), releaseWarmWorkers()]);
}
