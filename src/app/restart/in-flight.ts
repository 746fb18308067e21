/**
 * @module app/restart/in-flight
 * "Never two at once" needs more than the lock: a restart that ended in failure (not verified back in time, the
 * command timed out) releases the lock while its Web Bridge may still be down. Until that Web Bridge logs a Stats
 * line again, it counts as being restarted, so the one-at-a-time guard defers the others (found by the randomized
 * model in test/prove: a slow restart outlived verifyTimeoutMs and the next evaluation restarted a second node).
 */

import { SEEN_AFTER_COMMAND_MS, STILL_RESTARTING_MAX_MS } from '../../core/decision/decide.js';
import { lastCommands, type RestartHistory } from '../../core/journal/folds.js';
import type { AnalysisReport } from '../../core/model.js';

export { SEEN_AFTER_COMMAND_MS, STILL_RESTARTING_MAX_MS };

/**
 * The first Web Bridge of `cluster` other than `except` whose last restart command was not followed by a success nor
 * by any Stats line from it, or null. `history` is the journal's (`journal.history(now - STILL_RESTARTING_MAX_MS)`);
 * `report` the live analysis.
 */
export function stillRestarting(
  history: RestartHistory,
  report: AnalysisReport,
  cluster: string,
  now: number,
  except?: string,
): string | null {
  for (const { node, at, outcome } of lastCommands(history, cluster)) {
    if (node === except || outcome === 'success' || now - at > STILL_RESTARTING_MAX_MS) {
      continue;
    }
    const seen = report.webbridges.find((w) => w.name === node)?.lastSeen;
    if (!seen || Date.parse(seen) <= at + SEEN_AFTER_COMMAND_MS) {
      return node;
    }
  }
  return null;
}
