/**
 * @module app/daemon/daemon
 * `wbguard run`: the composition root of the unattended guard, by job. The store and its replay, the leadership
 * and the alerts; one guard per configured cluster (cluster-guard.ts), which evaluates its policy on a timer and
 * restarts in `enforce` mode through the same restart use case as `wbguard restart` (app/restart/restart-use-case.ts);
 * the ingest (ingest-wiring.ts: listeners, followed files, flush, back-pressure, drops); the housekeeping
 * (housekeeping.ts: retention, clock); the HTTP side (http-wiring.ts: dashboard, API, /metrics of every cluster).
 */
import { JsonlJournal } from '../../adapters/journal/jsonl-journal.js';
import { FileRestartLock } from '../../adapters/lock/file-lock.js';
import type { Transport } from '../../adapters/syslog/listeners.js';
import { joinRefusalFrom } from '../../core/parse/join-refusal.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import {
  callbridgeNameMap,
  joinRefusalSettings,
  scopedClusters,
  type WbguardConfig,
  webbridgeNameMap,
} from '../config/index.js';
import { explainPortInUse } from '../port-in-use.js';
import { mmpClientFor } from '../restart/mmp-wiring.js';
import { createDaemonAlerts, type DaemonAlerts } from './alert-wiring.js';
import type { ApiPoller } from './api-poller.js';
import type { ClockLabel } from './clock-view.js';
import { ClusterAnalyzers } from './cluster-analyzers.js';
import { ClusterGuard } from './cluster-guard.js';
import { startHousekeeping } from './housekeeping.js';
import { startHttp } from './http-wiring.js';
import { startIngest } from './ingest-wiring.js';
import { type DaemonLeadership, startLeadership } from './leadership.js';
import { LiveState } from './live-state.js';
import { createMetrics } from './metrics.js';
import type { MmpProbe } from './mmp-probe.js';
import { openDaemonStore } from './open-store.js';
import type { Evaluation } from './policy-loop.js';
import { releaseMemory } from './release-memory.js';
import { StoreHealth } from './store-health.js';

export interface DaemonOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** Time between policy evaluations. @default 30000 */
  readonly evaluateEveryMs?: number;
  /** Raw records kept this long in the store and replayed at start. @default store.rawRetentionDays */
  readonly retentionMs?: number;
  readonly mmp?: MmpClient;
  readonly now?: () => number;
  /** Delays before retrying a failed alert delivery. @default [1000, 5000] */
  readonly alertRetryDelaysMs?: readonly number[];
  /** Delay before the first MMP login probe. @default 10000 */
  readonly probeFirstAfterMs?: number;
  /** Which clock `now` is, shown by the dashboard (the demo's is the simulator's). @default the host's */
  readonly clock?: ClockLabel;
}

export interface DaemonHandle {
  readonly url: string;
  readonly listeners: ReadonlyArray<{ transport: Transport; port: number }>;
  readonly state: LiveState<ClusterAnalyzers>;
  readonly store: AsyncStore;
  /** One guard per configured cluster, in the file's order. */
  readonly clusters: readonly ClusterGuard[];
  /** The first cluster's CMS API poller and MMP probe (the only ones of a single-cluster file). */
  readonly api: ApiPoller;
  readonly probe: MmpProbe;
  readonly alerts: DaemonAlerts;
  /** Evaluates every cluster's policy (and checks the alerts); resolves to the first cluster's evaluation. */
  evaluate(): Promise<Evaluation>;
  close(): Promise<void>;
}

/** Records replayed at start between two full garbage collections (docs/benchmarks.md, daemon memory). */
const REPLAY_GC_EVERY = 500_000;

export async function startDaemon(config: WbguardConfig, options: DaemonOptions = {}): Promise<DaemonHandle> {
  const now = options.now ?? Date.now;
  const log = options.log;
  const storeHealth = new StoreHealth({ now, log });
  const store = storeHealth.wrap(await openDaemonStore(config, log));
  // Events are written in the background: a store that is briefly away costs a logged line, never the guard.
  const keep = (p: Promise<unknown>) => {
    p.catch((err: Error) => log?.error({ err: err.message }, 'store write failed'));
  };
  const journal = new JsonlJournal(config.state, config.journal);
  const lock = new FileRestartLock(config.state);
  const scoped = scopedClusters(config);
  const known = new Set([...webbridgeNameMap(config).keys(), ...callbridgeNameMap(config).keys()]);
  const analyzers = new ClusterAnalyzers(scoped, {
    limit: config.analysis.limit,
    cmaClients: config.analysis.cmaClients,
    staleAfterMs: config.analysis.staleAfterMs,
  });
  const state = new LiveState(store, analyzers, known, now(), {
    joinRefusal: joinRefusalFrom(joinRefusalSettings(config)),
  });
  const retention = options.retentionMs ?? config.store.rawRetentionDays * 86_400_000;
  // One record at a time: months of Stats never sit in memory at once.
  let mmp: MmpClient;
  try {
    let replayed = 0;
    await store.eachRecordSince(now() - retention, (r) => {
      analyzers.add(r);
      // A full collection now and then keeps the replay's garbage from growing the heap (months of records).
      if (++replayed % REPLAY_GC_EVERY === 0) {
        releaseMemory();
      }
    });
    releaseMemory();
    mmp = options.mmp ?? mmpClientFor(config, options.env ?? process.env);
  } catch (err) {
    await store.close();
    throw err;
  }
  let guards: ClusterGuard[] = [];
  const metrics = createMetrics(
    () => guards.map((g) => ({ name: g.name, report: g.report(), api: g.api.views() })),
    config.analysis.limit,
    () => state.lines.malformed,
  );
  let leadership: DaemonLeadership;
  try {
    leadership = await startLeadership(config, log);
  } catch (err) {
    await store.close();
    throw err;
  }
  const alerts = createDaemonAlerts(
    config,
    metrics,
    log,
    now(),
    {
      storeFailure: () => storeHealth.failure({ heldBack: state.heldBack, lost: state.lostWhileStoreDown }),
      record: (n) =>
        keep(
          store.appendEvent(
            'alert',
            {
              status: n.kind,
              event: n.condition.event,
              cluster: n.condition.cluster,
              subject: n.condition.subject,
              severity: n.condition.severity,
              summary: n.condition.summary,
              facts: n.condition.facts,
            },
            new Date(n.at).toISOString(),
          ),
        ),
    },
    options.alertRetryDelaysMs,
  );
  const stopping = new AbortController();
  guards = scoped.map(
    (c) =>
      new ClusterGuard(c, analyzers.of(c.cluster), {
        now,
        log,
        store,
        journal,
        lock,
        leadership,
        mmp,
        metrics,
        lines: state.lines,
        subscribe: (l) => state.subscribe(l),
        unknownHosts: () => Object.fromEntries(state.unknownHosts),
        keep,
        onRestarted: (results, cluster) => alerts.restarted(now(), results, cluster),
        stopping: stopping.signal,
      }),
  );
  const first = guards[0] as ClusterGuard;

  const closers: Array<() => Promise<void> | void> = [];
  let ingest: Awaited<ReturnType<typeof startIngest>>;
  try {
    ingest = await startIngest(config, { state, metrics, alerts, now, log });
  } catch (err) {
    await store.close();
    throw err;
  }
  closers.push(() => ingest.close());
  closers.push(startHousekeeping(config, { store, retentionMs: retention, alerts, now, log, keep }));

  const evaluate = async (): Promise<Evaluation> => {
    const t = now();
    await state.flush();
    const evaluations = guards.map((g) => g.evaluate(t));
    alerts.check(
      t,
      guards.map((g, i) => ({
        cluster: g.name,
        report: g.report(t),
        evaluation: evaluations[i],
        mmpFailures: g.probe.failures(),
        apiViews: g.api.views(),
      })),
      // A follower watches and shows; the leader journals, acts and alerts.
      leadership.isLeader(),
    );
    return evaluations[0] as Evaluation;
  };
  for (const g of guards) {
    g.api.start();
    closers.push(() => g.api.close());
    g.probe.start(options.probeFirstAfterMs);
    closers.push(() => g.probe.close());
  }
  closers.push(() => alerts.close());
  closers.push(() => leadership.close());
  const evalTimer = setInterval(() => {
    evaluate().catch((err: Error) => log?.error({ err }, 'policy evaluation failed'));
  }, options.evaluateEveryMs ?? 30_000);
  closers.push(() => clearInterval(evalTimer));

  let http: Awaited<ReturnType<typeof startHttp>>;
  try {
    http = await startHttp(config, {
      guards,
      store,
      journal,
      alerts,
      leadership,
      metrics,
      log,
      now,
      clock: options.clock,
    });
  } catch (err) {
    // Nothing half-started is left behind: listeners, timers and the store close before the error goes up.
    await Promise.all(closers.map((c) => c()));
    await store.close();
    throw explainPortInUse(err, 'http.listen in the configuration');
  }
  const url = http.url;
  log?.info({ url }, 'http listening');
  let closed = false;
  return {
    url,
    listeners: ingest.listeners.map((l) => ({ transport: l.transport, port: l.port })),
    state,
    store,
    clusters: guards,
    api: first.api,
    probe: first.probe,
    alerts,
    evaluate,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      // A restart in flight stops waiting for its verification and is journaled as abandoned.
      stopping.abort();
      await Promise.all(guards.map((g) => g.settle()));
      await Promise.all(closers.map((c) => c()));
      await http.close();
      await state.flush();
      await store.close();
    },
  };
}
