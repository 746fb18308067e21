/**
 * @module app/analyze/split-file
 * One large plain file read by several threads at once: the usual input (one syslog file of a whole cluster) would
 * otherwise be read by one thread while the other cores stand idle. The file is cut at line starts into segments of
 * SEGMENT_BYTES; this thread reads them from the front, in order (and merges and analyses every record, as always),
 * the scan workers from the back, each read to its end at once, its batches kept in a temporary file, until the
 * threads meet (segment-claims.ts). The segments' batches are handed on one segment after another, so the merge sees
 * the file's records in the file's order, as one thread reading it would give them.
 *
 * The only state carried from line to line of a source is the year of BSD stamps (core/parse/line-reader.ts: they
 * carry no year; it moves on when the months wrap from December to January). A later segment is read as if it were
 * a file of its own (the year from `--year` or the file's modification time), and its batches say which year it gave
 * its first BSD stamp (RecordBatch firstStamp): when the segment before it is done, its end state says which year
 * that stamp truly has. Nearly always the same; where it is not (a log that crosses New Year near a cut), the
 * segment is read again in this thread with the true state. Its batches before the first stamp hold nothing that
 * depends on the year and were handed on already: the reading again skips them.
 *
 * Progress (the analysis adds up its batches' `bytes`) follows every thread's reading: a worker counts the bytes it
 * reads in the memory the threads share (segment-claims.ts), and the batches handed on carry them as they come,
 * the workers' own batches none (their bytes were counted as they were read). Counted when handed on instead, the
 * workers' half of the file showed at the end all at once, the progress bar running at half speed until then.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { BatchFeed } from '../../adapters/logfiles/merge-by-time.js';
import type { FileIdentity, FileSegment } from '../../adapters/logfiles/open-files.js';
import type { ReadOptions, RecordBatch } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import { type YearState, yearOfStamp } from '../../core/parse/index.js';
import { SegmentClaims } from './segment-claims.js';
import type { SegmentsJob, WorkerReadOptions } from './worker-protocol.js';

/**
 * Bytes of a segment, about. Smaller segments let the threads meet closer to where their speeds would have them
 * (this thread waits for the worker's segment in progress, at most); each costs a scanner of its own and a message.
 */
export const SEGMENT_BYTES = 32 << 20;

/** Bytes read at a time while looking for the line start nearest a cut. */
const PROBE_BYTES = 64 << 10;

/** Where a file is cut, and which file it is. */
export interface FileCuts {
  /** The segments' starts (line starts; the first is 0): segment i ends where segment i + 1 starts. */
  readonly starts: readonly number[];
  /** Which file was cut: a segment of another file (the path rotated meanwhile) is not read. */
  readonly identity: FileIdentity;
}

/**
 * Cuts the file at `path` (`size` bytes when listed) into segments of about `segmentBytes`, each starting at a line's
 * start: the first line starting at or after each cut's place. A cut that would fall at the file's end or on another
 * cut (a single line longer than a segment) is dropped.
 */
export function cutFile(path: string, size: number, segmentBytes = SEGMENT_BYTES): FileCuts {
  const count = Math.max(1, Math.round(size / segmentBytes));
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const starts = [0];
    const buffer = Buffer.allocUnsafe(PROBE_BYTES);
    for (let i = 1; i < count; i++) {
      const last = starts.at(-1) as number;
      const start = lineStartFrom(fd, buffer, Math.max(Math.round((i * size) / count), last + 1), size);
      if (start < size && start > last) {
        starts.push(start);
      }
    }
    return { starts, identity: { dev: st.dev, ino: st.ino } };
  } finally {
    closeSync(fd);
  }
}

/** Segment `i` of `cuts`: from its start to the next one's (the last one to the file's end). */
export function segmentOf(cuts: FileCuts, i: number): FileSegment {
  const end = cuts.starts[i + 1];
  return { start: cuts.starts[i] as number, ...(end === undefined ? {} : { end }), identity: cuts.identity };
}

/** The first line start at or after `from` (the byte after a newline), or `size` when none is before it. */
function lineStartFrom(fd: number, buffer: Buffer, from: number, size: number): number {
  // A line starts at `from` when the byte before it is a newline: the search starts there.
  for (let at = from - 1; at < size; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - at), at);
    if (n <= 0) {
      return size;
    }
    const nl = buffer.subarray(0, n).indexOf(10);
    if (nl >= 0) {
      return at + nl + 1;
    }
    at += n;
  }
  return size;
}

/** How the segments are read: by this thread, and by the scan workers (scan-pool.ts). */
export interface SegmentReaders {
  /** Reads a segment in this thread (ReadOptions segment). */
  local(source: LogSource, options: ReadOptions): BatchFeed;
  /** Has the workers take segments of `job` from its back and read them. */
  start(job: SegmentsJob): void;
  /** The batches of segment `segment` of `job`, which worker `worker` took; `close` drops them. */
  worker(source: LogSource, job: number, segment: number, worker: number): BatchFeed & { close(): void };
}

let jobs = 0;
/** Files read in segments by this thread's analyses since it started (tests). */
let segmentedFiles = 0;

/** Files this thread has read in segments, with workers, since it started (tests). */
export function filesReadInSegments(): number {
  return segmentedFiles;
}

/**
 * The batches of `source` read in the segments `cuts` gives, one segment after another, as the whole file read by
 * one thread would give them: the first segments by this thread, from the front, the last ones by the workers.
 */
export function splitFeed(
  source: LogSource,
  options: WorkerReadOptions,
  cuts: FileCuts,
  readers: SegmentReaders,
): BatchFeed {
  const claims = new SegmentClaims(cuts.starts.length);
  // Segment 0 is this thread's: it starts on it at once, while the workers start.
  claims.takeFront(0);
  const job: SegmentsJob = {
    job: jobs++,
    source,
    options,
    starts: cuts.starts,
    identity: cuts.identity,
    claims: claims.buffer,
  };
  if (cuts.starts.length > 1) {
    segmentedFiles++;
    readers.start(job);
  }
  const segmentOptions = (i: number, yearState: YearState | undefined): ReadOptions => ({
    ...options,
    segment: segmentOf(cuts, i),
    ...(yearState ? { yearState } : {}),
  });

  let current = 0;
  let feed: BatchFeed & { close?(): void } = readers.local(source, segmentOptions(0, undefined));
  /** Where the year stands at the current segment's start (undefined: the file's start). */
  let startState: YearState | undefined;
  /** Where it stands at the current segment's end: its last batch says. */
  let endState: YearState | undefined;
  /** The current segment is read with the true state (by this thread), not with a guess to check. */
  let sure = true;
  /** Its first BSD stamp was read. */
  let stamped = false;
  /** Batches and lines handed on of the current segment (for its reading again). */
  let given = 0;
  let linesGiven = 0;
  /** The current segment was taken by a worker, which counted its bytes as it read them. */
  let countedByWorker = false;
  /** Bytes the workers had read when the last batch was handed on (carried by the batches handed on so far). */
  let workerBytesGiven = 0;

  /** `batch` carrying its own bytes unless a worker counted them, and what the workers have read since the last. */
  const withProgress = (batch: RecordBatch): RecordBatch => {
    const read = claims.readByWorkers();
    const bytes = (countedByWorker ? 0 : batch.bytes) + read - workerBytesGiven;
    workerBytesGiven = read;
    return bytes === batch.bytes ? batch : { ...batch, bytes };
  };

  /**
   * A worker's segment asked for before this thread reaches it. Why: past the threads' meeting, this thread merges
   * the workers' segments alone, and each segment's first batch came only after a message to the worker and back
   * (the worker asleep by then); asked for one segment ahead, its batches come while the one before is merged (the
   * 2 GB one-file corpus: 51 against 65 ms from the meeting to the end, medians of 10 alternated runs).
   */
  let ahead: { readonly segment: number; readonly feed: BatchFeed & { close(): void } } | undefined;
  const workerFeed = (i: number): BatchFeed & { close(): void } => {
    const asked = ahead?.segment === i ? ahead.feed : readers.worker(source, job.job, i, claims.workerOf(i));
    ahead = undefined;
    return asked;
  };
  /** Asks for segment `i` ahead when a worker took it (every segment after a worker's is a worker's). */
  const askAhead = (i: number): void => {
    const worker = i < cuts.starts.length ? claims.workerOf(i) : -1;
    if (worker >= 0) {
      ahead = { segment: i, feed: readers.worker(source, job.job, i, worker) };
    }
  };

  /** The segment after the current one, read here if no worker took it. */
  const nextSegment = (): boolean => {
    // The next segment starts where this one ended; a segment without a BSD stamp, read with a guess, leaves the
    // year where it was.
    startState = stamped || sure ? endState : startState;
    current++;
    if (current >= cuts.starts.length) {
      return false;
    }
    endState = undefined;
    stamped = false;
    given = 0;
    linesGiven = 0;
    sure = claims.takeFront(current);
    countedByWorker = !sure;
    feed = sure ? readers.local(source, segmentOptions(current, startState)) : workerFeed(current);
    if (!sure) {
      askAhead(current + 1);
    }
    return true;
  };

  /** The current segment read again in this thread with the true state, from its batch `given` on. */
  const readAgain = async (): Promise<void> => {
    feed.close?.();
    const again = readers.local(source, segmentOptions(current, startState));
    let lines = 0;
    for (let k = 0; k < given; k++) {
      lines += (await again.next())?.lines ?? 0;
    }
    if (lines !== linesGiven) {
      throw new Error(`${source.path}: a segment read again gave other lines than its first reading`);
    }
    feed = again;
    sure = true;
  };

  let ended = false;
  return {
    source,
    async next(): Promise<RecordBatch | undefined> {
      while (!ended) {
        const batch = await feed.next();
        if (batch === undefined) {
          ended = !nextSegment();
          continue;
        }
        if (!sure && !stamped && batch.firstStamp !== undefined) {
          stamped = true;
          // Read with a guess (a source's start): the year its first stamp truly has follows from where the year
          // stood at its start. A state with no stamp read yet is the one it was read in.
          const state = startState as YearState;
          const truth =
            state.lastMonth === 0 ? batch.firstStamp.year : yearOfStamp(state, batch.firstStamp.month, undefined);
          if (truth !== batch.firstStamp.year) {
            await readAgain();
            continue;
          }
        }
        if (batch.yearEnd !== undefined) {
          endState = batch.yearEnd;
        }
        given++;
        linesGiven += batch.lines;
        return withProgress(batch);
      }
      return undefined;
    },
  };
}
