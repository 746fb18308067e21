/**
 * @module test/prove/lib/model/daemon-guard
 * One process of `wbguard run` as the model sees it, made of the daemon's own ClusterGuard
 * (src/app/daemon/cluster-guard.ts): the same evaluate, restart, recheck and "in flight" code the daemon runs, not a
 * copy of it. Only I/O is replaced: store, journal and lock are in memory (fakes.ts), the MMP, the clock and the
 * sleep are the model's, and the instance is alone (single leadership). guard.ts keeps the old wiring as the
 * negative control. `http` is the daemon's real HTTP app over this guard (the API door: doors.ts `apiRestart`).
 */
import { scopedClusters } from '../../../../src/app/config/index.js';
import { ClusterAnalyzers } from '../../../../src/app/daemon/cluster-analyzers.js';
import { ClusterGuard } from '../../../../src/app/daemon/cluster-guard.js';
import { createMetrics } from '../../../../src/app/daemon/metrics.js';
import type { Evaluation } from '../../../../src/app/daemon/policy-loop.js';
import { createHttpApp } from '../../../../src/app/http/server.js';
import type { AnalysisReport, CmsRecord, LineCounts } from '../../../../src/core/model.js';
import type { GuardDeps } from './guard.js';

/** The bearer token of the model's daemon (`http.token`). */
export const API_TOKEN = 'model-token-0123456789';

export class DaemonGuard {
  readonly #d: GuardDeps;
  readonly #guard: ClusterGuard;
  readonly #analyzers: ClusterAnalyzers;
  readonly #lines: LineCounts = { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  readonly #listeners = new Set<(r: CmsRecord) => void>();
  readonly #stopping = new AbortController();
  /** The daemon's HTTP app (hono), answering `app.request()` as it answers a socket. */
  readonly http: ReturnType<typeof createHttpApp>;
  evaluations = 0;

  constructor(d: GuardDeps) {
    this.#d = d;
    const c = d.config;
    const scoped = scopedClusters(c);
    this.#analyzers = new ClusterAnalyzers(scoped, {
      limit: c.analysis.limit,
      cmaClients: c.analysis.cmaClients,
      staleAfterMs: c.analysis.staleAfterMs,
    });
    // As the daemon: replay what the store kept, then start evaluating.
    for (const r of d.store.recordsSince(d.now() - d.retentionMs)) {
      this.#analyzers.add(r);
    }
    const first = scoped[0];
    if (!first) {
      throw new Error('the model needs a cluster');
    }
    const metrics = createMetrics(
      () => [],
      c.analysis.limit,
      () => 0,
    );
    this.#guard = new ClusterGuard(first, this.#analyzers.of(first.cluster), {
      now: d.now,
      log: undefined,
      store: { appendEvent: async () => d.store.appendEvent() },
      journal: d.journal,
      lock: d.lock,
      sleep: d.sleep,
      leadership: {
        role: () => 'single',
        isLeader: () => true,
        fenceCluster: async () => ({ ok: true, release: async () => {} }),
        close: async () => {},
      },
      mmp: d.mmp,
      metrics,
      lines: this.#lines,
      subscribe: (l) => {
        this.#listeners.add(l);
        return () => this.#listeners.delete(l);
      },
      unknownHosts: () => ({}),
      keep: (p) => {
        p.catch(() => {});
      },
      onRestarted: () => {},
      stopping: this.#stopping.signal,
    });
    const guard = this.#guard;
    this.http = createHttpApp({
      clusters: [
        {
          name: guard.name,
          state: () => guard.state(),
          series: () => guard.series(),
          plan: () => guard.plan(),
          restart: (names) => guard.restartNamed(names),
          webbridgeNames: guard.config.webbridges.map((w) => w.name),
        },
      ],
      events: () => [],
      journal: () => [],
      alerts: () => [],
      registry: metrics.registry,
      token: () => API_TOKEN,
    });
  }

  get restarting(): boolean {
    return this.#guard.busy;
  }

  /** A syslog record received (LiveState.ingest after parsing): stored, analysed, shown to verifiers. */
  ingest(r: CmsRecord): void {
    this.#lines.read++;
    this.#d.store.appendRecords([r]);
    this.#analyzers.add(r);
    for (const l of this.#listeners) {
      l(r);
    }
  }

  /** The live report the guards read (ClusterGuard.report), at wbguard's clock. */
  report(): AnalysisReport {
    return this.#guard.report(this.#d.now());
  }

  evaluate(): Evaluation {
    this.evaluations++;
    return this.#guard.evaluate(this.#d.now());
  }

  /** daemon.ts `close()`: a restart in flight stops waiting for its verification and is journaled abandoned. */
  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#guard.settle();
  }

  /** Hourly retention in the daemon. */
  prune(): void {
    this.#d.store.prune(this.#d.now() - this.#d.retentionMs);
  }
}
