/**
 * @module app/restart/history-facts
 * The restart history as the decision takes it (core/decision/snapshot.ts `RestartHistory`), read from the journal
 * and the lock: restarts of each Web Bridge today, each one's latest restart command with its result (none yet:
 * null), and the lock's holder. The one place the decision's doors read the journal.
 */
import { STILL_RESTARTING_MAX_MS } from '../../core/decision/decide.js';
import type { LastRestart, RestartHistory } from '../../core/decision/snapshot.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import type { WbguardConfig } from '../config/index.js';

/** The journal as the decision reads it (the JSONL journal, or the randomized model's in-memory one). */
export interface HistoryJournal {
  since(ms: number): ReadonlyArray<{
    readonly ts: string;
    readonly kind: string;
    readonly cluster: string;
    readonly node?: string | undefined;
    readonly outcome?: unknown;
  }>;
  restartsToday(cluster: string, node: string, now: number): number;
}

/** The restart history of `config`'s cluster as facts: restarts today, each one's latest command and result, the lock. */
export function historyOf(
  journal: HistoryJournal,
  lock: RestartLock,
  config: WbguardConfig,
  now: number,
): RestartHistory {
  const cluster = config.cluster;
  const lastRestart: Record<string, LastRestart> = {};
  for (const e of journal.since(now - STILL_RESTARTING_MAX_MS)) {
    if (e.cluster !== cluster || e.node === undefined) {
      continue;
    }
    if (e.kind === 'command') {
      lastRestart[e.node] = { commandAt: Date.parse(e.ts), outcome: null };
    } else if (e.kind === 'result' && lastRestart[e.node]) {
      lastRestart[e.node] = {
        commandAt: (lastRestart[e.node] as LastRestart).commandAt,
        outcome: typeof e.outcome === 'string' ? e.outcome : null,
      };
    }
  }
  return {
    restartsToday: Object.fromEntries(
      config.webbridges.map((w) => [w.name, journal.restartsToday(cluster, w.name, now)]),
    ),
    lastRestart,
    lockHolder: lock.holder(cluster, now)?.node ?? null,
  };
}
