/**
 * @module app/restart/interrupted
 * A restart whose wbguard process died (kill -9, power loss) after journaling its command never got a result entry.
 * Whoever next holds the cluster's lock closes it as `abandoned`, so every started restart ends with a result in
 * the journal, as the audit trail promises (found by the randomized model in test/prove, crashes mid-restart).
 */
import type { JournalEntry, JsonlJournal } from '../../adapters/journal/jsonl-journal.js';
import type { RestartLock } from '../../ports/restart-lock.js';

/**
 * Journals `abandoned` for each restart of `cluster` that has a command but no result. Only while the cluster's
 * lock is free (then no live process is in the middle of one); returns the nodes closed.
 */
export function closeInterruptedRestarts(
  journal: JsonlJournal,
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
    const open = new Map<string, JournalEntry>();
    for (const e of journal.entries()) {
      if (e.cluster !== cluster || e.node === undefined) {
        continue;
      }
      if (e.kind === 'command') {
        open.set(e.node, e);
      } else if (e.kind === 'result') {
        open.delete(e.node);
      }
    }
    for (const [node, e] of open) {
      const why = `abandoned: the wbguard process that sent the restart command at ${e.ts} stopped before reading its result; check this Web Bridge`;
      journal.append({
        ts: new Date(now).toISOString(),
        trigger,
        kind: 'result',
        cluster,
        node,
        outcome: 'abandoned',
        interrupted: e.ts,
        reasons: [why],
      });
      journal.logCisco(now, node, false, why);
    }
    return [...open.keys()];
  } finally {
    acquired.release();
  }
}
