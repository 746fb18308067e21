/**
 * @module app/restart/plan
 * The configuration's restart settings and thresholds, and the plan as text for people.
 */
import type { GuardThresholds, RollingPlan } from '../../core/policy/index.js';
import type { WbguardConfig } from '../config/index.js';
import type { NodeResult, RestartSettings } from './orchestrator.js';

/** The orchestrator's settings from the configuration. */
export function restartSettingsOf(config: WbguardConfig): RestartSettings {
  return {
    cluster: config.cluster,
    restartCommand: config.mmp.restartCommand,
    commandTimeoutMs: config.mmp.commandTimeoutMs,
    verifyTimeoutMs: config.restart.verifyTimeoutMs,
    verifyHealthyReadings: config.restart.verifyHealthyReadings,
    verifyIntervalMs: config.restart.verifyIntervalMs,
  };
}

export function thresholdsOf(config: WbguardConfig): GuardThresholds {
  return {
    maxActiveSessions: config.restart.maxActiveSessions,
    leakThreshold: config.restart.leakThreshold,
    nearLimitMargin: config.restart.nearLimitMargin,
    staleAfterMs: config.restart.staleAfterMs,
    maxPerDay: config.restart.maxPerDay,
    limit: config.analysis.limit,
  };
}

/** Why the leak trigger considered each Web Bridge it chose (Decision.selectedBecause); shown above its guards. */
type SelectedBecause = Readonly<Record<string, string>>;

export function renderPlan(plan: RollingPlan, because: SelectedBecause = {}): string {
  const lines: string[] = [];
  lines.push(
    plan.order.length > 0
      ? `Plan: restart ${plan.order.join(' → ')}, one at a time, each verified back before the next`
      : 'Plan: no Web Bridge to restart',
  );
  lines.push(...decisionLines(plan, because));
  return `${lines.join('\n')}\n`;
}

/**
 * The Web Bridges `--leaking` did not select, with every guard's numbers: why none (or only some) is worth a
 * restart is then on screen, not only that.
 */
export function renderNotWorthIt(plan: RollingPlan, none: boolean): string {
  const head = none
    ? 'No Web Bridge is leaking enough to be worth a restart. The guards of each:'
    : 'Not leaking enough to be worth a restart:';
  return `${[head, ...decisionLines(plan, {})].join('\n')}\n`;
}

function decisionLines(plan: RollingPlan, because: SelectedBecause): string[] {
  const lines: string[] = [];
  for (const d of plan.decisions) {
    lines.push(`  ${d.name}: ${d.kind.toUpperCase()}`);
    if (because[d.name]) {
      lines.push(`    why  ${'considered'.padEnd(14)} ${because[d.name]}`);
    }
    for (const g of d.guards) {
      const mark = g.verdict === 'pass' ? 'ok  ' : g.verdict === 'forced' ? 'FORCED' : 'NO  ';
      lines.push(`    ${mark} ${g.guard.padEnd(14)} ${g.detail}`);
    }
  }
  return lines;
}

export function renderResults(results: readonly NodeResult[]): string {
  return `${results.map((r) => `  ${r.name}: ${r.outcome}${r.reasons.length && r.outcome !== 'success' ? ` — ${r.reasons.join('; ')}` : ''}`).join('\n')}\n`;
}
