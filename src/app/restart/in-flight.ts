/**
 * @module app/restart/in-flight
 * "Never two at once" needs more than the lock: a restart that ended in failure (not verified back in time, the
 * command timed out) releases the lock while its Web Bridge may still be down. Until that Web Bridge logs a Stats
 * line again, it counts as being restarted, so the one-at-a-time guard defers the others (found by the randomized
 * model in test/prove: a slow restart outlived verifyTimeoutMs and the next evaluation restarted a second node).
 */

import { restartInFlight, SEEN_AFTER_COMMAND_MS, STILL_RESTARTING_MAX_MS } from '../../core/decision/decide.js';
import type { RestartHistory } from '../../core/journal/folds.js';
import type { AnalysisReport } from '../../core/model.js';
import { lastRestartsOf } from './history-facts.js';

export { SEEN_AFTER_COMMAND_MS, STILL_RESTARTING_MAX_MS };

/**
 * The first Web Bridge of `cluster` other than `except` whose last restart command was not followed by a success nor
 * by any Stats line from it, or null: decide.ts `restartInFlight` over the journal's history (`journal.history(…)`)
 * and the live analysis, for callers that hold those rather than a snapshot (the randomized model in test/prove).
 */
export function stillRestarting(
  history: RestartHistory,
  report: AnalysisReport,
  cluster: string,
  now: number,
  except?: string,
): string | null {
  const webbridges = report.webbridges.map((w) => ({
    name: w.name,
    seenAt: w.lastSeen ? Date.parse(w.lastSeen) : null,
  }));
  const lastRestart = lastRestartsOf(history, cluster, now - STILL_RESTARTING_MAX_MS);
  return restartInFlight({ now, webbridges, history: { lastRestart, lockHolder: null } }, except)?.name ?? null;
}
