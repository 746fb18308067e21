/**
 * @module app/analyze/input-size
 * Whether the paths given to `analyze` hold at least some number of bytes, found cheaply before the CLI has parsed
 * its arguments: the CLI starts scan workers early only for input they will read (scan-pool.ts), and an estimate
 * is enough for that (the analysis itself decides on the sources it lists, and ends workers it does not use).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sourceKind } from '../../adapters/logfiles/sources.js';

/**
 * Paths looked at, at most, before answering false: the analysis lists its sources anyway, and a folder of 100,000
 * small files took this walk ~0.8 s only to find that it held no large one.
 */
export const INPUT_PATHS_LOOKED_AT = 4096;

/**
 * True once the files of `minFileBytes` or more at or below `paths` add up to `min` bytes, among `minFiles` files
 * or more of any size (the walk stops there, or after INPUT_PATHS_LOOKED_AT paths). Paths that cannot be read (an
 * option's value, a typo) count nothing: the analysis reports them.
 */
export function inputReaches(paths: readonly string[], min: number, minFileBytes = 0, minFiles = 1): boolean {
  let total = 0;
  let files = 0;
  let looked = 0;
  const add = (path: string): boolean => {
    if (++looked > INPUT_PATHS_LOOKED_AT) {
      return true;
    }
    try {
      const st = statSync(path);
      if (st.isFile()) {
        files++;
        total += st.size >= minFileBytes ? st.size : 0;
      } else if (st.isDirectory()) {
        for (const entry of readdirSync(path)) {
          if (add(join(path, entry))) {
            return true;
          }
        }
      }
    } catch {
      // Unreadable or gone: the analysis says so.
    }
    return total >= min && files >= minFiles;
  };
  // `add` answers true to stop the walk: enough bytes, or enough paths looked at.
  return paths.some((p) => p !== '-' && add(p)) && looked <= INPUT_PATHS_LOOKED_AT;
}

/**
 * The size of the one plain file among `paths` (a single file read in segments: split-file.ts), or 0 when they name
 * none, several, a folder, standard input or a compressed file or archive.
 */
export function singlePlainFileBytes(paths: readonly string[]): number {
  let size = 0;
  let files = 0;
  for (const path of paths) {
    if (path === '-') {
      return 0;
    }
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        return 0;
      }
      if (st.isFile()) {
        files++;
        size = sourceKind(path) === 'plain' ? st.size : 0;
      }
    } catch {
      // Not a path (an option's value): the analysis reports a path that cannot be read.
    }
  }
  return files === 1 ? size : 0;
}
