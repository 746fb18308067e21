/**
 * @module core/decision/decide
 * When do we restart? This file answers it, for every door: `wbguard restart` (and the timers that run
 * `wbguard restart --leaking --yes`), `POST /api/v1/restart`, the dashboard's button and the daemon's policy.
 * From one snapshot of facts (snapshot.ts) it picks the Web Bridges to consider, asks every guard about each
 * (core/policy/restart-policy.ts: fresh, worth it, idle, not too often, one at a time), orders the restarts
 * (core/policy/rolling-plan.ts) and says whether the maintenance window is open (core/policy/window.ts).
 * The rules that live here: which Web Bridges a trigger selects, and which restart counts as still in flight.
 * Pure: the instant comes in the snapshot; no I/O. docs/guards.md walks through it.
 */
import { evaluateRestart, type RestartInput, worthRestarting } from '../policy/restart-policy.js';
import { planRollingRestart, type RollingPlan } from '../policy/rolling-plan.js';
import { inBlackout, insideWindow } from '../policy/window.js';
import type { ApiCount, CallBridgeFacts, Snapshot, WebBridgeFacts } from './snapshot.js';

/** A Stats line this soon after the restart command may still come from the Web Bridge going down. */
export const SEEN_AFTER_COMMAND_MS = 30_000;

/** How long after its command an unseen Web Bridge still blocks its cluster; after that it needs a person. */
export const STILL_RESTARTING_MAX_MS = 24 * 3_600_000;

export interface Decision {
  /** The instant decided at (epoch ms). */
  readonly now: number;
  /** A restart is allowed by the policy's windows and blackouts now (the daemon's and its rechecks' concern). */
  readonly windowOpen: boolean;
  /** The Web Bridges the selection considered, in the configuration's order. */
  readonly considered: readonly string[];
  /**
   * Why the leak trigger (`--leaking`, the daemon's policy) considered each Web Bridge it chose, in words: worth a
   * restart now, or its limit forecast within `policy.forecastWithinHours` (then the guards may still skip it).
   * Empty for the other selections.
   */
  readonly selectedBecause: Readonly<Record<string, string>>;
  /** Per considered Web Bridge: restart / skip / defer with every guard's verdict and numbers; the rolling order. */
  readonly plan: RollingPlan;
}

/** Restarts are allowed now: inside a window (none configured: always) and not on a blackout date. */
export function windowOpen(snapshot: Pick<Snapshot, 'now' | 'policy'>): boolean {
  const p = snapshot.policy;
  return insideWindow(snapshot.now, p.windows) && !inBlackout(snapshot.now, p.blackouts, p.tz);
}

/**
 * The Web Bridge of the cluster, other than `except`, whose restart is in flight: the lock's holder, or one whose
 * latest restart command got no success and that has not logged a Stats line since (from
 * SEEN_AFTER_COMMAND_MS after the command): a restart not verified back counts as down until it logs again, for
 * at most STILL_RESTARTING_MAX_MS. Null when none.
 */
export function restartInFlight(
  snapshot: Pick<Snapshot, 'now'> & {
    readonly history: Pick<Snapshot['history'], 'lastRestart' | 'lockHolder'>;
    readonly webbridges: ReadonlyArray<Pick<Snapshot['webbridges'][number], 'name' | 'seenAt'>>;
  },
  except?: string,
): { name: string; why: string } | null {
  const { history, now } = snapshot;
  if (history.lockHolder !== null && history.lockHolder !== except) {
    return { name: history.lockHolder, why: 'is being restarted (it holds the restart lock)' };
  }
  for (const [name, last] of Object.entries(history.lastRestart)) {
    if (name === except || last.outcome === 'success' || now - last.commandAt > STILL_RESTARTING_MAX_MS) {
      continue;
    }
    const seenAt = snapshot.webbridges.find((w) => w.name === name)?.seenAt ?? null;
    if (seenAt === null || seenAt <= last.commandAt + SEEN_AFTER_COMMAND_MS) {
      const since = Math.round((now - last.commandAt) / 1000);
      const what = last.outcome === null ? 'has no result yet' : `ended in ${last.outcome}`;
      return {
        name,
        why: `was restarted ${since} s ago, ${what} and has not logged since: it counts as down until it logs again`,
      };
    }
  }
  return null;
}

/** Σ CMA over the Call Bridges and the instant it is exact at (the oldest line), or nulls when not all known. */
function clusterCmaOf(callbridges: readonly CallBridgeFacts[]): { cma: number | null; at: number | null } {
  if (callbridges.length === 0) {
    return { cma: null, at: null };
  }
  const times = callbridges.map((c) => c.at).filter((t): t is number => t !== null);
  return {
    cma: callbridges.reduce((a, c) => a + (c.cma ?? 0), 0),
    at: times.length === callbridges.length ? Math.min(...times) : null,
  };
}

/** The guards' input for one Web Bridge of the snapshot. */
function inputOf(snapshot: Snapshot, wb: WebBridgeFacts, inFlight: { name: string; why: string } | null): RestartInput {
  const { cma, at } = clusterCmaOf(snapshot.callbridges);
  return {
    name: wb.name,
    now: snapshot.now,
    active: wb.active,
    webbridgeSeenAt: wb.seenAt,
    clusterCma: cma,
    oldestCallbridgeSeenAt: at,
    provenLeak: wb.provenLeak,
    lastJoinAt: wb.lastJoinAt,
    newestDataAt: snapshot.newestDataAt,
    restartsToday: snapshot.history.restartsToday[wb.name] ?? 0,
    restartInFlight: inFlight?.name ?? null,
    inFlightWhy: inFlight?.why,
    force: snapshot.force,
    ...(snapshot.api ? { apiRealSessions: snapshot.api } : {}),
  };
}

function unknownWebBridge(name: string): WebBridgeFacts {
  return { name, active: null, seenAt: null, provenLeak: null, lastJoinAt: null, limitInHours: null };
}

/**
 * The leak trigger: worth restarting now, or the forecast reaches the limit within `forecastWithinHours`. Says
 * which, or null when neither.
 */
function leakingBecause(snapshot: Snapshot, wb: WebBridgeFacts): string | null {
  if (worthRestarting(inputOf(snapshot, wb, null), snapshot.thresholds)) {
    return 'worth a restart now (leak threshold or near the limit)';
  }
  const within = snapshot.policy.forecastWithinHours;
  if (within > 0 && wb.limitInHours !== null && wb.limitInHours <= within) {
    return `limit ${snapshot.thresholds.limit} forecast in ${wb.limitInHours.toFixed(1)} h, within policy.forecastWithinHours ${within} h`;
  }
  return null;
}

/** The Web Bridges a selection considers, and why the leak trigger chose each it chose (Decision.selectedBecause). */
interface Considered {
  readonly chosen: WebBridgeFacts[];
  readonly because: Record<string, string>;
}

/** The Web Bridges the leak trigger chooses, each with its reason, asked once per Web Bridge. */
function chosenByLeak(snapshot: Snapshot): Considered {
  const chosen: WebBridgeFacts[] = [];
  const because: Record<string, string> = {};
  for (const wb of snapshot.webbridges) {
    const why = leakingBecause(snapshot, wb);
    if (why !== null) {
      chosen.push(wb);
      because[wb.name] = why;
    }
  }
  return { chosen, because };
}

/** The Web Bridges the snapshot's selection considers. */
function considered(snapshot: Snapshot): Considered {
  const s = snapshot.select;
  switch (s.kind) {
    case 'names':
      return {
        chosen: s.names.map((n) => snapshot.webbridges.find((w) => w.name === n) ?? unknownWebBridge(n)),
        because: {},
      };
    case 'all':
      return { chosen: [...snapshot.webbridges], because: {} };
    case 'leaking':
      return chosenByLeak(snapshot);
    case 'policy':
      return s.scheduleDue
        ? { chosen: [...snapshot.webbridges], because: {} }
        : snapshot.policy.leakTrigger
          ? chosenByLeak(snapshot)
          : { chosen: [], because: {} };
  }
}

/** The one restart decision: per considered Web Bridge restart / skip / defer, every guard's numbers, the order. */
export function decide(snapshot: Snapshot): Decision {
  const { chosen, because } = considered(snapshot);
  const inFlight = restartInFlight(snapshot, snapshot.except);
  const decisions = chosen.map((wb) => evaluateRestart(inputOf(snapshot, wb, inFlight), snapshot.thresholds));
  return {
    now: snapshot.now,
    windowOpen: windowOpen(snapshot),
    considered: chosen.map((w) => w.name),
    selectedBecause: because,
    plan: planRollingRestart(decisions, snapshot.thresholds.limit),
  };
}

/**
 * The cluster's leak estimate Σ active − Σ real sessions, with the fresher count of real sessions: the CMS API's,
 * or the STATS lines' (as old as the oldest Call Bridge line, since the Σ needs every one of them).
 */
export function clusterLeakEstimate(
  clusterActive: number,
  callbridges: readonly CallBridgeFacts[],
  api: ApiCount | undefined,
): { value: number; source: 'api' | 'syslog'; at: number | null } {
  const { cma } = clusterCmaOf(callbridges);
  const seen = callbridges.map((c) => c.at ?? Number.NEGATIVE_INFINITY);
  const syslogAt = seen.length > 0 ? Math.min(...seen) : Number.NEGATIVE_INFINITY;
  if (api && api.at >= syslogAt) {
    return { value: Math.max(0, clusterActive - api.count), source: 'api', at: api.at };
  }
  return {
    value: Math.max(0, clusterActive - (cma ?? 0)),
    source: 'syslog',
    at: Number.isFinite(syslogAt) ? syslogAt : null,
  };
}
