/**
 * @module app/daemon/alert-wiring
 * The daemon's alerts: what it feeds the pure conditions (live report, deferred restarts, recent syslog drops,
 * learnt Stats intervals) and the one-shot restart events, delivered through the configured channels.
 */
import {
  type AlertCondition,
  AlertDeduper,
  type AlertNotice,
  activeConditions,
  type ConditionInput,
  clockStepCondition,
  IntervalLearner,
} from '../../core/alerts/index.js';
import type { AnalysisReport } from '../../core/model.js';
import type { Logger } from '../../ports/logger.js';
import { Alerter } from '../alerts/alerter.js';
import { channelsOf } from '../alerts/channels.js';
import type { WbguardConfig } from '../config/index.js';
import type { NodeResult } from '../restart/orchestrator.js';
import type { ApiView } from './api-poller.js';
import type { DaemonMetrics } from './metrics.js';
import type { MmpProbe } from './mmp-probe.js';
import type { Evaluation } from './policy-loop.js';

export interface DaemonAlerts {
  readonly alerter: Alerter;
  /** Counts dropped syslog messages for the `syslog-drops` condition. */
  drops(transport: string, count: number, at: number): void;
  /** One check, after a policy evaluation. */
  check(now: number, report: AnalysisReport, evaluation: Evaluation | undefined): AlertCondition[];
  /** Restart results: one `restart-done` or `restart-failed` event each. */
  restarted(now: number, results: readonly NodeResult[]): void;
  /** The host clock stepped back (./clock-watch.ts): one `clock-step` event. */
  clockStepped(now: number, from: number, to: number): void;
  close(): Promise<void>;
}

/** STATS lines come every 5 minutes: one older than two of them is no longer a fair comparison. */
const STATS_FRESH_MS = 10 * 60_000;

/** Call Bridges whose API count and latest STATS count, both recent, differ by more than `above`. */
export function disagreements(
  now: number,
  report: AnalysisReport,
  views: readonly ApiView[],
  above: number,
): Array<{ name: string; api: number; syslog: number }> {
  const out: Array<{ name: string; api: number; syslog: number }> = [];
  for (const v of views) {
    const cb = report.callbridges.find((c) => c.name === v.name);
    if (!v.count || !cb || cb.cma === null || cb.lastSeen === null) {
      continue;
    }
    const fresh = now - Date.parse(cb.lastSeen) <= STATS_FRESH_MS && now - v.count.at <= STATS_FRESH_MS;
    if (fresh && Math.abs(v.count.acano - cb.cma) > above) {
      out.push({ name: v.name, api: v.count.acano, syslog: cb.cma });
    }
  }
  return out;
}

/** Why triggered Web Bridges were not restarted: the window, or a guard that deferred them. */
export function deferredOf(e: Evaluation): Array<{ name: string; reasons: string[] }> {
  const out: Array<{ name: string; reasons: string[] }> = [];
  for (const d of e.plan.decisions) {
    if (!e.triggered.includes(d.name)) {
      continue;
    }
    if (d.kind === 'defer') {
      out.push({ name: d.name, reasons: [...d.reasons] });
    } else if (d.kind === 'restart' && e.action === 'deferred-window') {
      out.push({ name: d.name, reasons: ['outside the maintenance window (or a blackout day)'] });
    }
  }
  return out;
}

export function createDaemonAlerts(
  config: WbguardConfig,
  metrics: DaemonMetrics,
  log: Logger | undefined,
  startedAt: number,
  sources: {
    readonly mmpFailures?: () => ReturnType<MmpProbe['failures']>;
    readonly apiViews?: () => readonly ApiView[];
    /** Each condition appearing or ending, and each one-shot event, whatever the channels (the store's events). */
    readonly record?: (notice: AlertNotice) => void;
    /** The store refusing writes (./store-health.ts), with the records held back meanwhile. */
    readonly storeFailure?: () => ConditionInput['storeFailure'];
  } = {},
  retryDelaysMs?: readonly number[],
): DaemonAlerts {
  const a = config.alerting;
  const alerter = new Alerter(
    channelsOf(config).map((channel, i) => ({
      channel,
      repeatAfterMs: config.alerts[i]?.repeatAfterMs ?? 4 * 3_600_000,
      events: config.alerts[i]?.events,
    })),
    {
      stateDir: config.state,
      log,
      ...(retryDelaysMs ? { retryDelaysMs } : {}),
      onDelivery: (channel, n, ok) => {
        if (ok) {
          metrics.alertsSent.inc({ channel, event: n.condition.event, status: n.kind });
        } else {
          metrics.alertsFailed.inc({ channel, event: n.condition.event });
        }
      },
    },
  );
  const learner = new IntervalLearner();
  // Transitions only (never repeats): what the store keeps of the alerts.
  const history = new AlertDeduper({ repeatAfterMs: Number.POSITIVE_INFINITY });
  const dropLog: Array<{ at: number; transport: string; count: number }> = [];
  const thresholds = {
    leakAbove: a.leakAbove ?? config.restart.leakThreshold,
    forecastWithinHours: a.forecastWithinHours > 0 ? a.forecastWithinHours : Number.NEGATIVE_INFINITY,
    limit: config.analysis.limit,
    quietAfterMs: (name: string, role: 'webbridge' | 'callbridge') =>
      a.quietIntervals *
      learner.interval(name, role === 'webbridge' ? a.webbridgeStatsIntervalMs : a.callbridgeStatsIntervalMs),
  };
  const event = (now: number, c: Omit<AlertCondition, 'key'>) => {
    const condition = { ...c, key: `${c.event}:${c.cluster}:${c.subject}:${now}` };
    for (const n of history.event(now, condition)) {
      sources.record?.(n);
    }
    alerter.event(now, condition);
  };
  return {
    alerter,
    drops(transport, count, at) {
      dropLog.push({ at, transport, count });
    },
    check(now, report, evaluation) {
      for (const n of [...report.webbridges, ...report.callbridges]) {
        if (n.lastSeen) {
          learner.observe(n.name, Date.parse(n.lastSeen));
        }
      }
      while (dropLog.length > 0 && (dropLog[0]?.at ?? now) < now - a.dropsWindowMs) {
        dropLog.shift();
      }
      const recentDrops: Record<string, number> = {};
      for (const d of dropLog) {
        recentDrops[d.transport] = (recentDrops[d.transport] ?? 0) + d.count;
      }
      const active = activeConditions(
        {
          cluster: config.cluster,
          report,
          now,
          listeningSince: startedAt,
          deferred: evaluation ? deferredOf(evaluation) : [],
          recentDrops,
          mmpFailures: sources.mmpFailures?.() ?? [],
          apiDisagreements: disagreements(now, report, sources.apiViews?.() ?? [], a.apiDisagreeAbove),
          storeFailure: sources.storeFailure?.(),
        },
        thresholds,
      );
      alerter.check(now, active);
      for (const n of history.update(now, active)) {
        sources.record?.(n);
      }
      return active;
    },
    restarted(now, results) {
      for (const r of results) {
        if (r.outcome === 'success') {
          event(now, {
            event: 'restart-done',
            cluster: config.cluster,
            subject: r.name,
            severity: 'info',
            summary: `${r.name} was restarted and verified back (${r.reasons.join('; ') || 'requested'})`,
            facts: { outcome: r.outcome },
          });
        } else if (r.outcome === 'failure' || r.outcome === 'abandoned') {
          event(now, {
            event: 'restart-failed',
            cluster: config.cluster,
            subject: r.name,
            severity: 'critical',
            summary: `restart of ${r.name} ${r.outcome === 'failure' ? 'failed' : 'was abandoned'}: ${r.reasons.join('; ')}`,
            facts: { outcome: r.outcome },
          });
        }
      }
    },
    clockStepped(now, from, to) {
      const { key: _key, ...c } = clockStepCondition(config.cluster, from, to, now);
      event(now, c);
    },
    close: () => alerter.close(),
  };
}
