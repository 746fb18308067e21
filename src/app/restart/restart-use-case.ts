/**
 * @module app/restart/restart-use-case
 * The one restart use case behind every door: `wbguard restart` (and the timers, which run
 * `wbguard restart --leaking --yes`), `POST /api/v1/restart` and the dashboard's button, and the daemon's policy
 * (leak trigger and schedule). Each door brings what it knows — an analysis report, the CMS API's count, the
 * journal and the lock — and gets the same snapshot, the same decision (core/decision/decide.ts) and the same
 * guarded rolling restart (orchestrator.ts). `force` means the same everywhere: the idle, worth-it and fresh guards
 * are skipped; one at a time (a restart not verified back counts as down) and the day's quota never are.
 */
import { type Decision, decide } from '../../core/decision/decide.js';
import type { ApiCount, RestartHistory, Selection, Snapshot, WebBridgeFacts } from '../../core/decision/snapshot.js';
import type { AnalysisReport } from '../../core/model.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import type { WbguardConfig } from '../config/index.js';
import { type HistoryJournal, historyOf } from './history-facts.js';
import { type NodeResult, type RestartDeps, runRollingRestart } from './orchestrator.js';
import { restartSettingsOf, thresholdsOf } from './plan.js';

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** What a door asks for. */
export interface RestartRequest {
  readonly select: Selection;
  readonly force: boolean;
  /** The Web Bridge whose own recheck this is (it is not in flight to itself). */
  readonly except?: string;
}

/**
 * The snapshot of `config`'s cluster: every configured Web Bridge (null facts when the report has none, or when
 * there is no report: only `force` can restart then), its Call Bridges' STATS, the API count, the history.
 */
export function snapshotOf(
  config: WbguardConfig,
  report: AnalysisReport | undefined,
  facts: { readonly now: number; readonly history: RestartHistory; readonly api: ApiCount | undefined },
  request: RestartRequest,
): Snapshot {
  const webbridges: WebBridgeFacts[] = config.webbridges.map((c) => {
    const w = report?.webbridges.find((x) => x.name === c.name);
    return {
      name: c.name,
      active: w?.active ?? null,
      seenAt: ms(w?.lastSeen),
      provenLeak: w?.leakedMin ?? null,
      lastJoinAt: ms(w?.lastJoinAt),
      limitInHours: w?.limitForecast?.inHours ?? null,
    };
  });
  const callbridges = (report?.callbridges ?? []).map((c) => ({ name: c.name, cma: c.cma, at: ms(c.lastSeen) }));
  const times = [...webbridges.map((w) => w.seenAt), ...callbridges.map((c) => c.at)].filter(
    (t): t is number => t !== null,
  );
  return {
    now: facts.now,
    webbridges,
    callbridges,
    api: facts.api,
    newestDataAt: times.length > 0 ? Math.max(...times) : null,
    history: facts.history,
    policy: config.policy,
    thresholds: thresholdsOf(config),
    select: request.select,
    force: request.force,
    except: request.except,
  };
}

/** Where a door's use case reads the present from. */
export interface RestartSources {
  readonly config: WbguardConfig;
  /** The session data now, or undefined when there is none (then only `force` restarts). */
  readonly report: () => AnalysisReport | undefined;
  /** The CMS API's count now (fresh enough for the guards), or undefined. */
  readonly api: () => ApiCount | undefined;
  readonly journal: HistoryJournal;
  readonly lock: RestartLock;
  readonly now: () => number;
}

/** The decision for a door's request, on the present state. */
export function planRestart(src: RestartSources, request: RestartRequest): Decision {
  const now = src.now();
  const history = historyOf(src.journal, src.lock, src.config, now);
  return decide(snapshotOf(src.config, src.report(), { now, history, api: src.api() }, request));
}

/**
 * The guards asked again for `name` just before its restart command, on the data of that moment (a rolling plan
 * takes minutes per Web Bridge); with `window`, the maintenance window too. Undefined: go ahead.
 */
export function recheckRestart(
  src: RestartSources,
  name: string,
  window: boolean,
  force = false,
): { kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined {
  const d = planRestart(src, { select: { kind: 'names', names: [name] }, force, except: name });
  return verdictOfRecheck(d, window);
}

/** A recheck's decision as the orchestrator takes it: undefined to go ahead, else what stops this Web Bridge. */
export function verdictOfRecheck(
  d: Decision,
  window: boolean,
): { kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined {
  if (window && !d.windowOpen) {
    return { kind: 'defer', reasons: ['window: the maintenance window has closed (or today is a blackout date)'] };
  }
  const [decision] = d.plan.decisions;
  return !decision || decision.kind === 'restart' ? undefined : { kind: decision.kind, reasons: decision.reasons };
}

/** How a door runs the plan: its I/O for the orchestrator, and whether each node is rechecked first. */
export type RunDeps = Omit<RestartDeps, 'recheck' | 'journal' | 'lock' | 'now'> & {
  readonly journal: RestartDeps['journal'];
  /**
   * Recheck the guards (and, with `window`, the window) before each node: the daemon's runs. `stillLeading` false
   * (ha: this instance lost the leadership) defers the node.
   */
  readonly recheck?: {
    readonly window: boolean;
    readonly stillLeading?: () => boolean;
    /** The request was forced: the recheck skips the same guards (never one at a time nor the day's quota). */
    readonly force?: boolean;
    /** Reads the session data again before each recheck (a CLI run's analysis is otherwise the one it planned on). */
    readonly refresh?: () => Promise<void>;
  };
};

/** The guarded rolling restart of a decision's plan, one at a time, each verified back. */
export function runRestart(
  src: RestartSources,
  decision: Pick<Decision, 'plan'>,
  deps: RunDeps,
  options: { keepGoing: boolean },
): Promise<NodeResult[]> {
  const { recheck, ...rest } = deps;
  return runRollingRestart(
    decision.plan,
    restartSettingsOf(src.config),
    {
      ...rest,
      lock: src.lock,
      now: src.now,
      ...(recheck
        ? {
            recheck: async (n: string) => {
              if (recheck.stillLeading?.() === false) {
                return { kind: 'defer' as const, reasons: ['this instance lost the leadership'] };
              }
              await recheck.refresh?.();
              return recheckRestart(src, n, recheck.window, recheck.force);
            },
          }
        : {}),
    },
    options,
  );
}

/**
 * The exit status of a door's run, as `wbguard restart` (and the timers) report it: 1 a restart failed or was
 * abandoned, 3 a guard refused one (or, with nothing run, a considered Web Bridge was refused), else 0.
 */
export function exitStatusOf(decision: Decision, results: readonly NodeResult[], dryRun: boolean): 0 | 1 | 3 {
  if (results.some((r) => r.outcome === 'failure' || r.outcome === 'abandoned')) {
    return 1;
  }
  if (results.length === 0) {
    return dryRun || decision.considered.length === 0 || decision.plan.order.length > 0 ? 0 : 3;
  }
  return results.some((r) => r.outcome === 'skipped' || r.outcome === 'deferred') ? 3 : 0;
}
