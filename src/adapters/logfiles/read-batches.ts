/**
 * @module adapters/logfiles/read-batches
 * Reads one log source and yields its CMS records in time order, in batches, with line counts. Async generators
 * give natural back-pressure: nothing more is read while a batch waits to be consumed, so memory stays flat.
 * Tar archives are the exception: their entries (syslog, syslog.1, …) are not in time order, so an archive's
 * records (not its lines) are gathered and sorted before they are yielded.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Extract } from 'tar-stream';
import type { CmsRecord, LineOutcome } from '../../core/model.js';
import { type PackedRecords, PackedRecordsBuilder, packRecords, type SpareBuffers } from '../../core/packed-records.js';
import {
  candidateSubstringsFor,
  createLineReader,
  DEFAULT_JOIN_REFUSAL_SETTINGS,
  type FirstStamp,
  type JoinRefusal,
  type JoinRefusalSettings,
  joinRefusalFrom,
  type LineReader,
  levelLineRuleFor,
  RECORD_SUBSTRINGS,
  type YearState,
} from '../../core/parse/index.js';
import { LINES_WITH_WORDS, MAX_WORD_BYTES, MAX_WORDS } from './byte-window.js';
import { anchorsOf, CandidateScanner, type CandidateScannerOptions, type CandidateSink } from './candidate-scanner.js';
import { closeOpenFile, type FileSegment, OpenFile, readOpenFile, setOpenFilesBudget } from './open-files.js';
import { PeakCount } from './peak-count.js';
import { type BatchSizing, batchSizingOf, DEFAULT_BATCH_RECORDS, ReadSize } from './read-size.js';
import { RecordSpill } from './record-spill.js';
import { Slots } from './slots.js';
import { SortedRuns } from './sorted-runs.js';
import type { LogSource } from './sources.js';
import type { StatsLineReader } from './stats-line-kernel.js';
import { stdinThroughThread } from './stdin-reader.js';
import { PROBE_CHUNK_BYTES, StreamInput } from './stream-input.js';

export interface ReadOptions {
  /** Year for BSD stamps; default: the file's (or tar entry's) modification year. */
  readonly year?: number;
  /** IANA zone for zone-less stamps. @default 'UTC' */
  readonly timeZone?: string;
  /**
   * Records per batch. @default 512: a batch is the unit handed from a scan worker to the merge, and the merge
   * starts only when every source has delivered its first one; with 4096 (about 36 MB of a CMS log) the main
   * thread sat idle for a third of a second at the start (measured).
   */
  readonly batchSize?: number;
  /**
   * Records one read (or a stream's slice) may add, about: reads shrink where records are dense (read-size.ts).
   * @default batchSize × 4. analyze passes less with many sources (worker-protocol.ts readRecordsFor), since every
   * source of its merge holds a batch or more of about this size.
   */
  readonly readRecords?: number;
  /**
   * Bytes read and inflated at a time from a stream source (`.gz`, tar, stdin). @default 1 MiB. Every source of a
   * merge is held open, each with a read buffer and an inflated one: many compressed sources take less each.
   */
  readonly streamChunkBytes?: number;
  /**
   * Plain files this thread keeps open at once, at most (open-files.ts): past it the least recently read is closed
   * and opened again when next read. @default 512. analyze passes a share of the process' limit on open files.
   */
  readonly openFiles?: number;
  /**
   * Let a compressed source's stream go after its first batch, with its descriptor and buffers, until the next
   * batch is asked for: it is then opened again and inflated from its start, skipping what was read
   * (stream-input.ts). @default false. analyze sets it when many compressed sources are read at once: its merge
   * takes every source's first batch at the start, and the rest of a source only when it reaches its time. Taken up
   * again while its thread holds STREAMS_HELD_AT_ONCE others, a source is read to its end at once, its batches kept
   * in a temporary file (record-spill.ts) and handed on from there, its stream let go.
   */
  readonly releaseStreams?: boolean;
  /**
   * Threads reading sources at once (analyze's scan workers and its own): archives read at once by all of them
   * share a budget for their inflaters' chunks (archiveChunkBytesFor). @default 1
   */
  readonly readingThreads?: number;
  /** Archives among the sources read: with fewer than the threads read at once, each inflater has a larger share. */
  readonly archives?: number;
  /**
   * With releaseStreams, compressed sources of at most this many bytes of their own are read to their end at once
   * instead of being let go after their first batch (tests). @default 1 MiB
   */
  readonly drainCompressedBytes?: number;
  /**
   * Memory to pack batches' numbers into, used again (spare-buffers.ts): a scan worker's, which the main thread
   * hands its batches' buffers back to. Not sent between threads: a worker adds its own.
   */
  readonly spares?: SpareBuffers;
  /** Where stdin comes from (tests pass a stream). @default process.stdin */
  readonly stdin?: Readable;
  /**
   * Keep each Call Bridge record's whole STATS JSON (`raw`). @default true. analyze's analysis never reads it and
   * passes false: the batches then carry no objects to clone between threads (core/packed-records.ts).
   */
  readonly raw?: boolean;
  /**
   * How a join refusal is recognised (`analysis.joinRefusedPatterns` and `analysis.joinRefusedLevels`), as plain
   * strings so that it reaches scan workers as it is. @default the assumed wording (core/parse join-refusal.ts)
   */
  readonly joinRefusal?: JoinRefusalSettings;
  /**
   * Read only this segment of a plain file (app/analyze/split-file.ts: one file read by several threads at once).
   * Its batches then say where the year of BSD stamps went (RecordBatch firstStamp and yearEnd).
   */
  readonly segment?: FileSegment;
  /**
   * Where the year of BSD stamps stands at the segment's start, when it is known (the segments before it read):
   * otherwise the segment is read as a source's start is, and its first stamp's year checked afterwards.
   */
  readonly yearState?: YearState;
}

/** A batch of records, packed (core/packed-records.ts: unpackRecords gives them as objects), with counts. */
export interface RecordBatch extends PackedRecords {
  /** Lines read since the previous batch. */
  readonly lines: number;
  /** Unreadable candidate lines since the previous batch. */
  readonly malformed: number;
  /** Bytes of the source consumed since the previous batch (compressed bytes for .gz). */
  readonly bytes: number;
  /** Entries of an archive that could not be read. */
  readonly errors: ReadonlyArray<{ path: string; message: string }>;
  /**
   * A segment's (ReadOptions segment) first BSD stamp, on the batch taken after it was read: its batches before
   * it hold nothing that depends on where the year stood at the segment's start.
   */
  readonly firstStamp?: FirstStamp;
  /** A segment's last batch: where the year of BSD stamps stands at its end. */
  readonly yearEnd?: YearState;
}

/** A batch's errors when it has none (a plain file's batches never have any): one list for all. */
const NO_ERRORS: RecordBatch['errors'] = Object.freeze([]);

/**
 * A compressed source among many (ReadOptions releaseStreams) of at most this many bytes of its own is read to its
 * end at once (its records kept in the temporary file, record-spill.ts) rather than let go after its first batch
 * and opened and inflated again when the merge reaches it: each reopening cost a stream's making and a chunk
 * inflated twice. 1,000 rotated `.gz` pieces of ~160 KB: 5.1 against 4.2 s; 1,000 `.gz` of ~200 KB spanning the
 * same time: 6.8 against 5.0 s (medians of 3 alternated runs, the same output), peak RSS 126–135 against 143–147 MB.
 * Its records then go through the temporary file (~1 % of a CMS log's bytes).
 */
const DRAIN_COMPRESSED_BYTES = 1 << 20;
/** Records in a source's first batch (see readLines). */
const FIRST_BATCH = 32;
/** Stream chunk size (gzip, tar, stdin) by default. */
const CHUNK_BYTES = 1 << 20;
const LOG_ENTRY = /(^|\/)[^/]*(log|syslog|messages)[^/]*$|\.log(\.\d+)?(\.gz)?$|(^|\/)syslog(\.\d+)?(\.gz)?$/i;

function yearOf(mtimeMs: number): { year: number; month: number } {
  const d = new Date(mtimeMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** Where a sink puts its records: packed as they come (PackedRecordsBuilder), or gathered to be sorted (SortedRuns). */
interface RecordTarget {
  add(record: CmsRecord): void;
  addWebBridgeStats(host: string, at: number, active: number, connects: number, disconnects: number): void;
}

/**
 * Parses a source's candidate lines into records: the scanner's sink. One class for every source, so the scanner's
 * calls into it stay monomorphic (candidate-scanner.ts, CandidateSink).
 */
class RecordSink implements CandidateSink {
  readonly #reader: LineReader;
  readonly #out: RecordTarget;
  /** The zone of zone-less stamps (the reader's). */
  readonly #timeZone: string;
  /** Reads Stats lines in WebAssembly where the scanner's window offers it (stats-line-kernel.ts). */
  #stats: StatsLineReader | undefined;
  malformed = 0;

  constructor(reader: LineReader, out: RecordTarget, timeZone: string) {
    this.#reader = reader;
    this.#out = out;
    this.#timeZone = timeZone;
  }

  /** Reads Stats lines with `stats` (lines of the scanner's window) until `release`. */
  useStatsReader(stats: StatsLineReader | undefined): void {
    this.#stats = stats;
  }

  release(): void {
    this.#stats?.release();
    this.#stats = undefined;
  }

  // Most candidates are Web Bridge Stats lines: read from bytes, with no string made (stats-bytes.ts), in
  // WebAssembly where the window is WebAssembly memory, and packed by their fields (no object per record).
  bytes(bytes: Uint8Array, start: number, end: number): boolean {
    const stats = this.#stats;
    if (!stats) {
      return this.#statsInJavaScript(bytes, start, end);
    }
    if (stats.read(start, end)) {
      this.#addStats(stats, this.#reader.resolveStamp(stats.stamp));
      return true;
    }
    // Another candidate (a Call Bridge STATS line, an audit line…) with a BSD envelope: the kernel reads the
    // envelope, only the message becomes a string, and the general payload reading takes it from there.
    const message = stats.envelope(start, end);
    if (message !== undefined) {
      this.#take(this.#reader.envelopeOutcome(stats, message));
      return true;
    }
    // Not the BSD shape: a Stats line with an ISO 8601 stamp, a `<PRI>` or an RFC 5424 header is read by the kernel
    // too (what it leaves, from bytes in JavaScript), and so is the envelope of another line of those shapes (a Call
    // Bridge STATS line): only its message becomes a string, as above. Such lines once went the JavaScript Stats
    // reader and then the general parser, cold code in each scan worker: ~40 µs a line (measured).
    switch (stats.readOther(start, end, this.#timeZone)) {
      case 'no':
        return this.#statsInJavaScript(bytes, start, end);
      case 'bsd':
        this.#addStats(stats, this.#reader.resolveStamp(stats.stamp));
        return true;
      case 'instant':
        this.#addStats(stats, stats.at);
        return true;
      case 'bsd-message':
        this.#take(this.#reader.envelopeOutcome(stats, stats.message));
        return true;
      case 'instant-message':
        this.#take(this.#reader.instantOutcome(stats.at, stats.host, stats.message));
        return true;
    }
  }

  /** The Stats line the kernel just read, at instant `at`, packed by its fields. */
  #addStats(stats: StatsLineReader, at: number): void {
    this.#out.addWebBridgeStats(stats.host, at, stats.active, stats.connects, stats.disconnects);
  }

  /** A Stats line read from its bytes in JavaScript (stats-bytes.ts), when it is one; false leaves it to `line`. */
  #statsInJavaScript(bytes: Uint8Array, start: number, end: number): boolean {
    const record = this.#reader.readWebBridgeStats(bytes, start, end);
    if (record) {
      this.#out.add(record);
    }
    return record !== undefined;
  }

  line(line: string): void {
    this.#take(this.#reader.read(line));
  }

  #take(out: LineOutcome): void {
    if (out.kind === 'record') {
      this.#out.add(out.record);
    } else if (out.kind === 'malformed') {
      this.malformed++;
    }
  }

  // The reader would refuse it as too long: count it the same way without decoding megabytes.
  overlong(): void {
    this.malformed++;
  }
}

/** How the sources of one join refusal are scanned: the refusal, the substrings searched, the level-line rule. */
interface ScanPlan {
  readonly refusal: JoinRefusal;
  readonly substrings: readonly string[];
  readonly options: Pick<CandidateScannerOptions, 'refusals' | 'everyLine'>;
}

/**
 * Lines holding a level word but none of the record substrings are candidates only when they say what a refusal
 * says (in any case) or hold `Stats` (core/parse levelLineRuleFor), when the window's kernel can look for the
 * wordings: at most MAX_WORDS of them, with at most LINES_WITH_WORDS anchors (a wording longer than MAX_WORD_BYTES
 * is looked for by its head, which every line holding it holds too). Otherwise every level line is a candidate, and
 * with no levels (a refusal in any line) every line. Made once per refusal (its anchors cost a search).
 */
function scanPlanOf(settings: JoinRefusalSettings): ScanPlan {
  const refusal = joinRefusalFrom(settings);
  const rule = levelLineRuleFor(refusal);
  const wordings = rule?.wordings.map((w) => w.slice(0, MAX_WORD_BYTES));
  const searchable =
    rule !== undefined &&
    wordings !== undefined &&
    wordings.length <= MAX_WORDS &&
    (wordings.length === 0 || anchorsOf(wordings).length <= LINES_WITH_WORDS);
  if (searchable) {
    return {
      refusal,
      substrings: [...RECORD_SUBSTRINGS, ...refusal.levels],
      options: { refusals: { ...rule, wordings } },
    };
  }
  const substrings = candidateSubstringsFor(refusal);
  return substrings ? { refusal, substrings, options: {} } : { refusal, substrings: [], options: { everyLine: true } };
}

const scanPlans = new Map<string, ScanPlan>();
/**
 * The plan of a settings object already seen: every source of an analysis shares one, and its key (the patterns
 * as JSON) cost ~4 µs a source (100,000 small files: 0.39 s).
 */
const scanPlansBySettings = new WeakMap<JoinRefusalSettings, ScanPlan>();

function scanPlanFor(settings: JoinRefusalSettings = DEFAULT_JOIN_REFUSAL_SETTINGS): ScanPlan {
  let plan = scanPlansBySettings.get(settings);
  if (plan) {
    return plan;
  }
  const key = JSON.stringify([settings.patterns, settings.levels]);
  plan = scanPlans.get(key);
  if (!plan) {
    plan = scanPlanOf(settings);
    scanPlans.set(key, plan);
  }
  scanPlansBySettings.set(settings, plan);
  return plan;
}

/** A scanner of a source modified at `mtimeMs`, handing its records to `out`, counting unreadable lines. */
function makeScanner(
  mtimeMs: number,
  options: ReadOptions,
  out: RecordTarget,
): { scanner: CandidateScanner; sink: RecordSink; reader: LineReader } {
  const { year, month } = yearOf(mtimeMs);
  const plan = scanPlanFor(options.joinRefusal);
  const reader = createLineReader({
    year: options.year ?? year,
    ...(options.year === undefined ? { referenceMonth: month } : {}),
    timeZone: options.timeZone ?? 'UTC',
    joinRefusal: plan.refusal,
    ...(options.yearState ? { yearState: options.yearState } : {}),
  });
  const sink = new RecordSink(reader, out, options.timeZone ?? 'UTC');
  const scanner = new CandidateScanner(plan.substrings, sink, plan.options);
  sink.useStatsReader(scanner.statsLineReader());
  return { scanner, sink, reader };
}

/**
 * Reads a plain file synchronously, straight into the scanner's window: from the page cache this is about eight
 * times faster than a read stream (measured 0.13 against 1.1 s/GB), it copies nothing, and it runs in a scan worker,
 * off the main thread. Each read takes `size.next` bytes (read-size.ts); yields the bytes read each time.
 */
function* plainReads(file: OpenFile, scanner: CandidateScanner, size: ReadSize): Generator<number> {
  // Its descriptor is kept among the thread's open files, closed when too many are open (open-files.ts).
  try {
    for (;;) {
      const space = scanner.space();
      const n = readOpenFile(file, space, Math.min(space.length, size.next));
      if (n <= 0) {
        return;
      }
      scanner.commit(n);
      yield n;
    }
  } finally {
    closeOpenFile(file);
  }
}

/** The chunk a stream source is being scanned from, and how far (kept outside the generator: see `release`). */
interface StreamCursor {
  chunk: Buffer | undefined;
  at: number;
}

/** Scans the next `size.next` bytes of the cursor's chunk; answers how many. */
function scanSlice(cursor: StreamCursor, scanner: CandidateScanner, size: ReadSize): number {
  const chunk = cursor.chunk as Buffer;
  const n = Math.min(size.next, chunk.length - cursor.at);
  scanner.push(chunk.subarray(cursor.at, cursor.at + n));
  cursor.at += n;
  return n;
}

/**
 * Decoded chunks of a stream source (stdin, .gz), copied into the scanner `size.next` bytes at a time: slower, and
 * rare. Yields the decoded bytes scanned each time; progress counts the source's own bytes (compressed ones for
 * .gz), which the input reports as they are read. The chunk is the cursor's, not a local of this generator, so that
 * a released input (stream-input.ts) holds none of it while the generator waits.
 */
async function* streamReads(
  input: StreamInput,
  cursor: StreamCursor,
  scanner: CandidateScanner,
  size: ReadSize,
): AsyncGenerator<number> {
  for (;;) {
    if (cursor.chunk === undefined || cursor.at >= cursor.chunk.length) {
      cursor.chunk = await input.next();
      cursor.at = 0;
      if (cursor.chunk === undefined) {
        return;
      }
    }
    yield scanSlice(cursor, scanner, size);
  }
}

async function* readLines(source: LogSource, options: ReadOptions, sizing: BatchSizing): AsyncGenerator<RecordBatch> {
  let batchSize = sizing.batchRecords;
  let readRecords = sizing.readRecords;
  const packer = new PackedRecordsBuilder({ raw: options.raw ?? true }, batchSize, options.spares);
  const { scanner, sink, reader } = makeScanner(source.mtimeMs, options, packer);
  // A read (or a stream's slice) adds a few batches of records at most, however dense they are in this source
  // (read-size.ts); at most what the scanner's window takes at a time.
  const size = new ReadSize(scanner.chunkBytes, readRecords);
  let bytes = 0;
  const cursor: StreamCursor = { chunk: undefined, at: 0 };
  const readsFd = source.kind === 'plain';
  // Standard input is drained by a thread of its own (stdin-reader.ts), unless a stream stands for it (tests).
  const stdin = options.stdin ?? (source.kind === 'stdin' ? stdinThroughThread() : undefined);
  // A compressed source among many (releaseStreams) is read to its end at once when it is small, its records kept in
  // the temporary file; a larger one is let go after its first batch and opened again when the merge reaches it.
  const drainsAtOnce =
    options.releaseStreams === true &&
    source.kind === 'gzip' &&
    source.size <= (options.drainCompressedBytes ?? DRAIN_COMPRESSED_BYTES);
  const input = readsFd
    ? undefined
    : new StreamInput(source, {
        chunkBytes: options.streamChunkBytes ?? CHUNK_BYTES,
        probe: options.releaseStreams === true,
        ...(options.releaseStreams === true && !drainsAtOnce ? { probeChunkBytes: PROBE_CHUNK_BYTES } : {}),
        ...(stdin ? { stdin } : {}),
        onRaw: (n) => {
          bytes += n;
        },
      });
  if (options.openFiles !== undefined) {
    setOpenFilesBudget(options.openFiles);
  }
  const reads = input
    ? streamReads(input, cursor, scanner, size)
    : plainReads(new OpenFile(source.path, source.size, options.segment), scanner, size);
  let lastLines = 0;
  let lastMalformed = 0;
  let lastBytes = 0;
  // A segment's first BSD stamp goes with the batch taken after it was read (RecordBatch firstStamp).
  let firstStampTold = false;
  const take = (last = false): RecordBatch => {
    const packed = packer.take();
    // Its fields named rather than spread: a spread copy of the pack cost ~5 µs a batch (100,000 small files).
    const batch: RecordBatch = {
      numbers: packed.numbers,
      hosts: packed.hosts,
      extras: packed.extras,
      lines: scanner.counts.lines - lastLines,
      malformed: sink.malformed - lastMalformed,
      bytes: bytes - lastBytes,
      errors: NO_ERRORS,
    };
    lastLines = scanner.counts.lines;
    lastMalformed = sink.malformed;
    lastBytes = bytes;
    if (options.segment === undefined) {
      return batch;
    }
    const first = firstStampTold ? undefined : reader.firstStamp();
    firstStampTold ||= first !== undefined;
    return first || last
      ? { ...batch, ...(first ? { firstStamp: first } : {}), ...(last ? { yearEnd: reader.yearState() } : {}) }
      : batch;
  };
  // A compressed source to let go after its first batch: its first batch is cut at its first records, so that
  // little is inflated twice.
  const releasing = options.releaseStreams === true && input?.releasable === true && !drainsAtOnce;
  // Where its batches go when it is read to its end at once (drainsAtOnce, or stream-input.ts takeUp): they are
  // yielded after.
  let spill: RecordSpill | undefined = drainsAtOnce ? new RecordSpill() : undefined;
  let failure: unknown;
  try {
    try {
      // The first batch is small: a merge of several sources starts only once every source has sent its first.
      let threshold = releasing ? 1 : Math.min(batchSize, FIRST_BATCH);
      let first = true;
      let before = packer.length;
      for await (const n of reads) {
        if (readsFd) {
          bytes += n;
        }
        const added = packer.length - before;
        size.update(n, added);
        // Cut the batch before the next read takes it past its size, assuming that read as dense as this one (a
        // stream's slice may be cut short by the end of its chunk): cut only once past the size, batches came out at
        // up to twice it (a read adding just under it, then another).
        const expected = n > 0 ? (added * size.next) / n : added;
        if (packer.length >= threshold || packer.length + expected > threshold) {
          const batch = take();
          // Resized meanwhile (BatchSizing): the next batches take the new sizes.
          if (sizing.batchRecords !== batchSize || sizing.readRecords !== readRecords) {
            batchSize = sizing.batchRecords;
            readRecords = sizing.readRecords;
            packer.expect(batchSize);
            size.aim(readRecords);
          }
          threshold = batchSize;
          if (spill) {
            spill.write(batch);
          } else if (first && releasing) {
            // Let the stream go while the merge has not reached this source's later records (stream-input.ts).
            (input as StreamInput).release(cursor.chunk ? cursor.chunk.length - cursor.at : 0);
            cursor.chunk = undefined;
            yield batch;
            // The merge has reached it: held open while the merge goes through it, or read to its end now.
            if ((await (input as StreamInput).takeUp()) === 'drain') {
              spill = new RecordSpill();
            }
          } else {
            yield batch;
          }
          first = false;
        }
        before = packer.length;
      }
      scanner.end();
      if (spill) {
        spill.write(take(true));
      } else {
        yield take(true);
      }
    } catch (err) {
      if (!spill) {
        throw err;
      }
      // What was read before the error is handed on first, as it would have been without the spill.
      failure = err;
    }
    if (spill) {
      input?.close();
      for (let batch = spill.shift(); batch !== undefined; batch = spill.shift()) {
        yield batch;
      }
      if (failure !== undefined) {
        throw failure;
      }
    }
  } finally {
    spill?.close();
    input?.close();
    sink.release();
  }
}

/**
 * Archives a thread reads at once: an archive is read whole before its first batch (its entries are not in time
 * order), so the merge, which starts with every source's first batch, had every archive of a folder of log bundles
 * read at once, each with its streams and its records gathered so far (60 bundles: 397 MB of RSS; now 178 MB, 80
 * bundles 173 MB). The reading of an archive ends without the merge, so a wait for a slot always ends. Four, not
 * two: inflating runs in libuv's threads, and with two this thread waited for it (20 bundles: 9.0 against 10.5 s).
 */
export const ARCHIVES_AT_ONCE = 4;
/**
 * What the inflaters of the archives read at once by every thread may give at a time, together (an archive's, and
 * that of a `.gz` entry inside it): each archive's chunk is a share of it, 16 KiB (zlib's default) at least.
 * With 16 KiB each chunk cost its turn through the inflater's callback, tar-stream and the entry's stream: 60 log
 * bundles (2.4 GB, one thread) took 8.4–15 s, with 128 KiB 4.7–5.2 s (256 KiB 4.5–4.9 s), the same output. Larger
 * chunks cost memory, the inflated chunks waiting for the collector: those 60 bundles peaked at 130–154 MB of RSS
 * with 16 KiB, 153–168 MB with 128 KiB, 206–209 MB with 1 MiB; 80 larger ones read by three threads (4 archives
 * each) 164 MB with 16 KiB, 188 MB with 64 KiB, 214 MB with 128 KiB.
 */
const ARCHIVE_CHUNKS_TOTAL = 512 << 10;
const ARCHIVE_CHUNK_MIN = 16 << 10;

/**
 * Bytes each archive's inflater gives at a time when `threads` threads read `archives` archives: a share of the
 * budget for those read at once (ARCHIVES_AT_ONCE a thread). One bundle alone (`analyze logbundle.tar.gz`, 214 MB
 * inflated) took 0.98 s with 128 KiB chunks, 0.87 s with 512 KiB (RSS ~105 MB either way).
 */
export function archiveChunkBytesFor(threads: number, archives = Number.POSITIVE_INFINITY): number {
  const atOnce = Math.max(1, Math.min(archives, ARCHIVES_AT_ONCE * Math.max(1, threads)));
  return Math.max(ARCHIVE_CHUNK_MIN, Math.floor(ARCHIVE_CHUNKS_TOTAL / atOnce));
}
const archiveSlots = new Slots(ARCHIVES_AT_ONCE);
const archivesReading = new PeakCount();

/** Archives this thread reads now, and the most at once since the last call (tests). */
export function archivesReadInThread(): { now: number; most: number } {
  return archivesReading.read();
}

async function* readTar(source: LogSource, options: ReadOptions): AsyncGenerator<RecordBatch> {
  // Loaded only for archives: it is most of a scan worker's start-up otherwise.
  const { default: tarStream } = await import('tar-stream');
  await archiveSlots.take();
  archivesReading.up();
  let slot = true;
  const giveSlot = () => {
    if (slot) {
      slot = false;
      archivesReading.down();
      archiveSlots.give();
    }
  };
  try {
    yield* readArchive(source, options, tarStream.extract(), giveSlot);
  } finally {
    giveSlot();
  }
}

/** An archive's records through `extract` (tar-stream's), sorted; `readDone` once its entries are all read. */
async function* readArchive(
  source: LogSource,
  options: ReadOptions,
  extract: Extract,
  readDone: () => void,
): AsyncGenerator<RecordBatch> {
  const raw = createReadStream(source.path, { highWaterMark: options.streamChunkBytes ?? CHUNK_BYTES });
  let bytes = 0;
  raw.on('data', (c) => {
    bytes += c.length;
  });
  const chunkSize = archiveChunkBytesFor(options.readingThreads ?? 1, options.archives);
  const input = source.kind === 'tar-gzip' ? raw.pipe(createGunzip({ chunkSize })) : raw;
  raw.on('error', (err: Error) => extract.destroy(err));
  input.on('error', (err: Error) => extract.destroy(err));
  input.pipe(extract);
  // Entries are not in time order: their records are sorted, through temporary files past a run (sorted-runs.ts).
  const all = new SortedRuns({ raw: options.raw ?? true });
  let malformed = 0;
  const errors: Array<{ path: string; message: string }> = [];
  let lines = 0;
  for await (const entry of extract) {
    const name = entry.header.name;
    if (entry.header.type !== 'file' || !LOG_ENTRY.test(name)) {
      entry.resume();
      continue;
    }
    const mtime = entry.header.mtime?.getTime() ?? source.mtimeMs;
    const { scanner, sink } = makeScanner(mtime, options, all);
    const entryStream = entry as unknown as Readable;
    const body: Readable = /\.gz$/i.test(name) ? entryStream.pipe(createGunzip({ chunkSize })) : entryStream;
    try {
      for await (const chunk of body) {
        scanner.push(chunk as Buffer);
      }
      scanner.end();
      lines += scanner.counts.lines;
    } catch (err) {
      errors.push({ path: `${source.path}:${name}`, message: err instanceof Error ? err.message : String(err) });
      entry.resume();
    }
    malformed += sink.malformed;
    sink.release();
  }
  readDone();
  // The counts go with the first batch; an archive without a record gives one empty batch.
  let first = true;
  for await (const packed of all.batches(options.batchSize ?? DEFAULT_BATCH_RECORDS)) {
    yield first
      ? { ...packed, lines, malformed, bytes, errors }
      : { ...packed, lines: 0, malformed: 0, bytes: 0, errors: [] };
    first = false;
  }
  if (first) {
    yield { ...packRecords([], { raw: options.raw ?? true }), lines, malformed, bytes, errors };
  }
}

/**
 * Yields the records of one source in batches; throws (an Error naming the cause) when the source is unreadable.
 * `sizing`: its batches' sizes, which the caller may change as it reads (read-size.ts BatchSizing; else `options`').
 */
export function readBatches(
  source: LogSource,
  options: ReadOptions = {},
  sizing?: BatchSizing,
): AsyncGenerator<RecordBatch> {
  return source.kind === 'tar' || source.kind === 'tar-gzip'
    ? readTar(source, options)
    : readLines(source, options, sizing ?? batchSizingOf(options));
}
