/**
 * @module app/analyze/input-size
 * What the paths given to `analyze` hold, found cheaply before the CLI has parsed its arguments: the CLI starts scan
 * workers early only for input they will read (scan-pool.ts), counted and decided as the analysis does
 * (worker-decision.ts; the analysis decides again on the sources it lists, and ends workers it does not use).
 * Folders are walked as the analysis lists them (adapters/logfiles/sources.ts): hidden entries, and files in folders
 * that are certainly not logs, are passed over, so that a folder holding one log is seen as that one file.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isHiddenEntry, isSkippedInFolder, sourceKind } from '../../adapters/logfiles/sources.js';
import { estimatedRecords } from './record-density.js';
import { SCAN_WORKERS_MIN_BYTES, SCAN_WORKERS_MIN_FILES } from './scan-pool.js';
import {
  countSource,
  emptyTally,
  recordsDeciding,
  type SourceTally,
  scanWorkersFor,
  type WorkerSettings,
} from './worker-decision.js';

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
      } else if (
        !fromFolder &&
        (st.isFIFO() || st.isCharacterDevice()) &&
        visit(0, sourceKind(path) === 'plain', path)
      ) {
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
 * Walks `paths` once, counting their sources as the analysis counts its own (worker-decision.ts countSource; a `-`
 * is standard input; files below `minFileBytes` count no bytes, SCAN_WORKERS_MIN_FILE_BYTES but in tests), until
 * `enough` says so ('stopped'), to the end ('walked'), or until INPUT_PATHS_LOOKED_AT paths were looked at
 * ('too-many').
 */
export function tallyInput(
  paths: readonly string[],
  enough: (tally: SourceTally) => boolean,
  minFileBytes?: number,
): { outcome: 'stopped' | 'walked' | 'too-many'; tally: SourceTally } {
  const tally = emptyTally(minFileBytes);
  for (const path of paths) {
    if (path === '-') {
      countSource(tally, 0, false, path, true);
    }
  }
  const outcome = walkSources(paths, (size, plain, path) => {
    countSource(tally, size, plain, path);
    return enough(tally);
  });
  return { outcome, tally };
}

/**
 * Scan workers worth starting for `analyze` of `paths`: those the analysis will use (worker-decision.ts), decided
 * from the same counts, the records estimated from the same samples where they decide, `jobs` (`--jobs`) deciding
 * as it does there. The walk stops once nothing further can change the decision (files for a worker per core, and
 * with no `--jobs` the bytes calling for them); a walk that gives up (too many paths) starts none.
 */
export function scanWorkersToPrestart(paths: readonly string[], settings: WorkerSettings = {}): number {
  const cores = Math.max(SCAN_WORKERS_MIN_FILES, availableParallelism());
  const { outcome, tally } = tallyInput(
    paths,
    (t) => t.files >= cores && (settings.jobs !== undefined || t.largeBytes >= SCAN_WORKERS_MIN_BYTES),
  );
  if (outcome === 'too-many') {
    return 0;
  }
  const estimate = outcome === 'stopped' ? undefined : recordsDeciding(tally, settings);
  const records = estimate ? estimatedRecords(estimate.samples, estimate.bytes) : 0;
  return scanWorkersFor(tally, records, settings).workers;
}
