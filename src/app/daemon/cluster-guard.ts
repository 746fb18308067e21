/**
 * @module app/daemon/cluster-guard
 * The guard of one CMS cluster inside the daemon: its live report, its policy evaluations (its own schedule and
 * windows), its rolling restarts (one at a time in the cluster, under the cluster's lock), its CMS API poller and
 * MMP login probe, and the state the HTTP API shows of it. The daemon runs one per configured cluster over shared
 * listeners, store, journal, leadership and alerts.
 */
import { Cron } from 'croner';
import type { ClusterAnalyzer } from '../../core/analysis/index.js';
import type { AnalysisReport, AnalysisSeries, CmsRecord, LineCounts } from '../../core/model.js';
import { nextAllowedAt } from '../../core/policy/index.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Journal } from '../../ports/journal.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import type { WbguardConfig } from '../config/index.js';
import type { DaemonState } from '../http/server.js';
import { STILL_RESTARTING_MAX_MS, stillRestarting } from '../restart/in-flight.js';
import { restartCounter } from '../restart/journal-reads.js';
import { targetFor } from '../restart/mmp-wiring.js';
import { type NodeResult, runRollingRestart } from '../restart/orchestrator.js';
import { makePlan, restartInputs, restartSettingsOf } from '../restart/plan.js';
import { recheckRestart } from '../restart/recheck.js';
import { ApiPoller } from './api-poller.js';
import type { DaemonLeadership } from './leadership.js';
import type { DaemonMetrics } from './metrics.js';
import { MmpProbe } from './mmp-probe.js';
import { nodeVerifiers, planJournalEntry } from './node-verifiers.js';
import { type Evaluation, evaluatePolicy } from './policy-loop.js';

/**
 * What every cluster's guard shares with the others. The randomized model (test/prove) gives the same guard its
 * in-memory store, journal and lock and its own clock and sleep: it proves this code, not a copy of it.
 */
export interface SharedParts {
  readonly now: () => number;
  readonly log: Logger | undefined;
  readonly store: Pick<AsyncStore, 'appendEvent'>;
  readonly journal: Journal;
  readonly lock: RestartLock;
  /** Waits between verification attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly leadership: DaemonLeadership;
  readonly mmp: MmpClient;
  readonly metrics: DaemonMetrics;
  readonly lines: LineCounts;
  readonly subscribe: (listener: (r: CmsRecord) => void) => () => void;
  readonly unknownHosts: () => Record<string, number>;
  /** Writes in the background: a store briefly away costs a logged line, never the guard. */
  readonly keep: (p: Promise<unknown>) => void;
  /** Restart results, once a rolling run ends (alerts). */
  readonly onRestarted: (results: readonly NodeResult[], cluster: string) => void;
  readonly stopping: AbortSignal;
}

/** Σ active − Σ real sessions, with the fresher count of real sessions: the CMS API's, or the STATS lines'. */
export function leakEstimateOf(
  report: AnalysisReport,
  api: { count: number; at: number } | undefined,
): { value: number; source: 'api' | 'syslog'; at: string | null } {
  // The STATS view is as old as its oldest Call Bridge line (the Σ needs every one of them).
  const seen = report.callbridges.map((c) => (c.lastSeen === null ? Number.NEGATIVE_INFINITY : Date.parse(c.lastSeen)));
  const syslogAt = seen.length > 0 ? Math.min(...seen) : Number.NEGATIVE_INFINITY;
  if (api && api.at >= syslogAt) {
    return { value: Math.max(0, report.cluster.active - api.count), source: 'api', at: new Date(api.at).toISOString() };
  }
  return {
    value: report.cluster.leaked,
    source: 'syslog',
    at: Number.isFinite(syslogAt) ? new Date(syslogAt).toISOString() : null,
  };
}

export class ClusterGuard {
  readonly name: string;
  /** The configuration scoped to this cluster (config/scope.ts). */
  readonly config: WbguardConfig;
  readonly api: ApiPoller;
  readonly probe: MmpProbe;
  readonly #analyzer: ClusterAnalyzer;
  readonly #shared: SharedParts;
  readonly #cron: Cron | undefined;
  #lastEvaluation: number;
  #running: Promise<NodeResult[]> | undefined;
  #nextWindowMemo = { at: Number.NaN, value: null as string | null };

  constructor(config: WbguardConfig, analyzer: ClusterAnalyzer, shared: SharedParts) {
    this.name = config.cluster;
    this.config = config;
    this.#analyzer = analyzer;
    this.#shared = shared;
    this.api = new ApiPoller(config, shared.now, shared.log);
    this.probe = new MmpProbe(config, shared.mmp, shared.now, () => this.#running !== undefined, shared.log);
    this.#cron = config.policy?.schedule
      ? new Cron(config.policy.schedule, { paused: true, mode: '5-part', timezone: config.policy.tz })
      : undefined;
    this.#lastEvaluation = shared.now();
  }

  report(at = this.#shared.now()): AnalysisReport {
    return this.#analyzer.report(this.#shared.lines, at);
  }

  series(): AnalysisSeries {
    return this.#analyzer.series();
  }

  /** A rolling restart is running in this cluster. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * What the guards need to know beyond the report. "One at a time" counts the lock's holder and also a Web Bridge
   * still down after a failed restart (not seen since its command); `except` is the one being rechecked, not in
   * flight to itself (test/prove found both).
   */
  context(except?: string, report: AnalysisReport = this.report()) {
    const { journal, lock, now } = this.#shared;
    return {
      restartsToday: restartCounter(journal, this.name, now()),
      inFlight:
        lock.holder(this.name, now())?.node ??
        stillRestarting(journal.history(now() - STILL_RESTARTING_MAX_MS), report, this.name, now(), except),
      apiRealSessions: this.api.realSessions(this.config.restart.staleAfterMs),
    };
  }

  /** The plan as it stands (nothing acts). */
  plan(report: AnalysisReport = this.report()): Evaluation {
    return evaluatePolicy(this.config, report, this.#shared.now(), {
      scheduleDue: false,
      ...this.context(undefined, report),
    });
  }

  /**
   * One evaluation at `t`. The leader journals what leads to an action or a deferral and, in enforce, starts the
   * rolling restart; a follower only watches.
   */
  evaluate(t: number): Evaluation {
    const cron = this.#cron;
    const scheduleDue = cron
      ? (cron.nextRun(new Date(this.#lastEvaluation))?.getTime() ?? Number.POSITIVE_INFINITY) <= t
      : false;
    this.#lastEvaluation = t;
    const report = this.report(t);
    const e = evaluatePolicy(this.config, report, t, { scheduleDue, ...this.context(undefined, report) });
    if (!this.#shared.leadership.isLeader()) {
      return { ...e, action: 'none' };
    }
    const trigger = scheduleDue ? 'daemon:schedule' : 'daemon:leak';
    if (e.action !== 'none') {
      this.#shared.keep(
        this.#shared.store.appendEvent(e.action, {
          cluster: this.name,
          order: e.plan.order,
          decisions: e.plan.decisions.map((d) => ({ name: d.name, kind: d.kind, reasons: d.reasons })),
        }),
      );
      this.#shared.journal.append(planJournalEntry(e, trigger, this.name));
    }
    if (e.action === 'restart') {
      void this.restart(e.plan, trigger);
    }
    return e;
  }

  /** A restart asked for by name (HTTP), through the same guards; all of the cluster's Web Bridges without names. */
  restartNamed(names: readonly string[] | undefined): Promise<NodeResult[]> {
    const { now } = this.#shared;
    const chosen = names ?? this.config.webbridges.map((w) => w.name);
    const report = this.report();
    const plan = makePlan(
      restartInputs(chosen, report, { now: now(), force: false, ...this.context(undefined, report) }),
      this.config,
    );
    return this.restart(plan, 'http:api');
  }

  /** The rolling restart of a plan; while one runs, asking again returns the running one. */
  restart(plan: Evaluation['plan'], trigger: string): Promise<NodeResult[]> {
    if (this.#running) {
      return this.#running;
    }
    const { leadership, log, now } = this.#shared;
    // With ha: the cluster's lock in the database, with the leader's token, for the whole rolling run.
    const fenced = leadership.fenceCluster(this.name, plan.order[0] ?? '');
    this.#running = fenced
      .then(async (fence): Promise<NodeResult[]> => {
        if (!fence.ok) {
          const reason = fence.reason ?? 'not the leader';
          return plan.decisions.map((d) =>
            d.kind === 'restart'
              ? { name: d.name, outcome: 'deferred' as const, reasons: [reason] }
              : {
                  name: d.name,
                  outcome: d.kind === 'skip' ? ('skipped' as const) : ('deferred' as const),
                  reasons: d.reasons,
                },
          );
        }
        try {
          return await runRollingRestart(
            plan,
            restartSettingsOf(this.config),
            {
              mmp: this.#shared.mmp,
              journal: this.#shared.journal,
              lock: this.#shared.lock,
              targetOf: (n) => targetFor(this.config, n),
              verifiersFor: nodeVerifiers(
                this.config,
                this.#shared.mmp,
                this.#shared.subscribe,
                () => this.report().cluster.cma,
              ),
              trigger,
              now,
              sleep: this.#shared.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
              onProgress: (line) => log?.info({ cluster: this.name, line }, 'restart progress'),
              signal: this.#shared.stopping,
              // A rolling plan is minutes old by its second node: the guards and the window are asked again before each.
              recheck: (n: string) => this.#recheck(n),
            },
            { keepGoing: false },
          );
        } finally {
          await fence.release().catch((err: Error) => log?.error({ err: err.message }, 'restart lock not released'));
        }
      })
      .then((results) => {
        for (const r of results) {
          if (r.outcome === 'success' || r.outcome === 'failure' || r.outcome === 'abandoned') {
            this.#shared.metrics.restarts.inc({ webbridge: r.name, result: r.outcome, cluster: this.name });
          }
          if (r.outcome === 'failure' || r.outcome === 'abandoned') {
            log?.error(
              { cluster: this.name, node: r.name, outcome: r.outcome, reasons: r.reasons, err: r.error },
              'webbridge restart failed',
            );
          }
        }
        this.#shared.keep(
          this.#shared.store.appendEvent(
            'restart',
            results.map((r) => ({ name: r.name, outcome: r.outcome, reasons: r.reasons, cluster: this.name })),
          ),
        );
        this.#shared.onRestarted(results, this.name);
        this.#running = undefined;
        return results;
      });
    return this.#running;
  }

  /** The guards and the window asked again for `n`, on a fresh report, by the leader only. */
  #recheck(n: string) {
    if (!this.#shared.leadership.isLeader()) {
      return { kind: 'defer' as const, reasons: ['this instance lost the leadership'] };
    }
    const report = this.report();
    return recheckRestart(this.config, report, n, { now: this.#shared.now(), ...this.context(n, report) });
  }

  /** Waits for a running restart (which the shared abort signal stops) to end. */
  async settle(): Promise<void> {
    await this.#running?.catch(() => []);
  }

  #nextWindow(t: number): string | null {
    // The search walks minutes forward: once a minute is enough.
    if (Math.floor(t / 60_000) !== Math.floor(this.#nextWindowMemo.at / 60_000)) {
      const p = this.config.policy;
      const next = nextAllowedAt(t, p.windows, p.blackouts, p.tz);
      this.#nextWindowMemo = { at: t, value: next === null ? null : new Date(next).toISOString() };
    }
    return this.#nextWindowMemo.value;
  }

  /** What `/api/v1/state` shows of this cluster. */
  state(): DaemonState {
    const { now, leadership, lock } = this.#shared;
    const report = this.report(now());
    return {
      ...report,
      clusterName: this.name,
      role: leadership.role(),
      limit: this.config.analysis.limit,
      mode: this.config.policy?.mode ?? 'dry-run',
      windowOpen: this.plan(report).windowOpen,
      nextWindow: this.#nextWindow(now()),
      restarting: lock.holder(this.name, now())?.node ?? null,
      unknownHosts: this.#shared.unknownHosts(),
      api: this.api.views(),
      mmp: this.probe.results(),
      leakEstimate: leakEstimateOf(report, this.api.realSessions(Number.POSITIVE_INFINITY)),
    };
  }
}
