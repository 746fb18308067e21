/**
 * @module app/daemon/policy-loop
 * One evaluation of the daemon's policy: which Web Bridges a trigger makes candidates (the leak, a forecast within
 * N hours, or the cron schedule firing), what the guards say, whether a maintenance window is open, and — only in
 * `enforce` mode — the guarded rolling restart. A missed window is never caught up: a schedule that fired outside
 * the window is dropped.
 */
import type { AnalysisReport } from '../../core/model.js';
import { inBlackout, insideWindow, type RollingPlan } from '../../core/policy/index.js';
import type { WbguardConfig } from '../config/index.js';
import { makePlan, restartInputs, thresholdsOf } from '../restart/plan.js';

export type Mode = 'observe' | 'dry-run' | 'enforce';

export interface Evaluation {
  readonly at: string;
  readonly mode: Mode;
  readonly windowOpen: boolean;
  readonly triggered: readonly string[];
  readonly plan: RollingPlan;
  /** What the daemon does with the plan. */
  readonly action: 'none' | 'would-restart' | 'restart' | 'deferred-window';
}

export function evaluatePolicy(
  config: WbguardConfig,
  report: AnalysisReport,
  now: number,
  context: {
    scheduleDue: boolean;
    restartsToday: (name: string) => number;
    inFlight: string | null;
    apiRealSessions?: { count: number; at: number } | undefined;
  },
): Evaluation {
  const policy = config.policy ?? {
    mode: 'dry-run' as const,
    leakTrigger: true,
    forecastWithinHours: 24,
    windows: [],
    blackouts: [],
    tz: 'UTC',
  };
  const t = thresholdsOf(config);
  const triggered = config.webbridges
    .map((w) => w.name)
    .filter((name) => {
      if (context.scheduleDue) {
        return true;
      }
      const w = report.webbridges.find((x) => x.name === name);
      if (!w || !policy.leakTrigger) {
        return false;
      }
      const soon =
        w.limitForecast?.inHours !== null &&
        w.limitForecast?.inHours !== undefined &&
        w.limitForecast.inHours <= policy.forecastWithinHours;
      return (w.leakedMin ?? 0) >= t.leakThreshold || (w.active ?? 0) >= t.limit - t.nearLimitMargin || soon;
    });
  const plan = makePlan(
    restartInputs(triggered, report, {
      now,
      force: false,
      restartsToday: context.restartsToday,
      inFlight: context.inFlight,
      apiRealSessions: context.apiRealSessions,
    }),
    config,
  );
  const windowOpen = insideWindow(now, policy.windows) && !inBlackout(now, policy.blackouts, policy.tz);
  let action: Evaluation['action'] = 'none';
  if (plan.order.length > 0) {
    if (policy.mode === 'observe') {
      action = 'none';
    } else if (!windowOpen) {
      action = 'deferred-window';
    } else {
      action = policy.mode === 'enforce' ? 'restart' : 'would-restart';
    }
  }
  return { at: new Date(now).toISOString(), mode: policy.mode, windowOpen, triggered, plan, action };
}
