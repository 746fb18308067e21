/**
 * @module app/cli/prestart
 * Scan workers for `analyze`, started before the CLI has loaded the rest of itself (main.ts): a worker needs ~40 ms
 * to start, and started now that time overlaps the CLI's own start-up (commander, the verbs) instead of following it.
 * The arguments are not parsed yet: every one that is a file or folder counts, `--jobs` is read as the verb will
 * read it, and the decision is the analysis's own (app/analyze/worker-decision.ts); the analysis decides again on the
 * sources it lists and ends the workers it does not use. No worker is started for input read in the main thread: on
 * a 2-core machine two starting beside it cost it 0.1–0.2 s of CPU for nothing.
 */
import { scanWorkersToPrestart } from '../analyze/input-size.js';
import { prestartScanWorkers } from '../analyze/scan-pool.js';
import { MAX_JOBS, parseIntFlag } from './flags.js';

/**
 * The value of `--jobs` among the verb's arguments `args`, as the verb will read it (the last one given, before any
 * `--`): undefined when not given, null when it is one the verb will refuse (a usage error: nothing to start).
 */
export function jobsAsked(args: readonly string[]): number | undefined | null {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      break;
    }
    if (arg === '--jobs') {
      value = args[i + 1] ?? '';
    } else if (arg.startsWith('--jobs=')) {
      value = arg.slice('--jobs='.length);
    }
  }
  try {
    return parseIntFlag('--jobs', value, 0, MAX_JOBS);
  } catch {
    return null;
  }
}

/** Starts the scan workers `analyze` with `args` (its arguments) will use; answers how many. */
export function prestartAnalyzeWorkers(args: readonly string[]): number {
  const jobs = jobsAsked(args);
  if (jobs === null) {
    return 0;
  }
  const workers = scanWorkersToPrestart(args, { jobs });
  if (workers > 0) {
    prestartScanWorkers(workers);
  }
  return workers;
}
