/**
 * @module adapters/logfiles/open-files
 * File descriptors of the plain files a thread reads, at most a budget of them open at once: the least recently
 * read is closed when another must be opened, and opened again (the same file, checked) when it is read next.
 *
 * Why: analyze's merge keeps every source going until it ends, and a source held its descriptor all along. Where
 * the limit on open files is 1,024 (a common default, and the usual hard limit in containers), a folder of more
 * files than that (a year of a syslog server's per-day files of three nodes is 1,095) lost every file past it:
 * "EMFILE: too many open files", reported, the analysis made without them.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/** What a process may keep open when the limit cannot be read (the usual soft limit). */
const DEFAULT_LIMIT = 1024;
/** Share of the limit analyze's reading may take, all threads together: sockets, pipes and Node's own need the rest. */
const SHARE = 0.5;
/** The most descriptors a thread keeps open for reading, whatever the limit. */
const MOST_PER_THREAD = 512;
/** The fewest: below it, reads would close and open again most of the time. */
const FEWEST_PER_THREAD = 8;

/** This process' limit on open files (the soft one), from /proc where there is one. */
export function openFilesLimit(limits = '/proc/self/limits'): number {
  try {
    const line = readFileSync(limits, 'latin1')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
    return Number.isFinite(n) || n === Number.POSITIVE_INFINITY ? n : DEFAULT_LIMIT;
  } catch {
    return DEFAULT_LIMIT;
  }
}

/** Descriptors each of `threads` threads may keep open for reading, under the process' `limit`. */
export function openFilesPerThread(threads: number, limit = openFilesLimit()): number {
  const total = Math.floor(Math.min(limit, 1 << 20) * SHARE);
  return Math.max(FEWEST_PER_THREAD, Math.min(MOST_PER_THREAD, Math.floor(total / Math.max(1, threads))));
}

/** Which file a path named when it was first opened: read again, it must still be that one. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** The identity of the file open on `fd`. */
function identityOf(fd: number): FileIdentity {
  const st = fstatSync(fd);
  return { dev: st.dev, ino: st.ino };
}

/**
 * Opens `path` for reading; when `known` is given, checks that it is still that file (its device and inode): a file
 * rotated between two reads would otherwise be read from the middle of another. Answers the descriptor and which
 * file it is; throws, naming the path, when it was replaced.
 */
export function openSameFile(path: string, known: FileIdentity | undefined): { fd: number; identity: FileIdentity } {
  const fd = openSync(path, 'r');
  try {
    const identity = identityOf(fd);
    if (known !== undefined && (identity.dev !== known.dev || identity.ino !== known.ino)) {
      throw new Error(`${path} was replaced while it was being read (rotated?): read it again`);
    }
    return { fd, identity: known ?? identity };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Bytes `start` (a line's start) to `end` (a line's start, or the file's end) of the file `identity` names. */
export interface FileSegment {
  readonly start: number;
  /** @default the file's end */
  readonly end?: number;
  readonly identity?: FileIdentity;
}

/**
 * One plain file being read: where it is, and which file it is. Its identity is taken only when its descriptor is
 * closed before its end (the budget: see ensureOpen), from that descriptor, which still names the file first opened:
 * a `fstat` per file cost ~3 µs of a file's ~65 (20,000 files of 5 KB), and most files are read in one go.
 */
export class OpenFile {
  readonly path: string;
  /** The size the file had when it was listed: a short read that reaches it is its end (see readOpenFile). */
  readonly size: number;
  fd: number | undefined;
  position = 0;
  identity: FileIdentity | undefined;
  /**
   * Not a regular file (a pipe: `analyze <(zcat …)` reads /dev/fd/63): read where it stands, and never closed
   * before its end (it could not be opened again at the same place), nor counted in the budget.
   */
  stream = false;
  /**
   * Its end was read: a stream's (a terminal asked again after its Ctrl-D would wait for more typing), or a regular
   * file's, by a short read (see readOpenFile).
   */
  ended = false;

  /** Where reading stops (a segment of a file read by several threads): its end by default. */
  readonly end: number;

  /**
   * `path`, listed with `size` bytes, read from `start` to `end` (a segment of it: app/analyze/split-file.ts) and,
   * when `identity` is given, only if it is still that file.
   */
  constructor(path: string, size = Number.POSITIVE_INFINITY, segment?: FileSegment) {
    this.path = path;
    this.size = size;
    this.position = segment?.start ?? 0;
    this.end = segment?.end ?? Number.POSITIVE_INFINITY;
    this.identity = segment?.identity;
  }
}

/** The descriptors of a thread's files, most recently read last (a Map keeps insertion order). */
const open = new Map<OpenFile, number>();
let budget = MOST_PER_THREAD;

/** Sets how many descriptors this thread keeps open at most (analyze passes openFilesPerThread's). */
export function setOpenFilesBudget(n: number): void {
  budget = Math.max(1, Math.floor(n));
}

/** Descriptors open now in this thread (tests). */
export function openFilesInThread(): number {
  return open.size;
}

function ensureOpen(file: OpenFile): number {
  const known = file.fd;
  if (known !== undefined) {
    if (!file.stream) {
      // Most recently read: to the end of the order.
      open.delete(file);
      open.set(file, known);
    }
    return known;
  }
  while (open.size >= budget) {
    closeLeastRecent();
  }
  const fd = openWithin(file);
  file.fd = fd;
  if (!file.stream) {
    open.set(file, fd);
  }
  return fd;
}

/**
 * Opens `file`; where the process is out of descriptors (EMFILE: its other threads, sockets, or a loader took more
 * than the budget assumed), closes this thread's least recently read files one at a time, lowering the budget to
 * what could be held, and tries again: the file is read, later, rather than reported unreadable.
 */
function openWithin(file: OpenFile): number {
  for (;;) {
    try {
      return file.identity === undefined ? openSync(file.path, 'r') : openSameFile(file.path, file.identity).fd;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EMFILE' || open.size === 0) {
        throw err;
      }
      budget = Math.max(1, open.size - 1);
      closeLeastRecent();
    }
  }
}

/** Closes this thread's least recently read file (it has one open). */
function closeLeastRecent(): void {
  const oldest = open.keys().next().value as OpenFile;
  // Opened again later, it must be the same file: which one it is, from the descriptor about to be closed.
  oldest.identity ??= identityOf(oldest.fd as number);
  closeOpenFile(oldest);
}

/** Reads up to `length` bytes of `file` at its position into `into`, opening it if need be; answers the count. */
export function readOpenFile(file: OpenFile, into: Uint8Array, length: number): number {
  if (file.ended) {
    return 0;
  }
  const fd = ensureOpen(file);
  let n: number;
  if (file.stream) {
    const read = readPipe(fd, into, length);
    n = read.bytes;
    file.ended = read.end;
  } else {
    const wanted = Math.min(length, file.end - file.position);
    try {
      n = readSync(fd, into, 0, wanted, file.position);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESPIPE' || file.position !== 0) {
        throw err;
      }
      // Not a regular file (a pipe, a terminal: they cannot be read at a position): read where it stands.
      file.stream = true;
      open.delete(file);
      return readOpenFile(file, into, length);
    }
    // A regular file answers fewer bytes than asked only at its end: past the size it was listed with, that is its
    // end, and the read that would answer 0 is not made (one system call of a small file's four).
    file.ended = (n < wanted && file.position + n >= file.size) || file.position + n >= file.end;
  }
  file.position += n;
  return n;
}

/**
 * Bytes a read of a pipe asks for at a time. A pipe holds 64 KiB, and larger reads were slower, not faster: 2 GB
 * piped took 2.4 s to read 1 MiB at a time, 1.3 s 64 KiB at a time (`dd` alike: 1.35 and 1.1 s).
 */
const PIPE_READ_BYTES = 64 << 10;
/** How long to wait for a descriptor in non-blocking mode that has nothing yet, before asking again. */
const NOTHING_YET_WAIT_MS = 1;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

/** What a read of a pipe got: `bytes`, and whether its end came (nothing more to ask for). */
export interface PipeRead {
  readonly bytes: number;
  readonly end: boolean;
}

/**
 * Reads a pipe (or a terminal) until `length` bytes or its end, PIPE_READ_BYTES at a time. Waits for data: a
 * descriptor left in non-blocking mode (by another program sharing it) answers EAGAIN when empty, and is asked again
 * after NOTHING_YET_WAIT_MS, or what was read so far answered. The end is said once seen: a terminal's Ctrl-D is
 * read once, and asked again it would wait for more.
 */
export function readPipe(fd: number, into: Uint8Array, length: number): PipeRead {
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(fd, into, done, Math.min(PIPE_READ_BYTES, length - done), null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
        throw err;
      }
      if (done > 0) {
        return { bytes: done, end: false };
      }
      Atomics.wait(waitCell, 0, 0, NOTHING_YET_WAIT_MS);
      continue;
    }
    if (n === 0) {
      return { bytes: done, end: true };
    }
    done += n;
  }
  return { bytes: done, end: false };
}

/** Closes `file`'s descriptor (reading it again opens it again). */
export function closeOpenFile(file: OpenFile): void {
  if (file.fd !== undefined) {
    open.delete(file);
    closeSync(file.fd);
    file.fd = undefined;
  }
}
