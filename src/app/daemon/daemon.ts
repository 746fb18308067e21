/**
 * @module app/daemon/daemon
 * `wbguard run`: the composition root of the unattended guard. Syslog listeners feed the live state (stored in
 * SQLite), the policy is evaluated on a timer, restarts in `enforce` mode go through the same guarded orchestrator
 * as `wbguard restart` (verified by fresh Stats lines and the MMP status command), and HTTP serves the API and
 * /metrics.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Cron } from 'croner';
import { JsonlJournal } from '../../adapters/journal/jsonl-journal.js';
import { FileRestartLock } from '../../adapters/lock/file-lock.js';
import { tailFiles } from '../../adapters/logfiles/tail.js';
import {
  kernelUdpReceiveErrors,
  type SyslogListener,
  startSyslogListener,
  type Transport,
} from '../../adapters/syslog/listeners.js';
import { nextAllowedAt } from '../../core/policy/index.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import { callbridgeNameMap, parseHostPort, type WbguardConfig, webbridgeNameMap } from '../config/index.js';
import { createHttpApp } from '../http/server.js';
import { STILL_RESTARTING_MAX_MS, stillRestarting } from '../restart/in-flight.js';
import { mmpClientFor, targetFor } from '../restart/mmp-wiring.js';
import { type NodeResult, runRollingRestart } from '../restart/orchestrator.js';
import { makePlan, restartInputs, restartSettingsOf } from '../restart/plan.js';
import { recheckRestart } from '../restart/recheck.js';
import { createDaemonAlerts, type DaemonAlerts } from './alert-wiring.js';
import { ApiPoller } from './api-poller.js';
import { type DaemonLeadership, startLeadership } from './leadership.js';
import { LiveState } from './live-state.js';
import { createMetrics } from './metrics.js';
import { MmpProbe } from './mmp-probe.js';
import { nodeVerifiers, planJournalEntry } from './node-verifiers.js';
import { openDaemonStore } from './open-store.js';
import { type Evaluation, evaluatePolicy } from './policy-loop.js';

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
  readonly state: LiveState;
  readonly store: AsyncStore;
  readonly api: ApiPoller;
  readonly alerts: DaemonAlerts;
  readonly probe: MmpProbe;
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

/** Σ active − Σ real sessions, with the fresher count of real sessions: the CMS API's, or the STATS lines'. */
export function leakEstimateOf(
  report: ReturnType<LiveState['report']>,
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

export async function startDaemon(config: WbguardConfig, options: DaemonOptions = {}): Promise<DaemonHandle> {
  const now = options.now ?? Date.now;
  const log = options.log;
  const store = await openDaemonStore(config, log);
  // Events are written in the background: a store that is briefly away costs a logged line, never the guard.
  const keep = (p: Promise<unknown>) => {
    p.catch((err: Error) => log?.error({ err: err.message }, 'store write failed'));
  };
  const journal = new JsonlJournal(config.state);
  const lock = new FileRestartLock(config.state);
  const wbNames = webbridgeNameMap(config);
  const cbNames = callbridgeNameMap(config);
  const known = new Set([...wbNames.keys(), ...cbNames.keys()]);
  const state = new LiveState(
    store,
    {
      limit: config.analysis.limit,
      cmaClients: config.analysis.cmaClients,
      staleAfterMs: config.analysis.staleAfterMs,
      webbridgeNames: wbNames,
      callbridgeNames: cbNames,
    },
    known,
    now(),
    (err) => log?.error({ err: err.message }, 'store refused a batch of records; kept, tried again'),
  );
  const retention = options.retentionMs ?? config.store.rawRetentionDays * 86_400_000;
  // One record at a time: months of Stats never sit in memory at once.
  let mmp: MmpClient;
  try {
    await store.eachRecordSince(now() - retention, (r) => state.analyzer.add(r));
    mmp = options.mmp ?? mmpClientFor(config, options.env ?? process.env);
  } catch (err) {
    await store.close();
    throw err;
  }
  const api = new ApiPoller(config, now, log);
  const metrics = createMetrics(
    () => state.report(now()),
    config.analysis.limit,
    () => state.lines.malformed,
    () => api.views(),
  );
  let running: Promise<NodeResult[]> | undefined;
  const probe = new MmpProbe(config, mmp, now, () => running !== undefined, log);
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
      mmpFailures: () => probe.failures(),
      apiViews: () => api.views(),
      record: (n) =>
        keep(
          store.appendEvent(
            'alert',
            {
              status: n.kind,
              event: n.condition.event,
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

  const listeners: SyslogListener[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const syslog = config.syslog;
  const onMessage = (message: string, _sender: string, transport: Transport) => {
    metrics.syslogMessages.inc({ transport });
    state.ingest(message, now());
  };
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
        onMessage,
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
      const total = l.counters.denied + l.counters.badFrames;
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

  // Retention: raw records older than the retention are deleted once an hour (and at start).
  const prune = () => {
    keep(store.prune(now() - retention));
    keep(store.pruneMinutes(now() - config.store.minuteRetentionDays * 86_400_000));
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  closers.push(() => clearInterval(pruneTimer));

  const cron = config.policy?.schedule
    ? new Cron(config.policy.schedule, {
        paused: true,
        mode: '5-part',
        timezone: config.policy.tz,
      })
    : undefined;
  let lastEvaluation = now();
  const stopping = new AbortController();
  const settings = restartSettingsOf(config);
  const restart = (plan: Evaluation['plan'], trigger: string): Promise<NodeResult[]> => {
    if (running) {
      return running;
    }
    // With ha: the cluster's lock in the database, with the leader's token, for the whole rolling run.
    const fenced = leadership.fenceCluster(config.cluster, plan.order[0] ?? '');
    running = fenced
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
            settings,
            {
              mmp,
              journal,
              lock,
              targetOf: (n) => targetFor(config, n),
              verifiersFor: nodeVerifiers(
                config,
                mmp,
                (l) => state.subscribe(l),
                () => state.report(now()).cluster.cma,
              ),
              trigger,
              now,
              sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
              onProgress: (line) => log?.info({ line }, 'restart progress'),
              signal: stopping.signal,
              // A rolling plan is minutes old by its second node: the guards and the window are asked again before each.
              recheck: (n: string) =>
                leadership.isLeader()
                  ? recheckRestart(config, state.report(now()), n, { now: now(), ...context(n) })
                  : { kind: 'defer' as const, reasons: ['this instance lost the leadership'] },
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
            metrics.restarts.inc({ webbridge: r.name, result: r.outcome });
          }
        }
        keep(
          store.appendEvent(
            'restart',
            results.map((r) => ({ name: r.name, outcome: r.outcome, reasons: r.reasons })),
          ),
        );
        alerts.restarted(now(), results);
        running = undefined;
        return results;
      });
    return running;
  };
  // "One at a time" counts the lock's holder and also a Web Bridge still down after a failed restart (not seen
  // since its command); `except` is the one being rechecked, not in flight to itself (test/prove found both).
  const context = (except?: string) => ({
    restartsToday: (n: string) => journal.restartsToday(config.cluster, n, now()),
    inFlight:
      lock.holder(config.cluster, now())?.node ??
      stillRestarting(
        journal.since(now() - STILL_RESTARTING_MAX_MS),
        state.report(now()),
        config.cluster,
        now(),
        except,
      ),
    apiRealSessions: api.realSessions(config.restart.staleAfterMs),
  });
  const evaluate = async (): Promise<Evaluation> => {
    const t = now();
    const scheduleDue = cron
      ? (cron.nextRun(new Date(lastEvaluation))?.getTime() ?? Number.POSITIVE_INFINITY) <= t
      : false;
    lastEvaluation = t;
    await state.flush();
    const evaluation = evaluatePolicy(config, state.report(t), t, { scheduleDue, ...context() });
    if (!leadership.isLeader()) {
      // A follower watches and shows; the leader journals, acts and alerts.
      return { ...evaluation, action: 'none' };
    }
    const e = evaluation;
    if (e.action !== 'none') {
      keep(
        store.appendEvent(e.action, {
          order: e.plan.order,
          decisions: e.plan.decisions.map((d) => ({ name: d.name, kind: d.kind, reasons: d.reasons })),
        }),
      );
      journal.append(planJournalEntry(e, scheduleDue ? 'daemon:schedule' : 'daemon:leak', config.cluster));
    }
    if (e.action === 'restart') {
      void restart(e.plan, scheduleDue ? 'daemon:schedule' : 'daemon:leak');
    }
    alerts.check(t, state.report(t), e);
    return e;
  };
  api.start();
  closers.push(() => api.close());
  closers.push(() => alerts.close());
  closers.push(() => leadership.close());
  probe.start(options.probeFirstAfterMs);
  closers.push(() => probe.close());
  const evalTimer = setInterval(() => {
    evaluate().catch((err: Error) => log?.error({ err }, 'policy evaluation failed'));
  }, options.evaluateEveryMs ?? 30_000);
  closers.push(() => clearInterval(evalTimer));

  const { host, port } = parseHostPort(config.http?.listen ?? '127.0.0.1:8080', 8080);
  const token = config.secrets.get('http.token');
  let nextWindowMemo = { at: Number.NaN, value: null as string | null };
  const nextWindow = (t: number): string | null => {
    // The search walks minutes forward: once a minute is enough.
    if (Math.floor(t / 60_000) !== Math.floor(nextWindowMemo.at / 60_000)) {
      const next = nextAllowedAt(t, config.policy.windows, config.policy.blackouts, config.policy.tz);
      nextWindowMemo = { at: t, value: next === null ? null : new Date(next).toISOString() };
    }
    return nextWindowMemo.value;
  };
  const app = createHttpApp({
    state: () => ({
      ...state.report(now()),
      clusterName: config.cluster,
      role: leadership.role(),
      limit: config.analysis.limit,
      mode: config.policy?.mode ?? 'dry-run',
      windowOpen: evaluatePolicy(config, state.report(now()), now(), { scheduleDue: false, ...context() }).windowOpen,
      nextWindow: nextWindow(now()),
      restarting: lock.holder(config.cluster, now())?.node ?? null,
      unknownHosts: Object.fromEntries(state.unknownHosts),
      api: api.views(),
      mmp: probe.results(),
      leakEstimate: leakEstimateOf(state.report(now()), api.realSessions(Number.POSITIVE_INFINITY)),
    }),
    series: () => state.analyzer.series(),
    minuteHistory: async (from, to, bucketMs) => {
      const pick = async (names: Map<string, string>, kind: 'webbridge-stats' | 'callbridge-stats') => {
        const out = new Map<string, { t: number[]; v: number[] }>();
        const hosts = [...names.keys()];
        for (const m of await store.minuteSeries(hosts, kind, from, to, bucketMs)) {
          const name = names.get(m.host) ?? m.host;
          // Several hosts of one node (a renamed server) are drawn as one series.
          const prev = out.get(name);
          out.set(name, prev ? mergeSeries(prev, { t: m.t, v: m.max }) : { t: m.t, v: m.max });
        }
        return out;
      };
      return {
        webbridges: await pick(wbNames, 'webbridge-stats'),
        callbridges: await pick(cbNames, 'callbridge-stats'),
      };
    },
    events: (limit) => store.events(limit),
    journal: (limit) => journal.recent(limit),
    alerts: () => alerts.alerter.open(),
    publicReadOnly: config.http.publicReadOnly,
    plan: () => evaluatePolicy(config, state.report(now()), now(), { scheduleDue: false, ...context() }),
    role: () => leadership.role(),
    webbridgeNames: config.webbridges.map((w) => w.name),
    restart: (names) => {
      const chosen = names ?? config.webbridges.map((w) => w.name);
      const plan = makePlan(
        restartInputs(chosen, state.report(now()), { now: now(), force: false, ...context() }),
        config,
      );
      return restart(plan, 'http:api');
    },
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
    api,
    alerts,
    probe,
    evaluate,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      // A restart in flight stops waiting for its verification and is journaled as abandoned.
      stopping.abort();
      await running?.catch(() => []);
      await Promise.all(closers.map((c) => c()));
      await new Promise<void>((r) => server.close(() => r()));
      await state.flush();
      await store.close();
    },
  };
}
