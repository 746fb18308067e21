/**
 * @module app/analyze/input-size
 * Whether the paths given to `analyze` hold at least some number of bytes, found cheaply before the CLI has parsed
 * its arguments: the CLI starts scan workers early only for input they will read (scan-pool.ts), and an estimate
 * is enough for that (the analysis itself decides on the sources it lists, and ends workers it does not use).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * True once the files at or below `paths` add up to `min` bytes (the walk stops there). Paths that cannot be read
 * (an option's value, a typo) count nothing: the analysis reports them.
 */
export function inputReaches(paths: readonly string[], min: number): boolean {
  let total = 0;
  const add = (path: string): boolean => {
    try {
      const st = statSync(path);
      if (st.isFile()) {
        total += st.size;
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
    return total >= min;
  };
  return paths.some((p) => p !== '-' && add(p));
}
