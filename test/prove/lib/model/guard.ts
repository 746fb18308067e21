/**
 * @module test/prove/lib/model/guard
 * One process of `wbguard run`, wired as src/app/daemon/daemon.ts wires it (its `evaluate` and `restart`), from the
 * real pieces: the ClusterAnalyzer, evaluatePolicy (policy-loop), the rolling-restart orchestrator, the live Stats
 * verifier and the MMP status verifier. Only I/O is replaced: store, journal and lock are in memory (fakes.ts),
 * the MMP and the clock are the model's. Keep this in step with daemon.ts: the model proves the wiring it mirrors.
 */
import { Cron } from 'croner';
import { callbridgeNameMap, type WbguardConfig, webbridgeNameMap } from '../../../../src/app/config/index.js';
import { nodeVerifiers, planJournalEntry } from '../../../../src/app/daemon/node-verifiers.js';
import type { Evaluation } from '../../../../src/app/daemon/policy-loop.js';
import { stillRestarting } from '../../../../src/app/restart/in-flight.js';
import { restartCounter } from '../../../../src/app/restart/journal-reads.js';
import { targetFor } from '../../../../src/app/restart/mmp-wiring.js';
import { type NodeResult, runRollingRestart } from '../../../../src/app/restart/orchestrator.js';
import { restartSettingsOf } from '../../../../src/app/restart/plan.js';
import { ClusterAnalyzer } from '../../../../src/core/analysis/index.js';
import type { AnalysisReport, CmsRecord, LineCounts } from '../../../../src/core/model.js';
import type { MmpClient } from '../../../../src/ports/mmp.js';
import { evaluatePolicy, recheckRestart } from './context-decision.js';
import type { MemoryJournal, MemoryStore, ModelLock, ModelProcess } from './fakes.js';

export interface GuardDeps {
  readonly config: WbguardConfig;
  readonly store: MemoryStore;
  readonly journal: MemoryJournal;
  readonly lock: ModelLock;
  readonly mmp: MmpClient;
  readonly process: ModelProcess;
  /** The host's wall clock (may be stepped). */
  readonly now: () => number;
  /** Resolves after `ms` of real (monotonic) time, never if the process died meanwhile. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly retentionMs: number;
  /**
   * `daemon`: exactly as daemon.ts wires it today. `proposed`: plus the fixes that need two lines in daemon.ts
   * (docs/reliability.md): `inFlight` also counts a Web Bridge still down after a failed restart (stillRestarting),
   * and the orchestrator checks the guards and the window again before each node (recheckRestart).
   */
  readonly wiring: 'daemon' | 'proposed';
}

export class ModelGuard {
  readonly #d: GuardDeps;
  readonly #analyzer: ClusterAnalyzer;
  readonly #lines: LineCounts = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  readonly #listeners = new Set<(r: CmsRecord) => void>();
  readonly #cron: Cron | undefined;
  #lastEvaluation: number;
  #running: Promise<NodeResult[]> | undefined;
  readonly #stopping = new AbortController();
  evaluations = 0;

  constructor(d: GuardDeps) {
    this.#d = d;
    const c = d.config;
    this.#analyzer = new ClusterAnalyzer({
      limit: c.analysis.limit,
      cmaClients: c.analysis.cmaClients,
      staleAfterMs: c.analysis.staleAfterMs,
      webbridgeNames: webbridgeNameMap(c),
      callbridgeNames: callbridgeNameMap(c),
    });
    // As the daemon: replay what the store kept, then start evaluating.
    for (const r of d.store.recordsSince(d.now() - d.retentionMs)) {
      this.#analyzer.add(r);
    }
    this.#cron = c.policy?.schedule
      ? new Cron(c.policy.schedule, { paused: true, mode: '5-part', timezone: c.policy.windows[0]?.tz ?? 'UTC' })
      : undefined;
    this.#lastEvaluation = d.now();
  }

  get restarting(): boolean {
    return this.#running !== undefined;
  }

  /** A syslog record received (LiveState.ingest after parsing): stored, analysed, shown to verifiers. */
  ingest(r: CmsRecord): void {
    this.#lines.read++;
    this.#d.store.appendRecords([r]);
    this.#analyzer.add(r);
    for (const l of this.#listeners) {
      l(r);
    }
  }

  /** daemon.ts `context()`; `except` names the Web Bridge being rechecked (it is not in flight to itself). */
  #context(report: AnalysisReport, except?: string) {
    const { journal, lock, config, now, wiring } = this.#d;
    const held = lock.holder(config.cluster, now())?.node ?? null;
    return {
      restartsToday: restartCounter(journal, config.cluster, now()),
      inFlight:
        wiring === 'proposed'
          ? (held ?? stillRestarting(journal.history(0), report, config.cluster, now(), except))
          : held,
      apiRealSessions: undefined,
    };
  }

  #restart(plan: Evaluation['plan'], trigger: string): Promise<NodeResult[]> {
    if (this.#running) {
      return this.#running;
    }
    const { config, mmp, journal, lock, now, sleep } = this.#d;
    const _wbNames = webbridgeNameMap(config);
    this.#running = runRollingRestart(
      plan,
      restartSettingsOf(config),
      {
        mmp,
        journal,
        lock,
        targetOf: (n) => targetFor(config, n),
        // The daemon's own verifiers (app/daemon/node-verifiers.ts), fed by the model's records.
        verifiersFor: nodeVerifiers(
          config,
          mmp,
          (l) => {
            this.#listeners.add(l);
            return () => this.#listeners.delete(l);
          },
          () => this.#analyzer.report(this.#lines, now()).cluster.cma,
        ),
        trigger,
        now,
        sleep,
        signal: this.#stopping.signal,
        ...(this.#d.wiring === 'proposed'
          ? {
              recheck: (n: string) => {
                const report = this.#analyzer.report(this.#lines, now());
                return recheckRestart(config, report, n, { now: now(), ...this.#context(report, n) });
              },
            }
          : {}),
      },
      { keepGoing: false },
    ).then((results) => {
      this.#running = undefined;
      return results;
    });
    return this.#running;
  }

  /** daemon.ts `evaluate()`. */
  evaluate(): Evaluation {
    const { config, journal, now, store } = this.#d;
    this.evaluations++;
    const t = now();
    const scheduleDue = this.#cron
      ? (this.#cron.nextRun(new Date(this.#lastEvaluation))?.getTime() ?? Number.POSITIVE_INFINITY) <= t
      : false;
    this.#lastEvaluation = t;
    const report = this.#analyzer.report(this.#lines, t);
    const e = evaluatePolicy(config, report, t, { scheduleDue, ...this.#context(report) });
    if (e.action !== 'none') {
      store.appendEvent();
      journal.append(planJournalEntry(e, scheduleDue ? 'daemon:schedule' : 'daemon:leak', config.cluster));
    }
    if (e.action === 'restart') {
      void this.#restart(e.plan, scheduleDue ? 'daemon:schedule' : 'daemon:leak');
    }
    return e;
  }

  /** daemon.ts `close()`: a restart in flight stops waiting for its verification and is journaled abandoned. */
  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#running?.catch(() => []);
  }

  /** Hourly retention in the daemon. */
  prune(): void {
    this.#d.store.prune(this.#d.now() - this.#d.retentionMs);
  }
}
