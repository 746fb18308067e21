/**
 * @module app/analyze/input-size
 * What the paths given to `analyze` hold, found cheaply before the CLI has parsed its arguments: the CLI starts scan
 * workers early only for input they will read (scan-pool.ts), and an estimate is enough for that (the analysis
 * itself decides on the sources it lists, and ends workers it does not use). Folders are walked as the analysis
 * lists them (adapters/logfiles/sources.ts): hidden entries, and files in folders that are certainly not logs, are
 * passed over, so that a folder holding one log is seen as that one file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isHiddenEntry, isSkippedInFolder, sourceKind } from '../../adapters/logfiles/sources.js';

/**
 * Paths looked at, at most, before giving up: the analysis lists its sources anyway, and a folder of 100,000 small
 * files took a walk ~0.8 s only to find that it held no large one.
 */
export const INPUT_PATHS_LOOKED_AT = 4096;

/** A source the analysis would list: its size (0 for a pipe), and whether it is a plain file. Answers true to stop. */
type VisitSource = (size: number, plain: boolean) => boolean;

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
        if (!(fromFolder && isSkippedInFolder(path)) && visit(st.size, sourceKind(path) === 'plain')) {
          outcome = 'stopped';
        }
      } else if (!fromFolder && (st.isFIFO() || st.isCharacterDevice()) && visit(0, false)) {
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
 * True once the files of `minFileBytes` or more at or below `paths` add up to `min` bytes, among `minFiles` sources
 * or more of any size (the walk stops there; false after INPUT_PATHS_LOOKED_AT paths).
 */
export function inputReaches(paths: readonly string[], min: number, minFileBytes = 0, minFiles = 1): boolean {
  let total = 0;
  let files = 0;
  return (
    walkSources(paths, (size) => {
      files++;
      total += size >= minFileBytes ? size : 0;
      return total >= min && files >= minFiles;
    }) === 'stopped'
  );
}

/**
 * The size of the one source among `paths` when it is a plain file (a single file read in segments: split-file.ts),
 * named or alone in a folder; 0 when they hold none or several, standard input, or a compressed file or archive.
 */
export function singlePlainFileBytes(paths: readonly string[]): number {
  if (paths.includes('-')) {
    return 0;
  }
  let files = 0;
  let size = 0;
  const outcome = walkSources(paths, (bytes, plain) => {
    files++;
    size = plain ? bytes : 0;
    return files > 1;
  });
  return outcome === 'walked' && files === 1 ? size : 0;
}
