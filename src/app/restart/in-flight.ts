/**
 * @module app/restart/in-flight
 * "Never two at once" needs more than the lock: a restart that ended in failure (not verified back in time, the
 * command timed out) releases the lock while its Web Bridge may still be down. Until that Web Bridge logs a Stats
 * line again, it counts as being restarted, so the one-at-a-time guard defers the others (found by the randomized
 * model in test/prove: a slow restart outlived verifyTimeoutMs and the next evaluation restarted a second node).
 */
import type { JournalEntry } from '../../adapters/journal/jsonl-journal.js';
import type { AnalysisReport } from '../../core/model.js';

/** A Stats line this soon after the command may still come from the Web Bridge going down. */
export const SEEN_AFTER_COMMAND_MS = 30_000;

/** How long after its command an unseen Web Bridge still blocks its cluster; after that it needs a person. */
export const STILL_RESTARTING_MAX_MS = 24 * 3_600_000;

/**
 * The first Web Bridge of `cluster` other than `except` whose last restart command was not followed by a success nor
 * by any Stats line from it, or null. `entries` is the journal (oldest first); `report` the live analysis.
 */
export function stillRestarting(
  entries: readonly JournalEntry[],
  report: AnalysisReport,
  cluster: string,
  now: number,
  except?: string,
): string | null {
  const last = new Map<string, { at: number; outcome: string | undefined }>();
  for (const e of entries) {
    if (e.cluster !== cluster || e.node === undefined) {
      continue;
    }
    if (e.kind === 'command') {
      last.set(e.node, { at: Date.parse(e.ts), outcome: undefined });
    } else if (e.kind === 'result') {
      const open = last.get(e.node);
      if (open) {
        open.outcome = typeof e.outcome === 'string' ? e.outcome : undefined;
      }
    }
  }
  for (const [node, { at, outcome }] of last) {
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
