/**
 * @module app/analyze/read-plan
 * Decides which thread reads each file. The main thread merges and analyses every record. With fewer workers than
 * cores (`--jobs N`), whatever time that leaves it it spends reading files too; with a worker per core (the
 * default) it has no core of its own to read on, and reads nothing.
 */
import { availableParallelism } from 'node:os';

/**
 * Main-thread merge and analysis time per byte, as a share of the time reading and parsing that byte costs.
 * Measured as CPU time per thread (/proc/self/task) on the benchmark corpus with one worker: at 0.3 the main thread
 * and the worker each used 0.50 s; at 0.45 the worker was the busier (0.60 against 0.46 s). (CPU profiles taken
 * while other processes held a core had suggested the opposite: they count time a thread waits for the CPU.)
 */
export const ANALYSIS_COST_RATIO = 0.3;

/**
 * The share of the bytes the main thread should read beside `workers` scan workers on `cores` cores: 0 when they
 * have enough, or when every core already has a worker.
 */
export function mainShare(
  workers: number,
  analysisCostRatio = ANALYSIS_COST_RATIO,
  cores = Number.POSITIVE_INFINITY,
): number {
  if (workers <= 0) {
    return 1;
  }
  if (workers >= cores) {
    return 0;
  }
  // Balance: analysis + own reading on the main thread = each worker's reading.
  // a + r·s = r·(1 − s)/W  →  s = (1 − W·a/r) / (W + 1)
  return Math.max(0, (1 - workers * analysisCostRatio) / (workers + 1));
}

/**
 * Assigns each source (by size) to a reader: -1 for the main thread, 0…workers−1 for a scan worker. Largest first,
 * each to the reader furthest below its target, so shares come out close to the plan whatever the file sizes.
 */
export function assignReaders(
  sizes: readonly number[],
  workers: number,
  share = mainShare(workers, ANALYSIS_COST_RATIO, availableParallelism()),
): number[] {
  const total = sizes.reduce((a, b) => a + Math.max(b, 1), 0);
  const readers = [-1, ...Array.from({ length: workers }, (_, i) => i)];
  const target = new Map(readers.map((r) => [r, r === -1 ? total * share : (total * (1 - share)) / workers]));
  const load = new Map(readers.map((r) => [r, 0]));
  const out = new Array<number>(sizes.length).fill(-1);
  const order = sizes.map((_, i) => i).sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
  for (const i of order) {
    let best = -1;
    let bestRoom = Number.NEGATIVE_INFINITY;
    for (const r of readers) {
      const room = (target.get(r) as number) - (load.get(r) as number);
      if (room > bestRoom) {
        bestRoom = room;
        best = r;
      }
    }
    out[i] = best;
    load.set(best, (load.get(best) as number) + Math.max(sizes[i] as number, 1));
  }
  return out;
}
