/**
 * @module core/policy/rolling-plan
 * Orders the Web Bridges of one cluster for a rolling restart: one at a time, the ones locking users out first.
 */
import type { RestartDecision } from './restart-policy.js';

export interface RollingPlan {
  /** Web Bridges to restart, in order; each only after the previous one was verified back. */
  readonly order: readonly string[];
  /** Every decision, in the same order as `order` first, then the rest by name. */
  readonly decisions: readonly RestartDecision[];
}

/** Sort key: at or near the limit first (highest active), then most leaked, then name for a stable order. */
function compareUrgency(a: RestartDecision, b: RestartDecision, limit: number): number {
  const aAtLimit = (a.active ?? 0) >= limit ? 1 : 0;
  const bAtLimit = (b.active ?? 0) >= limit ? 1 : 0;
  if (aAtLimit !== bAtLimit) {
    return bAtLimit - aAtLimit;
  }
  const byLeak = (b.leakedMin ?? -1) - (a.leakedMin ?? -1);
  if (byLeak !== 0) {
    return byLeak;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function planRollingRestart(decisions: readonly RestartDecision[], limit: number): RollingPlan {
  const restart = decisions.filter((d) => d.kind === 'restart').sort((a, b) => compareUrgency(a, b, limit));
  const others = decisions
    .filter((d) => d.kind !== 'restart')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { order: restart.map((d) => d.name), decisions: [...restart, ...others] };
}
