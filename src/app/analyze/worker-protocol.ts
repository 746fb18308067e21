/**
 * @module app/analyze/worker-protocol
 * Messages between the analyze use case and its scan workers.
 */
import type { ReadOptions, RecordBatch } from '../../adapters/logfiles/read-batches.js';
import { BATCHES_PER_READ, type BatchSizing } from '../../adapters/logfiles/read-size.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import { PROBES_AT_ONCE, STREAMS_HELD_AT_ONCE } from '../../adapters/logfiles/stream-input.js';
import type { FileCuts } from './split-file.js';

/**
 * Batches a worker may read of a source ahead of the merge, with few sources. Deep, because the merge takes records
 * in time order: a rotated piece newer than the others (`cms2.log` beside `cms2.log.1`) is not taken from until
 * the merge reaches its time, and with 8 batches its worker stopped for want of credit for half of a 2 GB run
 * (~0.2 s idle of 1.2) while the other worked; with 64 it reads on (2 GB of the mix: 0.98 against 1.05 s, median of
 * 5). A batch is ~25 KB (512 records of 48 bytes: core/packed-records.ts), so 64 cost ~1.6 MB a source.
 */
export const READ_AHEAD = 64;
/**
 * Batches read ahead of the merge for all sources together (~25 MB at most). The merge holds every source open at
 * once, so a fixed read-ahead per source made memory grow with the number of files; past 16 sources each gets a
 * share, 1 at least: the credit for a batch goes back when the merge takes it, so the worker reads the next while
 * this one is merged (with 4,000 files spanning the same time, 2 at least took 229 MB of RSS, 1 at least 214 MB, in
 * the same time).
 */
export const READ_AHEAD_TOTAL = 1024;
/** Records per batch with few sources; past 16 sources batches get smaller, so the total held stays flat. */
export const BATCH_RECORDS = 512;
const BATCH_RECORDS_TOTAL = BATCH_RECORDS * 16;
const MIN_BATCH_RECORDS = 64;

/**
 * Batches a source of record-dense input may read ahead of the merge (scan-pool.ts RECORD_DENSE_BYTES): its batches
 * cover ~50 KB of a file, and the main thread sets the pace of such input.
 */
export const DENSE_READ_AHEAD = 8;

/** Batches each of `sources` sources may read ahead (fewer for record-dense input). */
export function readAheadFor(sources: number, dense = false): number {
  const most = dense ? DENSE_READ_AHEAD : READ_AHEAD;
  return Math.max(1, Math.min(most, Math.floor(READ_AHEAD_TOTAL / Math.max(1, sources))));
}

/**
 * The merge hands credit back this many batches at a time (half the read-ahead): one message per batch cost the
 * main thread ~40 ms.
 */
export function creditStepFor(readAhead: number): number {
  return Math.max(1, Math.floor(readAhead / 2));
}

/**
 * Records per batch of a source read alone (one file, read in segments by several threads when large): four times
 * BATCH_RECORDS. Where every line is a record, a batch is the records of one read (read-size.ts), and each costs the
 * threads its hand-over, its place in the temporary file of a worker's segment and a turn of the merge: one file of
 * 413 MB of Stats lines took 1.24 against 1.435 s (6 alternated runs, the same output) and up to 20 MB more RSS (104
 * against 84 MB); one 2 GB file of the mix 0.625 against 0.65 s (8 runs). With several sources the larger batches
 * changed no time (nine per-node files: 3.24 against 3.26 s) and took ~20 MB more: they stay as they were.
 */
export const SINGLE_SOURCE_BATCH_RECORDS = BATCH_RECORDS * 4;

/** Records per batch when `sources` sources are read at once. */
export function batchRecordsFor(sources: number): number {
  if (sources <= 1) {
    return SINGLE_SOURCE_BATCH_RECORDS;
  }
  return Math.max(MIN_BATCH_RECORDS, Math.min(BATCH_RECORDS, Math.floor(BATCH_RECORDS_TOTAL / Math.max(1, sources))));
}

/**
 * Records one read of each of `sources` sources may add (read-batches.ts, readRecords): four batches with few sources
 * (record-dense files then take fewer, larger batches: read-batches.ts BATCHES_PER_READ), falling to one batch as
 * sources grow, so that what they hold together stays flat. A batch is cut only between reads, so this bounds a
 * batch: with 2,000 sources a 1 MiB read of a CMS log added ~170 records to batches of 64, and the batches in flight
 * held ~25 KB a source.
 */
export function readRecordsFor(sources: number): number {
  const batch = batchRecordsFor(sources);
  return Math.max(batch, Math.min(BATCHES_PER_READ * batch, Math.floor(READ_RECORDS_TOTAL / Math.max(1, sources))));
}
const READ_RECORDS_TOTAL = BATCHES_PER_READ * BATCH_RECORDS_TOTAL;

/** What a source read by a scan worker may hold: batches ahead of the merge, and their sizes. */
export interface SourceSizing extends BatchSizing {
  readonly readAhead: number;
}

/**
 * The sizes of a source's batches and read-ahead when the merge holds `held` sources at once (held-at-once.ts), as
 * if only they were read: the functions above, given those sources.
 */
export function sizingFor(held: number, dense: boolean): SourceSizing {
  return {
    readAhead: readAheadFor(held, dense),
    batchRecords: batchRecordsFor(held),
    readRecords: readRecordsFor(held),
  };
}

/** Bytes a compressed (or piped) source reads and inflates at a time, when it is one of few. */
const STREAM_CHUNK = 1 << 20;
/** What all such sources' chunks may add up to (each holds a read buffer and an inflated one). */
const STREAM_CHUNK_TOTAL = 4 << 20;
const MIN_STREAM_CHUNK = 64 << 10;

/**
 * Chunk bytes of each of `streams` compressed sources read at once: 1 MiB for up to 4, then less, 64 KiB at least.
 * With 1 MiB each, 45 `.gz` files held open by the merge took analyze to 420 MB of RSS (64 KiB: 160 MB).
 */
export function streamChunkBytesFor(streams: number): number {
  return Math.max(MIN_STREAM_CHUNK, Math.min(STREAM_CHUNK, Math.floor(STREAM_CHUNK_TOTAL / Math.max(1, streams))));
}

/**
 * Of `streams` compressed or piped sources, `gzipFiles` of them `.gz` files, how many a thread may read at once in
 * whole chunks: all of them, unless the `.gz` files are let go after their first batch (`releasing`: more than
 * STREAMS_HELD_OPEN of them). A thread then holds at most STREAMS_HELD_AT_ONCE of those open while the merge goes
 * through them and reads at most PROBES_AT_ONCE more to their end; first batches are read in smaller chunks
 * (stream-input.ts). Sized by the number of `.gz` files instead, 1,000 rotated pieces were inflated 64 KiB at a time
 * though a dozen were open at once, and the per-chunk cost was a third of their time.
 */
export function streamsReadAtOnce(streams: number, gzipFiles: number, releasing: boolean): number {
  return releasing ? Math.min(streams, streams - gzipFiles + STREAMS_HELD_AT_ONCE + PROBES_AT_ONCE) : streams;
}

/**
 * Compressed sources held open at once past which each is let go after its first batch, and opened again when the
 * merge reaches it (read-batches.ts releaseStreams): ~400 KB each while open (a descriptor, the inflater, a read and
 * an inflated buffer); 1,000 `.gz` files took analyze to 500 MB of RSS.
 */
export const STREAMS_HELD_OPEN = 4;

/** Read options as they reach a scan worker: nothing that belongs to one thread (stdin, spare memory). */
export type WorkerReadOptions = Omit<ReadOptions, 'stdin' | 'spares'>;

/** A file read in segments (split-file.ts): its cuts, and what each worker needs to take and read them from its back. */
export interface SegmentsJob extends FileCuts {
  readonly job: number;
  readonly source: LogSource;
  readonly options: WorkerReadOptions;
  /** Who took which segment (segment-claims.ts). */
  readonly claims: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'open'; id: number; source: LogSource; options: WorkerReadOptions; readAhead: number }
  /**
   * The merge took `batches` more of this source's batches: the worker may read that many further ahead. `buffers`:
   * those of its batches merged since the last such message, moved back to be packed into again (spare-buffers.ts).
   * `sizing`: the sizes of its batches from now on, when the merge changed them (held-at-once.ts). `early`: the
   * credit comes before the merge has reached the source (one of the next few it reaches: held-at-once.ts).
   */
  | { type: 'next'; id: number; batches: number; buffers: ArrayBuffer[]; sizing?: BatchSizing; early?: true }
  /** Take segments of a file from its back and read them (segment-reading.ts), as the pool's worker `worker`. */
  | { type: 'segments'; job: SegmentsJob; worker: number }
  /** Send the batches of segment `segment` of job `job`, taken by this worker, as the source `id`. */
  | { type: 'open-segment'; id: number; job: number; segment: number; readAhead: number }
  /** The merge wants no more of source `id`: the worker stops sending it (a segment read again: split-file.ts). */
  | { type: 'close'; id: number };

/** What a worker says of one source. A worker posts them in arrays: those of one turn of its event loop together. */
export type FromWorker =
  | { type: 'batch'; id: number; batch: RecordBatch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };
