/**
 * @module app/restart/recheck
 * The guards and the maintenance window once more, for one Web Bridge, just before its restart command: the
 * orchestrator's `recheck` for the daemon (a plan made minutes earlier no longer speaks for the present).
 */
import type { AnalysisReport } from '../../core/model.js';
import { inBlackout, insideWindow } from '../../core/policy/index.js';
import type { WbguardConfig } from '../config/index.js';
import { makePlan, restartInputs } from './plan.js';

/**
 * `inFlight` is the other Web Bridge of the cluster being restarted (the lock's holder, or stillRestarting with
 * `except: name`); it must not be `name` itself.
 */
export function recheckRestart(
  config: WbguardConfig,
  report: AnalysisReport,
  name: string,
  context: {
    now: number;
    restartsToday: (name: string) => number;
    inFlight: string | null;
    apiRealSessions?: { count: number; at: number } | undefined;
  },
): { kind: 'skip' | 'defer'; reasons: readonly string[] } | undefined {
  const policy = config.policy;
  if (policy) {
    if (!insideWindow(context.now, policy.windows) || inBlackout(context.now, policy.blackouts, policy.tz)) {
      return { kind: 'defer', reasons: ['window: the maintenance window has closed (or today is a blackout date)'] };
    }
  }
  const [decision] = makePlan(restartInputs([name], report, { ...context, force: false }), config).decisions;
  if (!decision || decision.kind === 'restart') {
    return undefined;
  }
  return { kind: decision.kind, reasons: decision.reasons };
}
