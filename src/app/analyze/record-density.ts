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

/** Bytes read at each place sampled. */
const SAMPLE_BYTES = 64 << 10;
/** Places sampled in a file, spread evenly from its start: a log's first lines need not be like the rest. */
const SAMPLES_PER_FILE = 4;
/** Files sampled, at most (the first given): four 64 KiB reads each, ~2 MiB in all. */
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
      // A file of four samples or less is read whole, once.
      const places = file.size <= SAMPLES_PER_FILE * SAMPLE_BYTES ? 1 : SAMPLES_PER_FILE;
      const length = places === 1 ? Math.min(file.size, SAMPLE_BYTES * SAMPLES_PER_FILE) : SAMPLE_BYTES;
      const sample = length <= SAMPLE_BYTES ? buffer : Buffer.allocUnsafe(length);
      for (let k = 0; k < places; k++) {
        const n = readSync(fd, sample, 0, length, Math.floor((k * file.size) / places));
        if (n <= 0) {
          break;
        }
        records += recordsIn(sample.subarray(0, n));
        bytes += n;
      }
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
