/**
 * @module app/analyze/input-size
 * What the paths given to `analyze` hold, found cheaply before the CLI has parsed its arguments: the CLI starts scan
 * workers early only for input they will read (scan-pool.ts), and an estimate is enough for that (the analysis
 * itself decides on the sources it lists, and ends workers it does not use). Folders are walked as the analysis
 * lists them (adapters/logfiles/sources.ts): hidden entries, and files in folders that are certainly not logs, are
 * passed over, so that a folder holding one log is seen as that one file.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isHiddenEntry, isSkippedInFolder, sourceKind } from '../../adapters/logfiles/sources.js';
import { estimatedRecords, FILES_SAMPLED, type SampledFile } from './record-density.js';
import {
  defaultScanWorkers,
  recordsMayDecide,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILE_BYTES,
  SCAN_WORKERS_MIN_FILES,
  SCAN_WORKERS_MIN_RECORDS,
  splitWorkers,
} from './scan-pool.js';

/**
 * Paths looked at, at most, before giving up: the analysis lists its sources anyway, and a folder of 100,000 small
 * files took a walk ~0.8 s only to find that it held no large one.
 */
export const INPUT_PATHS_LOOKED_AT = 4096;

/**
 * A source the analysis would list: its size (0 for a pipe), whether it is a plain file, and its path. Answers true
 * to stop.
 */
type VisitSource = (size: number, plain: boolean, path: string) => boolean;

/**
 * Walks `paths` (standard input and paths that cannot be read aside: an option's value, a typo, which the analysis
 * reports) and hands each source found to `visit`: 'stopped' when `visit` asked to, 'walked' when every path was
 * walked, 'too-many' when INPUT_PATHS_LOOKED_AT paths were looked at first.
 */
function walkSources(paths: readonly string[], visit: VisitSource): 'stopped' | 'walked' | 'too-many' {
  let looked = 0;
  let outcome: 'stopped' | 'too-many' | undefined;
  const add = (path: string, fromFolder: boolean): void => {
    if (++looked > INPUT_PATHS_LOOKED_AT) {
      outcome = 'too-many';
      return;
    }
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        for (const name of readdirSync(path)) {
          if (!isHiddenEntry(name)) {
            add(join(path, name), true);
          }
          if (outcome) {
            return;
          }
        }
      } else if (st.isFile()) {
        if (!(fromFolder && isSkippedInFolder(path)) && visit(st.size, sourceKind(path) === 'plain', path)) {
          outcome = 'stopped';
        }
      } else if (!fromFolder && (st.isFIFO() || st.isCharacterDevice()) && visit(0, false, path)) {
        outcome = 'stopped';
      }
    } catch {
      // Unreadable or gone: the analysis says so.
    }
  };
  for (const path of paths) {
    if (path !== '-') {
      add(path, false);
    }
    if (outcome) {
      return outcome;
    }
  }
  return 'walked';
}

/**
 * The one source among `paths` when it is a plain file (a single file read in segments: split-file.ts), named or
 * alone in a folder; undefined when they hold none or several, standard input, or a compressed file or archive.
 */
export function singlePlainFile(paths: readonly string[]): SampledFile | undefined {
  if (paths.includes('-')) {
    return undefined;
  }
  let files = 0;
  let file: SampledFile | undefined;
  const outcome = walkSources(paths, (size, plain, path) => {
    files++;
    file = plain ? { path, size } : undefined;
    return files > 1;
  });
  return outcome === 'walked' && files === 1 ? file : undefined;
}

/** The sources at or below some paths, as far as scan workers go. */
export interface InputTally {
  /** Sources of any kind and size (standard input aside). */
  files: number;
  /** Bytes of those of `minFileBytes` or more (tallyInput). */
  largeBytes: number;
  /** Bytes of the plain files among them, and the first FILES_SAMPLED of those, to sample (record-density.ts). */
  plainBytes: number;
  readonly samples: SampledFile[];
}

/**
 * Walks `paths` once, tallying their sources (files of `minFileBytes` or more count their bytes), until `enough` says
 * so ('stopped'), to the end ('walked'), or until INPUT_PATHS_LOOKED_AT paths were looked at ('too-many').
 */
export function tallyInput(
  paths: readonly string[],
  minFileBytes: number,
  enough: (tally: InputTally) => boolean,
): { outcome: 'stopped' | 'walked' | 'too-many'; tally: InputTally } {
  const tally: InputTally = { files: 0, largeBytes: 0, plainBytes: 0, samples: [] };
  const outcome = walkSources(paths, (size, plain, path) => {
    tally.files++;
    if (size >= minFileBytes) {
      tally.largeBytes += size;
      if (plain) {
        tally.plainBytes += size;
        if (tally.samples.length < FILES_SAMPLED) {
          tally.samples.push({ path, size });
        }
      }
    }
    return enough(tally);
  });
  return { outcome, tally };
}

/**
 * Scan workers worth starting for `analyze` of `paths` (as the analysis will decide, from an estimate): for a
 * single plain file, a worker per other core from SCAN_WORKERS_MIN_BYTES or `minRecords` records on (split-file.ts);
 * for several files, a worker per core from SCAN_WORKERS_MIN_BYTES in files of SCAN_WORKERS_MIN_FILE_BYTES or more,
 * or from `minRecords` records in such plain files (record-density.ts); otherwise none.
 */
export function scanWorkersToPrestart(paths: readonly string[], minRecords = SCAN_WORKERS_MIN_RECORDS): number {
  const single = singlePlainFile(paths);
  if (single) {
    const records = recordsMayDecide(single.size, minRecords) ? estimatedRecords([single], single.size) : 0;
    return splitWorkers(single.size, undefined, undefined, records, minRecords);
  }
  // One walk, stopped as soon as the bytes decide; past them the records are counted in samples.
  const { outcome, tally } = tallyInput(
    paths,
    SCAN_WORKERS_MIN_FILE_BYTES,
    (t) => t.largeBytes >= SCAN_WORKERS_MIN_BYTES && t.files >= SCAN_WORKERS_MIN_FILES,
  );
  if (outcome === 'stopped') {
    return availableParallelism();
  }
  if (outcome === 'too-many' || !recordsMayDecide(tally.plainBytes, minRecords)) {
    return 0;
  }
  const records = estimatedRecords(tally.samples, tally.plainBytes);
  return defaultScanWorkers(tally.largeBytes, tally.files, records, minRecords);
}
