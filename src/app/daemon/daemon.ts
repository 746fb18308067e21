/**
 * @module app/daemon/daemon
 * `wbguard run`: the composition root of the unattended guard. Syslog listeners feed the live state (stored in
 * SQLite or PostgreSQL), one guard per configured cluster (cluster-guard.ts) evaluates its policy on a timer and
 * restarts in `enforce` mode through the same guarded orchestrator as `wbguard restart` (verified by fresh Stats
 * lines and the MMP status command), and HTTP serves the API and /metrics of every cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { JsonlJournal } from '../../adapters/journal/jsonl-journal.js';
import { FileRestartLock } from '../../adapters/lock/file-lock.js';
import { tailFiles } from '../../adapters/logfiles/tail.js';
import {
  kernelUdpReceiveErrors,
  type SyslogListener,
  startSyslogListener,
  type Transport,
} from '../../adapters/syslog/listeners.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import {
  callbridgeNameMap,
  parseHostPort,
  scopedClusters,
  type WbguardConfig,
  webbridgeNameMap,
} from '../config/index.js';
import { createHttpApp } from '../http/server.js';
import { mmpClientFor } from '../restart/mmp-wiring.js';
import { createDaemonAlerts, type DaemonAlerts } from './alert-wiring.js';
import type { ApiPoller } from './api-poller.js';
import { watchClock } from './clock-watch.js';
import { ClusterAnalyzers } from './cluster-analyzers.js';
import { ClusterGuard } from './cluster-guard.js';
import { type DaemonLeadership, startLeadership } from './leadership.js';
import { LiveState } from './live-state.js';
import { createMetrics } from './metrics.js';
import type { MmpProbe } from './mmp-probe.js';
import { openDaemonStore } from './open-store.js';
import type { Evaluation } from './policy-loop.js';
import { releaseMemory } from './release-memory.js';
import { StoreHealth } from './store-health.js';
import { syslogIngest } from './syslog-ingest.js';

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

/** Two series of one node, in time order (the highest count where both have a bucket). */
function mergeSeries(a: { t: number[]; v: number[] }, b: { t: number[]; v: number[] }): { t: number[]; v: number[] } {
  const byT = new Map<number, number>();
  for (const s of [a, b]) {
    s.t.forEach((t, i) => {
      byT.set(t, Math.max(byT.get(t) ?? Number.NEGATIVE_INFINITY, s.v[i] as number));
    });
  }
  const t = [...byT.keys()].sort((x, y) => x - y);
  return { t, v: t.map((x) => byT.get(x) as number) };
}

/** Active sessions per Web Bridge and CMA per Call Bridge of one cluster, from the store's per-minute table. */
async function minuteHistoryOf(store: AsyncStore, config: WbguardConfig, from: number, to: number, bucketMs: number) {
  const pick = async (names: Map<string, string>, kind: 'webbridge-stats' | 'callbridge-stats') => {
    const out = new Map<string, { t: number[]; v: number[] }>();
    for (const m of await store.minuteSeries([...names.keys()], kind, from, to, bucketMs)) {
      const name = names.get(m.host) ?? m.host;
      // Several hosts of one node (a renamed server) are drawn as one series.
      const prev = out.get(name);
      out.set(name, prev ? mergeSeries(prev, { t: m.t, v: m.max }) : { t: m.t, v: m.max });
    }
    return out;
  };
  return {
    webbridges: await pick(webbridgeNameMap(config), 'webbridge-stats'),
    callbridges: await pick(callbridgeNameMap(config), 'callbridge-stats'),
  };
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
  const journal = new JsonlJournal(config.state);
  const lock = new FileRestartLock(config.state);
  const scoped = scopedClusters(config);
  const known = new Set([...webbridgeNameMap(config).keys(), ...callbridgeNameMap(config).keys()]);
  const analyzers = new ClusterAnalyzers(scoped, {
    limit: config.analysis.limit,
    cmaClients: config.analysis.cmaClients,
    staleAfterMs: config.analysis.staleAfterMs,
  });
  const state = new LiveState(store, analyzers, known, now());
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

  const listeners: SyslogListener[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const syslog = config.syslog;
  const ingest = syslogIngest(state, metrics.syslogMessages, now);
  const specs: Array<{ transport: Transport; listen: string | undefined }> = [
    { transport: 'udp', listen: syslog?.udp },
    { transport: 'tcp', listen: syslog?.tcp },
    { transport: 'tls', listen: syslog?.tls?.listen },
  ];
  try {
    for (const s of specs) {
      if (!s.listen) {
        continue;
      }
      const { host, port } = parseHostPort(s.listen, s.transport === 'tls' ? 6514 : 514);
      const tlsConfig = syslog?.tls;
      const tlsSecrets =
        s.transport === 'tls' && tlsConfig
          ? {
              cert: readFileSync(tlsConfig.cert, 'utf8'),
              key: config.secrets.get('syslog.tls.key')?.reveal() ?? '',
              ...(tlsConfig.ca ? { ca: readFileSync(tlsConfig.ca, 'utf8') } : {}),
              requireClientCert: tlsConfig.requireClientCert,
            }
          : undefined;
      const l = await startSyslogListener({
        transport: s.transport,
        host,
        port,
        allow: syslog?.allow ?? [],
        maxFrameBytes: syslog?.maxFrameBytes ?? 65_536,
        maxConnections: syslog?.maxConnections,
        ...ingest,
        ...(tlsSecrets ? { tls: tlsSecrets } : {}),
      });
      listeners.push(l);
      closers.push(() => l.close());
      log?.info({ transport: s.transport, port: l.port }, 'syslog listener started');
    }
  } catch (err) {
    await Promise.all(closers.map((c) => c()));
    await store.close();
    throw err;
  }

  if (config.files.length > 0) {
    const tailer = tailFiles(
      config.files.map((f) => f.path),
      (line) => state.ingest(line, now()),
      // Positions are saved a poll behind the commits: a crash re-reads at most one poll's lines (stored once).
      { positionsPath: join(config.state, 'tail-positions.json'), beforeSave: () => void state.flush() },
    );
    closers.push(() => tailer.close());
  }

  // Commit received records often: a record is acknowledged (counted, shown) only once it is in the store, and
  // small commits keep the event loop free for the UDP socket (200 ms batches lost 6 % at 100k/s; docs/benchmarks.md).
  const flushTimer = setInterval(() => void state.flush(), 50);
  closers.push(() => clearInterval(flushTimer));
  // The store commits in its own thread; past this backlog, stream sockets wait for it (TCP pushes back on senders).
  state.onBacklog(100_000, (over) => {
    for (const l of listeners) {
      if (over) {
        l.pause();
      } else {
        l.resume();
      }
    }
  });

  // Drops: senders refused by the allow-list, bad frames, and the kernel's UDP receive-buffer drops (a machine-wide
  // counter, counted from when the daemon started, and only when a UDP listener runs).
  const seenDrops = new Map<Transport, number>();
  let kernelBase = kernelUdpReceiveErrors();
  const dropTimer = setInterval(() => {
    for (const l of listeners) {
      const total = l.counters.denied + l.counters.badFrames + l.counters.refused;
      const delta = total - (seenDrops.get(l.transport) ?? 0);
      if (delta > 0) {
        metrics.syslogDropped.inc({ transport: l.transport }, delta);
        alerts.drops(l.transport, delta, now());
        seenDrops.set(l.transport, total);
      }
    }
    const kernel = kernelUdpReceiveErrors();
    if (
      listeners.some((l) => l.transport === 'udp') &&
      kernel !== undefined &&
      kernelBase !== undefined &&
      kernel > kernelBase
    ) {
      metrics.syslogDropped.inc({ transport: 'udp' }, kernel - kernelBase);
      alerts.drops('udp', kernel - kernelBase, now());
      kernelBase = kernel;
    }
  }, 1000);
  closers.push(() => clearInterval(dropTimer));

  const clockWatch = watchClock({ now, log, onStepBack: (from, to) => alerts.clockStepped(now(), from, to) });
  closers.push(() => clockWatch.close());

  // Retention: raw records older than the retention are deleted once an hour (and at start).
  const prune = () => {
    keep(store.prune(now() - retention));
    keep(store.pruneMinutes(now() - config.store.minuteRetentionDays * 86_400_000));
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  closers.push(() => clearInterval(pruneTimer));

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

  const { host, port } = parseHostPort(config.http?.listen ?? '127.0.0.1:8080', 8080);
  const token = config.secrets.get('http.token');
  const app = createHttpApp({
    clusters: guards.map((g) => ({
      name: g.name,
      state: () => g.state(),
      series: () => g.series(),
      minuteHistory: (from, to, bucketMs) => minuteHistoryOf(store, g.config, from, to, bucketMs),
      plan: () => g.plan(),
      restart: (names) => g.restartNamed(names),
      webbridgeNames: g.config.webbridges.map((w) => w.name),
    })),
    events: (limit) => store.events(limit),
    journal: (limit) => journal.recent(limit),
    alerts: () => alerts.open(),
    publicReadOnly: config.http.publicReadOnly,
    role: () => leadership.role(),
    registry: metrics.registry,
    token: token ? () => token.reveal() : undefined,
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    // Nothing half-started is left behind: listeners, timers and the store close before the error goes up.
    await Promise.all(closers.map((c) => c()));
    await store.close();
    throw err;
  }
  const address = server.address() as { port: number };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log?.info({ url }, 'http listening');
  let closed = false;
  return {
    url,
    listeners: listeners.map((l) => ({ transport: l.transport, port: l.port })),
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
      await new Promise<void>((r) => server.close(() => r()));
      await state.flush();
      await store.close();
    },
  };
}
