/**
 * @module app/restart/interrupted
 * A restart whose wbguard process died (kill -9, power loss) after journaling its command never got a result entry.
 * Whoever next holds the cluster's lock closes it as `abandoned`, so every started restart ends with a result in
 * the journal, as the audit trail promises (found by the randomized model in test/prove, crashes mid-restart).
 * The open restarts come from the journal's checkpointed history: the cost does not grow with the journal's age.
 */
import { resultEntry } from '../../core/journal/entries.js';
import { restartsWithoutResult } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';
import type { RestartLock } from '../../ports/restart-lock.js';

/**
 * Journals `abandoned` for each restart of `cluster` that has a command but no result. Only while the cluster's
 * lock is free (then no live process is in the middle of one); returns the nodes closed.
 */
export function closeInterruptedRestarts(
  journal: Journal,
  lock: RestartLock,
  cluster: string,
  now: number,
  trigger: string,
): string[] {
  const acquired = lock.tryAcquire(cluster, '(journal check)', now);
  if (!acquired.ok) {
    return [];
  }
  try {
    const open = restartsWithoutResult(journal.history(now), cluster);
    for (const { node, commandAt } of open) {
      const why = `abandoned: the wbguard process that sent the restart command at ${new Date(commandAt).toISOString()} stopped before reading its result; check this Web Bridge`;
      journal.append(
        resultEntry({
          at: now,
          trigger,
          cluster,
          node,
          outcome: 'abandoned',
          interruptedAt: commandAt,
          reasons: [why],
        }),
      );
      journal.logCisco(now, node, false, why);
    }
    return open.map((o) => o.node);
  } finally {
    acquired.release();
  }
}
