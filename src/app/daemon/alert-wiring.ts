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
import { clustersOf, type WbguardConfig } from '../config/index.js';
import type { NodeResult } from '../restart/orchestrator.js';
import type { ApiView } from './api-poller.js';
import type { DaemonMetrics } from './metrics.js';
import type { MmpProbe } from './mmp-probe.js';
import type { Evaluation } from './policy-loop.js';

/** What the alerts look at in one cluster at a check. */
export interface ClusterAlertInput {
  readonly cluster: string;
  readonly report: AnalysisReport;
  readonly evaluation: Evaluation | undefined;
  readonly mmpFailures?: ReturnType<MmpProbe['failures']>;
  readonly apiViews?: readonly ApiView[];
}

export interface DaemonAlerts {
  readonly alerter: Alerter;
  /** Counts dropped syslog messages for the `syslog-drops` condition. */
  drops(transport: string, count: number, at: number): void;
  /**
   * One check of every cluster, after their policy evaluations. All clusters at once: a condition missing from a
   * check has recovered. Conditions of the whole daemon (syslog drops) are reported under the first cluster.
   * `deliver` false computes them without notifying anyone or recording them. @default true
   */
  check(now: number, clusters: readonly ClusterAlertInput[], deliver?: boolean): AlertCondition[];
  /**
   * The conditions open now, for the dashboard and the API. A follower of an HA group (which checks with `deliver`
   * false: the leader alone notifies) shows what its last check found.
   */
  open(): readonly AlertCondition[];
  /** Restart results: one `restart-done` or `restart-failed` event each. */
  restarted(now: number, results: readonly NodeResult[], cluster: string): void;
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
  let watched: readonly AlertCondition[] | undefined;
  // Node names are unique within a cluster only: the learnt intervals are kept per cluster.
  const learnt = (cluster: string, name: string) => `${cluster}\u0000${name}`;
  const thresholdsOf = (cluster: string) => ({
    leakAbove: a.leakAbove ?? config.restart.leakThreshold,
    forecastWithinHours: a.forecastWithinHours > 0 ? a.forecastWithinHours : Number.NEGATIVE_INFINITY,
    limit: config.analysis.limit,
    quietAfterMs: (name: string, role: 'webbridge' | 'callbridge') =>
      a.quietIntervals *
      learner.interval(
        learnt(cluster, name),
        role === 'webbridge' ? a.webbridgeStatsIntervalMs : a.callbridgeStatsIntervalMs,
      ),
  });
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
    check(now, clusters, deliver = true) {
      for (const k of clusters) {
        for (const n of [...k.report.webbridges, ...k.report.callbridges]) {
          if (n.lastSeen) {
            learner.observe(learnt(k.cluster, n.name), Date.parse(n.lastSeen));
          }
        }
      }
      while (dropLog.length > 0 && (dropLog[0]?.at ?? now) < now - a.dropsWindowMs) {
        dropLog.shift();
      }
      const recentDrops: Record<string, number> = {};
      for (const d of dropLog) {
        recentDrops[d.transport] = (recentDrops[d.transport] ?? 0) + d.count;
      }
      const active = clusters.flatMap((k, i) =>
        activeConditions(
          {
            cluster: k.cluster,
            report: k.report,
            now,
            listeningSince: startedAt,
            deferred: k.evaluation ? deferredOf(k.evaluation) : [],
            // Conditions of the whole daemon (drops, the store) under the first cluster, once.
            recentDrops: i === 0 ? recentDrops : {},
            mmpFailures: k.mmpFailures ?? [],
            apiDisagreements: disagreements(now, k.report, k.apiViews ?? [], a.apiDisagreeAbove),
            storeFailure: i === 0 ? sources.storeFailure?.() : undefined,
          },
          thresholdsOf(k.cluster),
        ),
      );
      if (!deliver) {
        watched = active;
        return active;
      }
      watched = undefined;
      alerter.check(now, active);
      for (const n of history.update(now, active)) {
        sources.record?.(n);
      }
      return active;
    },
    open: () => watched ?? alerter.open(),
    restarted(now, results, cluster) {
      for (const r of results) {
        if (r.outcome === 'success') {
          event(now, {
            event: 'restart-done',
            cluster,
            subject: r.name,
            severity: 'info',
            summary: `${r.name} was restarted and verified back (${r.reasons.join('; ') || 'requested'})`,
            facts: { outcome: r.outcome },
          });
        } else if (r.outcome === 'failure' || r.outcome === 'abandoned') {
          event(now, {
            event: 'restart-failed',
            cluster,
            subject: r.name,
            severity: 'critical',
            summary: `restart of ${r.name} ${r.outcome === 'failure' ? 'failed' : 'was abandoned'}: ${r.reasons.join('; ')}`,
            facts: { outcome: r.outcome },
          });
        }
      }
    },
    clockStepped(now, from, to) {
      const { key: _key, ...c } = clockStepCondition(clustersOf(config)[0]?.name ?? config.cluster, from, to, now);
      event(now, c);
    },
    close: () => alerter.close(),
  };
}
