/**
 * @module adapters/journal/entry-facts
 * The edge between journal entries (ISO strings, as written) and the facts the folds take (epoch ms), and the
 * writer's rule against repeating an unchanged plan; shared by the JSONL and the in-memory journal.
 */
import { type JournalEntry, planIdentity } from '../../core/journal/entries.js';
import type { NodeRestartState, RestartFact } from '../../core/journal/folds.js';

/** The restart fact an entry records (a command or a result of a Web Bridge), or undefined. */
export function factOf(e: JournalEntry, at = Date.parse(e.ts)): RestartFact | undefined {
  if ((e.kind !== 'command' && e.kind !== 'result') || typeof e.node !== 'string' || Number.isNaN(at)) {
    return undefined;
  }
  return {
    at,
    kind: e.kind,
    cluster: e.cluster,
    node: e.node,
    outcome: typeof e.outcome === 'string' ? e.outcome : undefined,
  };
}

const msOf = (v: unknown): number | undefined => {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

/** The state a checkpoint entry carries (an unreadable one carries nothing). */
export function checkpointStates(e: JournalEntry): NodeRestartState[] {
  const nodes = Array.isArray(e.nodes) ? (e.nodes as ReadonlyArray<Record<string, unknown>>) : [];
  return nodes.flatMap((n) => {
    if (typeof n.cluster !== 'string' || typeof n.node !== 'string') {
      return [];
    }
    const lastCommandAt = msOf(n.lastCommand);
    const lastOutcomeAt = msOf(n.lastOutcomeAt);
    return [
      {
        cluster: n.cluster,
        node: n.node,
        open: n.open === true,
        ...(lastCommandAt !== undefined ? { lastCommandAt } : {}),
        ...(Array.isArray(n.recentCommands)
          ? { recentCommandsAt: n.recentCommands.flatMap((v) => msOf(v) ?? []) }
          : {}),
        ...(typeof n.lastCommandOutcome === 'string' ? { lastCommandOutcome: n.lastCommandOutcome } : {}),
        ...(typeof n.lastOutcome === 'string' && lastOutcomeAt !== undefined
          ? { lastOutcome: n.lastOutcome, lastOutcomeAt }
          : {}),
      },
    ];
  });
}

/** Parses one journal line; a torn line (a crash mid-write) or anything not an entry gives undefined. */
export function parseEntry(line: string): JournalEntry | undefined {
  try {
    const e = JSON.parse(line) as JournalEntry;
    return e !== null && typeof e === 'object' && typeof e.ts === 'string' && typeof e.kind === 'string'
      ? e
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * "An unchanged plan is not written again": a plan is dropped when the entry written just before it for its
 * cluster was the same plan (`planIdentity`). Any other entry of the cluster (a command, a result) ends the run,
 * so the plan of the next restart is always written.
 */
export class PlanRepeatFilter {
  readonly #lastPlan = new Map<string, string>();

  /** True when `entry` is to be written; remembers it. */
  admit(entry: JournalEntry): boolean {
    if (entry.kind !== 'plan') {
      if (entry.kind !== 'checkpoint') {
        this.#lastPlan.delete(entry.cluster);
      }
      return true;
    }
    const identity = planIdentity(entry);
    if (this.#lastPlan.get(entry.cluster) === identity) {
      return false;
    }
    this.#lastPlan.set(entry.cluster, identity);
    return true;
  }
}
