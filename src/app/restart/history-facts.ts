/**
 * @module app/restart/history-facts
 * The restart history as the decision takes it (core/decision/snapshot.ts `RestartHistory`), read from the journal
 * port and the lock and folded by core/journal/folds.ts: restarts of each Web Bridge today, each one's latest restart
 * command with its result (none yet: null), and the lock's holder. The one place the decision's doors read the journal.
 */
import { STILL_RESTARTING_MAX_MS } from '../../core/decision/decide.js';
import type { LastRestart, RestartHistory } from '../../core/decision/snapshot.js';
import { type RestartHistory as JournalHistory, lastCommands } from '../../core/journal/folds.js';
import type { Journal } from '../../ports/journal.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import type { WbguardConfig } from '../config/index.js';
import { restartCounter } from './journal-reads.js';

/** The journal as the decision reads it: its restart history (the JSONL journal, or an in-memory one). */
export type HistoryJournal = Pick<Journal, 'history'>;

/** The restart history of `config`'s cluster as facts: restarts today, each one's latest command and result, the lock. */
export function historyOf(
  journal: HistoryJournal,
  lock: RestartLock,
  config: WbguardConfig,
  now: number,
): RestartHistory {
  const cluster = config.cluster;
  const count = restartCounter(journal, cluster, now);
  const since = now - STILL_RESTARTING_MAX_MS;
  return {
    restartsToday: Object.fromEntries(config.webbridges.map((w) => [w.name, count(w.name)])),
    lastRestart: lastRestartsOf(journal.history(since), cluster, since),
    lockHolder: lock.holder(cluster, now)?.node ?? null,
  };
}

/** Each Web Bridge's latest restart command at or after `since`, with its result (none yet: null). */
export function lastRestartsOf(history: JournalHistory, cluster: string, since: number): Record<string, LastRestart> {
  const lastRestart: Record<string, LastRestart> = {};
  for (const { node, at, outcome } of lastCommands(history, cluster)) {
    // The history also carries older commands (the state before `since`); only those that can still block count.
    if (at >= since) {
      lastRestart[node] = { commandAt: at, outcome: outcome ?? null };
    }
  }
  return lastRestart;
}
