/**
 * @module app/restart/plan
 * Turns what is known (an analysis report, the journal, the lock) into the policy's inputs for the chosen Web
 * Bridges, and the plan into text and JSON for people and scripts.
 */
import type { AnalysisReport } from '../../core/model.js';
import {
  evaluateRestart,
  type GuardThresholds,
  planRollingRestart,
  type RestartInput,
  type RollingPlan,
} from '../../core/policy/index.js';
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

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** Policy inputs for each named Web Bridge; `report` is undefined when no session data was given (only --force). */
export function restartInputs(
  names: readonly string[],
  report: AnalysisReport | undefined,
  context: {
    now: number;
    force: boolean;
    restartsToday: (name: string) => number;
    inFlight: string | null;
    /** Σ real CMA legs counted by the CMS API, when every Call Bridge has one (fresher than syslog's 5 minutes). */
    apiRealSessions?: { count: number; at: number } | undefined;
  },
): RestartInput[] {
  const cbs = report?.callbridges ?? [];
  const cbTimes = cbs.map((c) => ms(c.lastSeen)).filter((t): t is number => t !== null);
  const clusterCma = cbs.length === 0 ? null : cbs.reduce((a, c) => a + (c.cma ?? 0), 0);
  const allTimes = [...(report?.webbridges ?? []).map((w) => ms(w.lastSeen)), ...cbTimes].filter(
    (t): t is number => t !== null,
  );
  const newestDataAt = allTimes.length > 0 ? Math.max(...allTimes) : null;
  return names.map((name) => {
    const wb = report?.webbridges.find((w) => w.name === name);
    return {
      name,
      now: context.now,
      active: wb?.active ?? null,
      webbridgeSeenAt: ms(wb?.lastSeen),
      clusterCma,
      oldestCallbridgeSeenAt: cbTimes.length === cbs.length && cbTimes.length > 0 ? Math.min(...cbTimes) : null,
      newestDataAt,
      restartsToday: context.restartsToday(name),
      restartInFlight: context.inFlight,
      force: context.force,
      ...(context.apiRealSessions ? { apiRealSessions: context.apiRealSessions } : {}),
    };
  });
}

export function makePlan(inputs: readonly RestartInput[], config: WbguardConfig): RollingPlan {
  const t = thresholdsOf(config);
  return planRollingRestart(
    inputs.map((i) => evaluateRestart(i, t)),
    t.limit,
  );
}

export function renderPlan(plan: RollingPlan): string {
  const lines: string[] = [];
  lines.push(
    plan.order.length > 0
      ? `Plan: restart ${plan.order.join(' → ')}, one at a time, each verified back before the next`
      : 'Plan: no Web Bridge to restart',
  );
  for (const d of plan.decisions) {
    lines.push(`  ${d.name}: ${d.kind.toUpperCase()}`);
    for (const g of d.guards) {
      const mark = g.verdict === 'pass' ? 'ok  ' : g.verdict === 'forced' ? 'FORCED' : 'NO  ';
      lines.push(`    ${mark} ${g.guard.padEnd(14)} ${g.detail}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderResults(results: readonly NodeResult[]): string {
  return `${results.map((r) => `  ${r.name}: ${r.outcome}${r.reasons.length && r.outcome !== 'success' ? ` — ${r.reasons.join('; ')}` : ''}`).join('\n')}\n`;
}
