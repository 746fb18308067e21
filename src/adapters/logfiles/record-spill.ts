/**
 * @module adapters/logfiles/record-spill
 * A source's batches of records kept in a temporary file instead of memory, read back in the order written.
 *
 * Why: analyze's merge holds every source it is in until that source ends. A compressed one held there keeps its
 * stream (a descriptor, the inflater's state and window, a raw read and an inflated chunk or two: ~280 KB at 64 KiB
 * chunks): 1,000 `.gz` files spanning the same time took analyze to ~400 MB of RSS. Past a few such streams a
 * thread reads a source to its end at once instead (read-batches.ts), keeps its batches here, and lets the stream
 * go: what the source then holds is its records, on disk (a CMS log's records are about 1 % of its bytes), and the
 * batch the merge is in. The same file holds the merged records of groups of sources when there are too many to
 * merge at once (app/analyze/merge-groups.ts), and the sorted runs of a tar archive's records (sorted-runs.ts).
 *
 * One file per thread, shared by that thread's spilled sources (or, asked for, one of a spill's own), created on
 * first use in the system's temporary folder (`TMPDIR`), in a folder only this user may open, and unlinked at once:
 * the kernel frees it when it is closed (when the last source using it is done) or when the process ends, however
 * it ends. Where it cannot be created or written (a read-only or full disk), batches stay in memory: nothing is
 * lost, only the bound.
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  readvSync,
  rmSync,
  unlinkSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SpareBuffers } from '../../core/packed-records.js';
import type { RecordBatch } from './read-batches.js';

/** A temporary file of records: the thread's, shared by its spills, or one spill's own. */
interface SpillFile {
  readonly fd: number;
  /** Where the next batch is written. */
  end: number;
  /** Spills using it: closed when none is left. */
  users: number;
  /** Its path, when it could not be unlinked while open (deleted when closed). */
  readonly path: string | undefined;
}

/**
 * A batch written to the file (its numbers' bytes, then the rest serialized), or one kept in memory because it
 * could not be.
 */
type Place =
  | { readonly at: number; readonly numbersLength: number; readonly length: number }
  | { readonly batch: RecordBatch };

let shared: SpillFile | undefined;
const READ: Place = { at: 0, numbersLength: 0, length: 0 };
/** Batches this thread has written to the file (tests). */
let written = 0;

/** Batches written to a temporary file by this thread since it started (tests). */
export function spilledBatches(): number {
  return written;
}

/** Whether this thread has its spill file open now (tests: closed once every spill is). */
export function spillFileOpen(): boolean {
  return shared !== undefined;
}

/** A new temporary file, unlinked at once (kept by path only where it cannot be), or undefined. */
function openFile(): SpillFile | undefined {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'wbguard-analyze-'));
    const path = join(dir, 'records');
    const fd = openSync(path, 'wx+', 0o600);
    let kept: string | undefined;
    try {
      unlinkSync(path);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A system that cannot unlink an open file: deleted when closed.
      kept = dir;
    }
    return { fd, end: 0, users: 0, path: kept };
  } catch {
    // Tried again for the next source spilled: a folder made writable, or space freed, meanwhile.
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
    return undefined;
  }
}

function openShared(): SpillFile | undefined {
  shared ??= openFile();
  return shared;
}

/** Writes all of `bytes` to `fd` at `at`. */
function writeAll(fd: number, bytes: Uint8Array, at: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, at + done);
  }
}

/**
 * Moves `first` then `second` between memory and `fd` at `at` with `vectored` (writevSync, readvSync): in one system
 * call nearly always, whatever it leaves by `whole` (writeAll, readAll). Two calls a batch cost as much as its bytes:
 * a scan worker writes and reads back batches of a few hundred records at a time.
 */
function bothAt(
  fd: number,
  first: Uint8Array,
  second: Uint8Array,
  at: number,
  vectored: (fd: number, buffers: readonly Uint8Array[], position: number) => number,
  whole: (fd: number, bytes: Uint8Array, at: number) => void,
): void {
  const done = vectored(fd, [first, second], at);
  if (done < first.length) {
    whole(fd, first.subarray(done), at + done);
    whole(fd, second, at + first.length);
  } else if (done < first.length + second.length) {
    whole(fd, second.subarray(done - first.length), at + done);
  }
}

/** The fields of a batch besides its numbers, as `RecordBatch` has them: a plain batch has these and no others. */
const PLAIN_KEYS = ['numbers', 'hosts', 'extras', 'lines', 'malformed', 'bytes', 'errors'];

/**
 * The fields of `batch` besides its numbers, as bytes. A plain batch (hosts, counts, nothing else: nearly every
 * batch) as the JSON array `[hosts, lines, malformed, bytes]`, which gives back exactly what it was given (strings
 * and whole numbers); any other through V8's serializer, as before (a batch with extras, errors, a segment's stamp
 * or year). Why: the serializer cost ~15 µs a batch each way, JSON ~5 (a scan worker reading pieces on writes and
 * reads back thousands). The two are told apart by their first byte: the serializer's is 0xFF, JSON's `[`.
 */
function restOf(batch: RecordBatch): Uint8Array {
  const keys = Object.keys(batch);
  const plain =
    keys.length === PLAIN_KEYS.length &&
    keys.every((k) => PLAIN_KEYS.includes(k)) &&
    batch.extras.length === 0 &&
    batch.errors.length === 0 &&
    Number.isSafeInteger(batch.lines) &&
    Number.isSafeInteger(batch.malformed) &&
    Number.isSafeInteger(batch.bytes) &&
    batch.hosts.every((h) => typeof h === 'string');
  return plain
    ? Buffer.from(JSON.stringify([batch.hosts, batch.lines, batch.malformed, batch.bytes]), 'utf8')
    : serialize({ ...batch, numbers: undefined });
}

/** The fields `restOf` wrote. */
function restFrom(bytes: Buffer): Omit<RecordBatch, 'numbers'> {
  if (bytes[0] !== 0x5b) {
    return deserialize(bytes) as Omit<RecordBatch, 'numbers'>;
  }
  const [hosts, lines, malformed, bytesRead] = JSON.parse(bytes.toString('utf8')) as [string[], number, number, number];
  return { hosts, extras: [], lines, malformed, bytes: bytesRead, errors: [] };
}

/** Reads all of `bytes` from `fd` at `at`. */
function readAll(fd: number, bytes: Uint8Array, at: number): void {
  let done = 0;
  while (done < bytes.length) {
    const n = readSync(fd, bytes, done, bytes.length - done, at + done);
    if (n === 0) {
      throw new Error('analyze: its temporary file of records was cut short');
    }
    done += n;
  }
}

/** A stream of spilled batches (a source's, a group's, a run's): `write` them, `shift` them back in order, `close`. */
export class RecordSpill {
  readonly #places: Place[] = [];
  #next = 0;
  readonly #file: SpillFile | undefined;
  /** False once a write failed (a full disk): the rest stays in memory, what was written is still read back. */
  #writable: boolean;
  #closed = false;

  /**
   * `ownFile`: a file of its own rather than the thread's, freed as soon as this spill is closed (the thread's is
   * freed only when none of its spills is open: spills opened one after another while others are open, as a scan
   * worker reading pieces on does, kept all they wrote on disk until the end).
   */
  constructor(options: { readonly ownFile?: boolean } = {}) {
    this.#file = options.ownFile === true ? openFile() : openShared();
    this.#writable = this.#file !== undefined;
    if (this.#file) {
      this.#file.users++;
    }
  }

  /**
   * Keeps a batch (on disk while it can). Its numbers (nearly all of it) are written as they are: serialized with
   * the rest, each batch made a copy of them in a buffer of its own, freed only when the collector came to it, and
   * a scan worker spilling a file's second half took analyze from 102 to 172 MB of RSS (1.3 GB of Stats lines).
   * Once on disk, the batch's memory is given to `spares`, when given (the writer is done with the batch); a batch
   * kept in memory (a full disk) keeps it. Answers whether the batch went to disk.
   */
  write(batch: RecordBatch, spares?: SpareBuffers): boolean {
    const file = this.#file;
    if (file && this.#writable) {
      const numbers = new Uint8Array(batch.numbers.buffer, batch.numbers.byteOffset, batch.numbers.byteLength);
      const rest = restOf(batch);
      try {
        bothAt(file.fd, numbers, rest, file.end, writevSync, writeAll);
        const length = numbers.length + rest.length;
        this.#places.push({ at: file.end, numbersLength: numbers.length, length });
        file.end += length;
        written++;
        spares?.give(batch.numbers.buffer);
        return true;
      } catch {
        // A full disk: this batch and the rest of this source's stay in memory.
        this.#writable = false;
      }
    }
    this.#places.push({ batch });
    return false;
  }

  /** Batches written and not read back yet. */
  get waiting(): number {
    return this.#places.length - this.#next;
  }

  /**
   * The next batch written, or undefined when every one has been read back. Its numbers are read into a buffer of
   * `spares` when one is large enough (a scan worker's: spare-buffers.ts).
   */
  shift(spares?: SpareBuffers): RecordBatch | undefined {
    const place = this.#places[this.#next];
    if (place === undefined) {
      return undefined;
    }
    // Batches read back are not kept: their places are cleared as they are read.
    this.#places[this.#next++] = READ;
    if ('batch' in place) {
      return place.batch;
    }
    const fd = (this.#file as SpillFile).fd;
    const spare = spares?.take(place.numbersLength);
    if (spare) {
      // The numbers into the spare buffer, the rest apart.
      const restBytes = Buffer.allocUnsafe(place.length - place.numbersLength);
      bothAt(fd, new Uint8Array(spare, 0, place.numbersLength), restBytes, place.at, readvSync, readAll);
      const numbers = new Float64Array(spare, 0, place.numbersLength / Float64Array.BYTES_PER_ELEMENT);
      return { ...restFrom(restBytes), numbers };
    }
    // Its own memory, not a slice of Node's shared pool: a scan worker moves the numbers to the main thread.
    const bytes = Buffer.allocUnsafeSlow(place.length);
    readAll(fd, bytes, place.at);
    // The numbers first, at the start of memory of their own: a scan worker moves them to the main thread.
    const numbers = new Float64Array(bytes.buffer, 0, place.numbersLength / Float64Array.BYTES_PER_ELEMENT);
    return { ...restFrom(bytes.subarray(place.numbersLength)), numbers };
  }

  /** Done with: the file is closed, and freed, when no other source of this thread uses it. */
  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#places.length = 0;
    this.#next = 0;
    const file = this.#file;
    if (file && --file.users === 0) {
      if (shared === file) {
        shared = undefined;
      }
      closeSync(file.fd);
      if (file.path) {
        rmSync(file.path, { recursive: true, force: true });
      }
    }
  }
}
