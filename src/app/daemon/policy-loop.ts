/**
 * @module app/daemon/policy-loop
 * What the daemon does with one decision (core/decision/decide.ts) of its policy: nothing in `observe`, wait for
 * the maintenance window when it is closed (a missed window is never caught up: a schedule that fired outside it
 * is dropped), else journal the plan (`dry-run`) or restart (`enforce`). `GET /api/v1/plan` shows the same.
 */
import type { Decision } from '../../core/decision/decide.js';
import type { RollingPlan } from '../../core/policy/index.js';

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

/** The daemon's evaluation of a decision made for its policy (`select: policy`). */
export function evaluationOf(mode: Mode, d: Decision): Evaluation {
  let action: Evaluation['action'] = 'none';
  if (d.plan.order.length > 0 && mode !== 'observe') {
    action = !d.windowOpen ? 'deferred-window' : mode === 'enforce' ? 'restart' : 'would-restart';
  }
  return {
    at: new Date(d.now).toISOString(),
    mode,
    windowOpen: d.windowOpen,
    triggered: d.considered,
    plan: d.plan,
    action,
  };
}
