/**
 * @module app/analyze/record-density
 * How many records some files hold, estimated from a few samples of them before they are read. Whether scan workers
 * pay for themselves depends on that as much as on the bytes: a CMS log holds about one record in 10 KB and one
 * thread reads it at ~0.4 s/GB, where a Web Bridge's own log of Stats lines holds one in ~95 bytes and takes ~5 s/GB,
 * most of it per record (reading each line, merging, analysing). So a worker pays from about a tenth of the bytes
 * there (scan-pool.ts SCAN_WORKERS_MIN_RECORDS).
 *
 * An estimate, for a choice of threads only: a sample unlike the rest of its file costs some speed, never a result.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { RECORD_SUBSTRINGS } from '../../core/parse/index.js';

/** A plain file to sample. */
export interface SampledFile {
  readonly path: string;
  readonly size: number;
}

/**
 * Bytes read from the start of each file sampled. The start only: the analysis reads each file from its start, so on
 * a disk that seeks (a syslog server's, the page cache cold) the sample costs no seek of its own, where four places
 * spread over each of 8 files cost 32 (~0.3 s at 8–10 ms each); a log's start is as like the rest as any place.
 * 64 KiB: ~690 records of Stats lines, ~6 of a CMS log, enough to tell the two apart (the minimum is ten times the
 * records of a CMS log of that size); counting them costs a call a record (256 KiB of 8 files took ~20 ms).
 */
const SAMPLE_BYTES = 64 << 10;
/** Files sampled, at most (the first given): 512 KiB in all. */
export const FILES_SAMPLED = 8;

const NEEDLES = RECORD_SUBSTRINGS.map((s) => Buffer.from(s, 'latin1'));

/** How many times a record substring occurs in `bytes` (about the record lines: a line rarely holds two). */
function recordsIn(bytes: Buffer): number {
  let count = 0;
  for (const needle of NEEDLES) {
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
      count++;
    }
  }
  return count;
}

/**
 * Records per byte in samples of `files` (the first FILES_SAMPLED of them; those that cannot be read are passed
 * over): 0 when none could be read.
 */
export function sampledRecordDensity(files: readonly SampledFile[]): number {
  const buffer = Buffer.allocUnsafe(SAMPLE_BYTES);
  let bytes = 0;
  let records = 0;
  for (const file of files.slice(0, FILES_SAMPLED)) {
    let fd: number;
    try {
      fd = openSync(file.path, 'r');
    } catch {
      continue;
    }
    try {
      const n = readSync(fd, buffer, 0, Math.min(SAMPLE_BYTES, file.size), 0);
      records += recordsIn(buffer.subarray(0, n));
      bytes += n;
    } catch {
      // Unreadable now: the analysis reports it.
    } finally {
      closeSync(fd);
    }
  }
  return bytes > 0 ? records / bytes : 0;
}

/** The records of `bytes` bytes of files like the samples of `files`. */
export function estimatedRecords(files: readonly SampledFile[], bytes: number): number {
  return Math.round(sampledRecordDensity(files) * bytes);
}
