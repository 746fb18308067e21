/**
 * @module app/analyze/worker-decision
 * How many scan workers read an input, decided in one place. Two callers decide: the analysis on the sources it
 * lists (index.ts), and the CLI on the paths it is given before it has parsed its arguments, to start the workers
 * early (input-size.ts). Both count sources with `countSource` and decide with `scanWorkersFor`, so that they cannot
 * drift apart: a CLI that starts workers the analysis does not use costs a 2-core machine 0.1–0.2 s of CPU, and one
 * that does not start them costs the analysis their start (~40 ms).
 */
import { availableParallelism } from 'node:os';
import { FILES_SAMPLED, type SampledFile } from './record-density.js';
import {
  defaultScanWorkers,
  RECORDS_MIN_FILE_BYTES,
  recordsMayDecide,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILE_BYTES,
  SCAN_WORKERS_MIN_FILES,
  SCAN_WORKERS_MIN_RECORDS,
  splitWorkers,
} from './scan-pool.js';

/** The sources of an input, counted as far as scan workers go. */
export interface SourceTally {
  /** Sources, standard input included. */
  sources: number;
  /** Files among them (standard input aside). */
  files: number;
  /** Bytes of the files of SCAN_WORKERS_MIN_FILE_BYTES (`minFileBytes`) or more. */
  largeBytes: number;
  /**
   * Bytes of the plain files of RECORDS_MIN_FILE_BYTES (`minSampledFileBytes`) or more: the bytes whose records are
   * estimated (record-density.ts). Smaller files than those that count towards `largeBytes` count here.
   */
  plainBytes: number;
  /** The first FILES_SAMPLED of those plain files, to sample. */
  readonly samples: SampledFile[];
  /** The first source, when it is a plain file: read in segments if it is the only one (split-file.ts). */
  firstPlain: SampledFile | undefined;
  /** Files of fewer bytes count no bytes towards `largeBytes` (SCAN_WORKERS_MIN_FILE_BYTES; smaller in tests). */
  readonly minFileBytes: number;
  /** Plain files of fewer bytes are not sampled, nor count towards `plainBytes` (RECORDS_MIN_FILE_BYTES). */
  readonly minSampledFileBytes: number;
}

/** No source counted yet; `minFileBytes` smaller in tests (and files sampled from it too, when that is smaller). */
export function emptyTally(minFileBytes = SCAN_WORKERS_MIN_FILE_BYTES): SourceTally {
  return {
    sources: 0,
    files: 0,
    largeBytes: 0,
    plainBytes: 0,
    samples: [],
    firstPlain: undefined,
    minFileBytes,
    minSampledFileBytes: Math.min(minFileBytes, RECORDS_MIN_FILE_BYTES),
  };
}

/** Counts a source: standard input (`stdin`), or a file of `size` bytes at `path`, `plain` or not. */
export function countSource(tally: SourceTally, size: number, plain: boolean, path: string, stdin = false): void {
  tally.sources++;
  if (stdin) {
    return;
  }
  tally.files++;
  if (tally.sources === 1 && plain) {
    tally.firstPlain = { path, size };
  }
  if (size >= tally.minFileBytes) {
    tally.largeBytes += size;
  }
  if (plain && size >= tally.minSampledFileBytes) {
    tally.plainBytes += size;
    if (tally.samples.length < FILES_SAMPLED) {
      tally.samples.push({ path, size });
    }
  }
}

/** The single plain file the input is, if it is one (whatever its size). */
export function singleFile(tally: SourceTally): SampledFile | undefined {
  return tally.sources === 1 ? tally.firstPlain : undefined;
}

/** What the user or a test chose: `--jobs`, and smaller minimums (tests). */
export interface WorkerSettings {
  /** Scan workers asked for (`--jobs`): decides alone, whatever the input. */
  readonly jobs?: number | undefined;
  /** A single file is read in segments from this many bytes on (tests). @default SCAN_WORKERS_MIN_BYTES */
  readonly splitMinBytes?: number | undefined;
  /** Records from which input below SCAN_WORKERS_MIN_BYTES gets workers (tests). @default SCAN_WORKERS_MIN_RECORDS */
  readonly minRecords?: number | undefined;
}

/** Plain files to sample, and the bytes their density applies to (record-density.ts). */
export interface RecordsToEstimate {
  readonly samples: readonly SampledFile[];
  readonly bytes: number;
}

/**
 * The records to estimate for the decision, or undefined when they cannot change it: `--jobs` decides alone, and
 * bytes that call for workers alone (or too few for a minimum's worth of records) need no samples.
 */
export function recordsDeciding(tally: SourceTally, settings: WorkerSettings = {}): RecordsToEstimate | undefined {
  if (settings.jobs !== undefined) {
    return undefined;
  }
  const minRecords = settings.minRecords ?? SCAN_WORKERS_MIN_RECORDS;
  const single = singleFile(tally);
  if (single) {
    return recordsMayDecide(single.size, minRecords) ? { samples: [single], bytes: single.size } : undefined;
  }
  return tally.files >= SCAN_WORKERS_MIN_FILES && recordsMayDecide(tally.plainBytes, minRecords, tally.largeBytes)
    ? { samples: tally.samples, bytes: tally.plainBytes }
    : undefined;
}

/**
 * The records to estimate for the read-ahead of several files that their bytes alone give workers (record-dense
 * files read fewer batches ahead: worker-protocol.ts DENSE_READ_AHEAD), or where they decide (recordsDeciding).
 */
export function recordsToEstimate(tally: SourceTally, settings: WorkerSettings = {}): RecordsToEstimate | undefined {
  const deciding = recordsDeciding(tally, settings);
  if (deciding || settings.jobs !== undefined || singleFile(tally)) {
    return deciding;
  }
  return tally.files >= SCAN_WORKERS_MIN_FILES && tally.largeBytes >= SCAN_WORKERS_MIN_BYTES
    ? { samples: tally.samples, bytes: tally.plainBytes }
    : undefined;
}

export interface WorkerDecision {
  /** Workers reading segments of the single file beside this thread (split-file.ts); 0 when it is not read so. */
  readonly segmentWorkers: number;
  /** Scan workers in all (the segment workers, or those reading whole files while this thread merges). */
  readonly workers: number;
}

/**
 * The scan workers for an input of `tally`, holding `records` records (an estimate: 0 when not estimated): a single
 * plain file is read in segments by this thread and a worker per other core (splitWorkers); several files by a
 * worker per core (defaultScanWorkers), no more than there are files. `--jobs` chooses otherwise.
 */
export function scanWorkersFor(tally: SourceTally, records: number, settings: WorkerSettings = {}): WorkerDecision {
  const minRecords = settings.minRecords ?? SCAN_WORKERS_MIN_RECORDS;
  const single = singleFile(tally);
  const segmentWorkers = single
    ? splitWorkers(single.size, settings.jobs, settings.splitMinBytes, records, minRecords)
    : 0;
  if (segmentWorkers > 0) {
    return { segmentWorkers, workers: segmentWorkers };
  }
  const workers = Math.min(
    settings.jobs ?? defaultScanWorkers(tally.largeBytes, tally.files, records, minRecords),
    availableParallelism(),
    tally.files,
  );
  return { segmentWorkers: 0, workers };
}
