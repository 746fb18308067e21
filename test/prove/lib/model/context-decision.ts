/**
 * @module test/prove/lib/model/context-decision
 * The decision asked from a report and the history given as a guard's context (restarts today as a function, the
 * Web Bridge known in flight): the form the model's mirror of the daemon's wiring (guard.ts) drives, with and
 * without the "still restarting" rule. The product decides through app/restart/restart-use-case.ts, which reads the
 * journal and the lock itself; both go through the same snapshot (`snapshotOf`) and decide.ts.
 */
import type { WbguardConfig } from '../../../../src/app/config/index.js';
import { type Evaluation, evaluationOf } from '../../../../src/app/daemon/policy-loop.js';
import { snapshotOf, verdictOfRecheck } from '../../../../src/app/restart/restart-use-case.js';
import { decide } from '../../../../src/core/decision/decide.js';
import type { RestartHistory } from '../../../../src/core/decision/snapshot.js';
import type { AnalysisReport } from '../../../../src/core/model.js';

export interface GuardContext {
  readonly restartsToday: (name: string) => number;
  /** The Web Bridge known in flight: it stands for the lock's holder. */
  readonly inFlight: string | null;
  readonly apiRealSessions?: { count: number; at: number } | undefined;
}

function historyFromContext(config: WbguardConfig, context: GuardContext): RestartHistory {
  return {
    restartsToday: Object.fromEntries(config.webbridges.map((w) => [w.name, context.restartsToday(w.name)])),
    lastRestart: {},
    lockHolder: context.inFlight,
  };
}

/** One evaluation of the policy at `now`. */
export function evaluatePolicy(
  config: WbguardConfig,
  report: AnalysisReport,
  now: number,
  context: GuardContext & { readonly scheduleDue: boolean },
): Evaluation {
  const snapshot = snapshotOf(
    config,
    report,
    { now, history: historyFromContext(config, context), api: context.apiRealSessions },
    { select: { kind: 'policy', scheduleDue: context.scheduleDue }, force: false },
  );
  return evaluationOf(config.policy.mode, decide(snapshot));
}

/**
 * The guards and the window once more for `name`, just before its command; `inFlight` must not be `name` itself.
 * Undefined: go ahead.
 */
export function recheckRestart(
  config: WbguardConfig,
  report: AnalysisReport,
  name: string,
  context: GuardContext & { readonly now: number },
): { kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined {
  const snapshot = snapshotOf(
    config,
    report,
    { now: context.now, history: historyFromContext(config, context), api: context.apiRealSessions },
    { select: { kind: 'names', names: [name] }, force: false, except: name },
  );
  return verdictOfRecheck(decide(snapshot), true);
}
