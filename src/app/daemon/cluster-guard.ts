/**
 * @module app/daemon/cluster-guard
 * The guard of one CMS cluster inside the daemon: its live report, its policy evaluations (its own schedule and
 * windows), its rolling restarts (one at a time in the cluster, under the cluster's lock), its CMS API poller and
 * MMP login probe. It decides and restarts through the restart use case (app/restart/restart-use-case.ts), like
 * every door; what the HTTP API shows of it is built by view-model.ts. The daemon runs one per configured cluster
 * over shared listeners, store, journal, leadership and alerts.
 */
import { Cron } from 'croner';
import type { ClusterAnalyzer } from '../../core/analysis/index.js';
import type { AnalysisReport, AnalysisSeries, CmsRecord, LineCounts } from '../../core/model.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Journal } from '../../ports/journal.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import type { RestartLock } from '../../ports/restart-lock.js';
import type { WbguardConfig } from '../config/index.js';
import { targetFor } from '../restart/mmp-wiring.js';
import type { NodeResult } from '../restart/orchestrator.js';
import { planRestart, type RestartSources, runRestart } from '../restart/restart-use-case.js';
import { ApiPoller } from './api-poller.js';
import type { DaemonLeadership } from './leadership.js';
import type { DaemonMetrics } from './metrics.js';
import { MmpProbe } from './mmp-probe.js';
import { nodeVerifiers, planJournalEntry } from './node-verifiers.js';
import { type Evaluation, evaluationOf } from './policy-loop.js';
import { ClusterView, type DaemonState } from './view-model.js';

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

export class ClusterGuard {
  readonly name: string;
  /** The configuration scoped to this cluster (config/scope.ts). */
  readonly config: WbguardConfig;
  readonly api: ApiPoller;
  readonly probe: MmpProbe;
  readonly #analyzer: ClusterAnalyzer;
  readonly #shared: SharedParts;
  readonly #cron: Cron | undefined;
  readonly #view: ClusterView;
  #lastEvaluation: number;
  #running: Promise<NodeResult[]> | undefined;

  constructor(config: WbguardConfig, analyzer: ClusterAnalyzer, shared: SharedParts) {
    this.name = config.cluster;
    this.config = config;
    this.#analyzer = analyzer;
    this.#shared = shared;
    this.api = new ApiPoller(config, shared.now, shared.log);
    this.probe = new MmpProbe(config, shared.mmp, shared.now, () => this.#running !== undefined, shared.log);
    this.#cron = config.policy.schedule
      ? new Cron(config.policy.schedule, { paused: true, mode: '5-part', timezone: config.policy.tz })
      : undefined;
    this.#lastEvaluation = shared.now();
    this.#view = new ClusterView(config);
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
   * Where the restart use case reads the present: this cluster's live report (at `at`, else now), the CMS API's
   * count when fresh enough for the guards, the shared journal and lock.
   */
  sources(at?: number, report?: AnalysisReport): RestartSources {
    const { journal, lock, now } = this.#shared;
    return {
      config: this.config,
      report: () => report ?? this.report(at ?? now()),
      api: () => this.api.realSessions(this.config.restart.staleAfterMs),
      journal,
      lock,
      now: at === undefined ? now : () => at,
    };
  }

  /** The plan as it stands (nothing acts): what `GET /api/v1/plan` shows. */
  plan(report?: AnalysisReport): Evaluation {
    const src = this.sources(undefined, report);
    return evaluationOf(
      this.config.policy.mode,
      planRestart(src, { select: { kind: 'policy', scheduleDue: false }, force: false }),
    );
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
    const e = evaluationOf(
      this.config.policy.mode,
      planRestart(this.sources(t), { select: { kind: 'policy', scheduleDue }, force: false }),
    );
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

  /**
   * A restart asked for over HTTP (the API, the dashboard's button), through the same use case and guards as every
   * door; all of the cluster's Web Bridges without names.
   */
  restartNamed(names: readonly string[] | undefined): Promise<NodeResult[]> {
    const select = names ? { kind: 'names' as const, names } : { kind: 'all' as const };
    return this.restart(planRestart(this.sources(), { select, force: false }).plan, 'http:api');
  }

  /** The rolling restart of a plan; while one runs, asking again returns the running one. */
  restart(plan: Evaluation['plan'], trigger: string): Promise<NodeResult[]> {
    if (this.#running) {
      return this.#running;
    }
    const { leadership, log } = this.#shared;
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
          return await runRestart(
            this.sources(),
            { plan },
            {
              mmp: this.#shared.mmp,
              journal: this.#shared.journal,
              targetOf: (n) => targetFor(this.config, n),
              verifiersFor: nodeVerifiers(
                this.config,
                this.#shared.mmp,
                this.#shared.subscribe,
                () => this.report().cluster.cma,
              ),
              trigger,
              sleep: this.#shared.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
              onProgress: (line) => log?.info({ cluster: this.name, line }, 'restart progress'),
              signal: this.#shared.stopping,
              // A rolling plan is minutes old by its second node: the guards and the window are asked again before
              // each, by the leader only.
              recheck: { window: true, stillLeading: () => this.#shared.leadership.isLeader() },
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

  /** Waits for a running restart (which the shared abort signal stops) to end. */
  async settle(): Promise<void> {
    await this.#running?.catch(() => []);
  }

  /** What `/api/v1/state` shows of this cluster (view-model.ts builds it). */
  state(): DaemonState {
    const { now, leadership, lock } = this.#shared;
    const at = now();
    return this.#view.state({
      at,
      report: this.report(at),
      role: leadership.role(),
      restarting: lock.holder(this.name, at)?.node ?? null,
      unknownHosts: this.#shared.unknownHosts(),
      api: this.api.views(),
      apiCount: this.api.realSessions(Number.POSITIVE_INFINITY),
      mmp: this.probe.results(),
    });
  }
}
