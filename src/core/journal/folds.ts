/**
 * @module core/journal/folds
 * What the guards and the start-up check need from the restart history, as pure folds over plain facts (epoch ms):
 * restarts today per Web Bridge, restarts without a result (started, never finished) and the last outcome per Web
 * Bridge. A journal hands over a `RestartHistory`: the state carried by its newest checkpoint plus the facts written
 * after it, so a fold costs the same after a year of entries as after a day.
 */
import { dateTimeFormat } from '../intl-cache.js';
import type { CheckpointNode } from './entries.js';

/** One restart fact: a command sent, or the result that ended a restart. */
export interface RestartFact {
  readonly at: number;
  readonly kind: 'command' | 'result';
  readonly cluster: string;
  readonly node: string;
  /** A result's `success`, `failure` or `abandoned`. */
  readonly outcome?: string | undefined;
}

/** Everything the folds keep about one Web Bridge (the checkpoint's unit). */
export type NodeRestartState = CheckpointNode;

export interface RestartHistory {
  /** The state of every Web Bridge over the entries before `facts` (empty when the journal has no checkpoint). */
  readonly base: readonly NodeRestartState[];
  /** The facts after the base, oldest first. */
  readonly facts: readonly RestartFact[];
}

export const EMPTY_HISTORY: RestartHistory = { base: [], facts: [] };

/**
 * How far back a Web Bridge's state remembers the instants of its commands (for "restarts today"): two days, so
 * that a checkpoint answers for today in any time zone without the entries before it.
 */
export const RECENT_COMMANDS_MS = 2 * 86_400_000;

/** One Web Bridge's state after one more fact. */
export function applyFact(state: NodeRestartState | undefined, f: RestartFact): NodeRestartState {
  const s = state ?? { cluster: f.cluster, node: f.node, open: false };
  if (f.kind === 'command') {
    const recent = [...(s.recentCommandsAt ?? []), f.at].filter((at) => at >= f.at - RECENT_COMMANDS_MS);
    // A new command: open again, and how the previous one ended no longer describes the last command.
    return {
      cluster: s.cluster,
      node: s.node,
      open: true,
      lastCommandAt: f.at,
      recentCommandsAt: recent,
      ...(s.lastOutcome !== undefined && s.lastOutcomeAt !== undefined
        ? { lastOutcome: s.lastOutcome, lastOutcomeAt: s.lastOutcomeAt }
        : {}),
    };
  }
  return {
    ...s,
    open: false,
    // A result without any command before it (a hand-edited journal) describes no command.
    ...(s.lastCommandAt !== undefined && f.outcome !== undefined ? { lastCommandOutcome: f.outcome } : {}),
    ...(f.outcome !== undefined ? { lastOutcome: f.outcome, lastOutcomeAt: f.at } : {}),
  };
}

export const stateKey = (cluster: string, node: string) => `${cluster}\u0000${node}`;

/** The state of every Web Bridge after the whole history, in first-seen order. */
export function nodeStates(history: RestartHistory): NodeRestartState[] {
  const states = new Map<string, NodeRestartState>();
  for (const s of history.base) {
    states.set(stateKey(s.cluster, s.node), s);
  }
  for (const f of history.facts) {
    const k = stateKey(f.cluster, f.node);
    states.set(k, applyFact(states.get(k), f));
  }
  return [...states.values()];
}

/** Restarts that were started (command sent) and never got a result, oldest first. */
export function restartsWithoutResult(
  history: RestartHistory,
  cluster?: string,
): Array<{ readonly cluster: string; readonly node: string; readonly commandAt: number }> {
  return nodeStates(history)
    .filter((s) => s.open && s.lastCommandAt !== undefined && (cluster === undefined || s.cluster === cluster))
    .map((s) => ({ cluster: s.cluster, node: s.node, commandAt: s.lastCommandAt as number }))
    .sort((a, b) => a.commandAt - b.commandAt);
}

/** The last result of each Web Bridge that has one. */
export function lastOutcomes(
  history: RestartHistory,
  cluster?: string,
): Array<{ readonly cluster: string; readonly node: string; readonly outcome: string; readonly at: number }> {
  return nodeStates(history).flatMap((s) =>
    s.lastOutcome !== undefined && s.lastOutcomeAt !== undefined && (cluster === undefined || s.cluster === cluster)
      ? [{ cluster: s.cluster, node: s.node, outcome: s.lastOutcome, at: s.lastOutcomeAt }]
      : [],
  );
}

/**
 * Each Web Bridge's last restart command and how it ended (undefined while it has no result), for the
 * "still restarting" rule: a restart that did not end in success may have left its Web Bridge down.
 */
export function lastCommands(
  history: RestartHistory,
  cluster: string,
): Array<{ readonly node: string; readonly at: number; readonly outcome: string | undefined }> {
  return nodeStates(history).flatMap((s) =>
    s.cluster === cluster && s.lastCommandAt !== undefined
      ? [{ node: s.node, at: s.lastCommandAt, outcome: s.open ? undefined : s.lastCommandOutcome }]
      : [],
  );
}

const DAY_PARTS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

/** How far `tz`'s wall clock is ahead of UTC at `at` (ms, whole seconds). */
function offsetAt(at: number, tz: string): number {
  const parts = dateTimeFormat(tz, DAY_PARTS).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The instant the day of `now` began in time zone `tz` (a DST change that day is accounted for). */
export function startOfDay(now: number, tz = 'UTC'): number {
  if (tz === 'UTC') {
    return Math.floor(now / 86_400_000) * 86_400_000;
  }
  const localMidnight = Math.floor((now + offsetAt(now, tz)) / 86_400_000) * 86_400_000;
  const guess = localMidnight - offsetAt(now, tz);
  return localMidnight - offsetAt(guess, tz);
}

/** Restarts of `node` started (command sent) since the day of `now` began in `tz`. */
export function restartsToday(history: RestartHistory, cluster: string, node: string, now: number, tz = 'UTC'): number {
  const from = startOfDay(now, tz);
  const state = nodeStates(history).find((s) => s.cluster === cluster && s.node === node);
  return (state?.recentCommandsAt ?? []).filter((at) => at >= from).length;
}
