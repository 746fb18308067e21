/**
 * @module adapters/journal/journal-files
 * The journal's files: `journal.jsonl` and the older ones rotated beside it (`journal.jsonl.1`, `.2`, … and their
 * `.gz` when logrotate compressed them), read backwards from the newest line, only as far as the caller asks.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The journal's files, newest first: the live file (if any), then `.1`, `.2`, … (plain or gzip). */
export function journalFiles(path: string): string[] {
  const base = basename(path);
  const rotated = new Map<number, string>();
  for (const name of readdirSync(dirname(path))) {
    const m = name.startsWith(`${base}.`) ? /^(\d+)(\.gz)?$/.exec(name.slice(base.length + 1)) : null;
    if (m) {
      const n = Number(m[1]);
      // Both `.3` and `.3.gz` (a compression cut short): the plain one is complete.
      if (!rotated.has(n) || !m[2]) {
        rotated.set(n, join(dirname(path), name));
      }
    }
  }
  const older = [...rotated].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  return existsSync(path) ? [path, ...older] : older;
}

/** `journal.jsonl` → `journal.jsonl.1` → … ; the ones past `keep` are deleted. */
export function rotateFiles(path: string, keep: number): void {
  const files = journalFiles(path).filter((p) => p !== path);
  const indexOf = (p: string) => Number(/\.(\d+)(\.gz)?$/.exec(p)?.[1] ?? 0);
  for (const p of files.reverse()) {
    const n = indexOf(p);
    if (n >= keep) {
      unlinkSync(p);
    } else {
      renameSync(
        p,
        p.replace(/\.(\d+)(\.gz)?$/, (_, _n, gz) => `.${n + 1}${gz ?? ''}`),
      );
    }
  }
  if (keep > 0) {
    renameSync(path, `${path}.1`);
  } else {
    unlinkSync(path);
  }
}

export interface BackwardLine {
  readonly line: string;
  /** Index of its file in the list read (0: the live file). */
  readonly file: number;
  /** Byte offset of the line's start in its file (in the uncompressed text for a gzip file). */
  readonly offset: number;
}

const CHUNK = 64 * 1024;

/**
 * The lines of `files`, newest first (the caller stops the iteration when it has enough). The live file may be read
 * only up to `endOfFirst` bytes. `counter.bytes` grows by every byte taken from disk, so tests can bound it.
 */
export function* linesBackwards(
  files: readonly string[],
  counter: { bytes: number },
  endOfFirst?: number,
): Generator<BackwardLine> {
  for (const [file, path] of files.entries()) {
    if (path.endsWith('.gz')) {
      const packed = readWhole(path);
      counter.bytes += packed.length;
      const lines = gunzipSync(packed).toString('utf8').split('\n');
      const offsets: number[] = [];
      let offset = 0;
      for (const line of lines) {
        offsets.push(offset);
        offset += Buffer.byteLength(line) + 1;
      }
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i] as string;
        if (line) {
          yield { line, file, offset: offsets[i] as number };
        }
      }
      continue;
    }
    yield* plainBackwards(path, file, counter, file === 0 ? endOfFirst : undefined);
  }
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function* plainBackwards(
  path: string,
  file: number,
  counter: { bytes: number },
  endAt: number | undefined,
): Generator<BackwardLine> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return; // rotated away between the listing and now
  }
  try {
    let end = Math.min(endAt ?? Number.POSITIVE_INFINITY, statSync(path).size);
    // Bytes of a line cut by the chunk boundary, completed by the next (earlier) chunk.
    let carry = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      counter.bytes += buf.length;
      const joined = Buffer.concat([buf, carry]);
      let lineEnd = joined.length;
      let i = joined.lastIndexOf(0x0a, lineEnd - 1);
      while (i >= 0) {
        if (i + 1 < lineEnd) {
          yield { line: joined.subarray(i + 1, lineEnd).toString('utf8'), file, offset: start + i + 1 };
        }
        lineEnd = i;
        i = lineEnd > 0 ? joined.lastIndexOf(0x0a, lineEnd - 1) : -1;
      }
      carry = joined.subarray(0, lineEnd);
      end = start;
    }
    if (carry.length > 0) {
      yield { line: carry.toString('utf8'), file, offset: 0 };
    }
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (up to 64 KiB), or undefined. */
export function firstLine(path: string, counter: { bytes: number }): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(CHUNK);
    const n = readSync(fd, buf, 0, CHUNK, 0);
    counter.bytes += n;
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return nl >= 0 ? text.slice(0, nl) : undefined;
  } finally {
    closeSync(fd);
  }
}
