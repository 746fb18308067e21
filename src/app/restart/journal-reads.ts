/**
 * @module app/restart/journal-reads
 * The guards' questions to the journal, answered by the pure folds over its restart history (read once per
 * question, however many Web Bridges are asked about).
 */
import { restartsToday, startOfDay } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';

/** How many restarts each Web Bridge of `cluster` had started since the day of `now` began in `tz`. */
export function restartCounter(
  journal: Pick<Journal, 'history'>,
  cluster: string,
  now: number,
  tz = 'UTC',
): (node: string) => number {
  const history = journal.history(startOfDay(now, tz));
  return (node) => restartsToday(history, cluster, node, now, tz);
}
