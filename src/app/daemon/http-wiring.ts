/**
 * @module app/daemon/http-wiring
 * The HTTP side of `wbguard run`: every cluster's guard behind the dashboard, the JSON API and /metrics
 * (app/http/server.ts), the per-minute history from the store for long spans, served on `http.listen`.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { JsonlJournal } from '../../adapters/journal/jsonl-journal.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import { callbridgeNameMap, parseHostPort, type WbguardConfig, webbridgeNameMap } from '../config/index.js';
import { createHttpApp } from '../http/server.js';
import type { DaemonAlerts } from './alert-wiring.js';
import { type ClockLabel, withClock } from './clock-view.js';
import type { ClusterGuard } from './cluster-guard.js';
import type { DaemonLeadership } from './leadership.js';
import type { DaemonMetrics } from './metrics.js';

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

export interface HttpWiring {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the guards' API and dashboard; the listen error (a port in use) goes up to the caller. */
export async function startHttp(
  config: WbguardConfig,
  deps: {
    readonly guards: readonly ClusterGuard[];
    readonly store: AsyncStore;
    readonly journal: JsonlJournal;
    readonly alerts: DaemonAlerts;
    readonly leadership: DaemonLeadership;
    readonly metrics: DaemonMetrics;
    /** Where an unexpected failure while answering is logged. */
    readonly log: Logger | undefined;
    /** The guard's clock, stamped on every state the API serves (the demo's is the simulator's). */
    readonly now: () => number;
    readonly clock: ClockLabel | undefined;
  },
): Promise<HttpWiring> {
  const { guards, store, journal, alerts, leadership, metrics, log, now, clock } = deps;
  const { host, port } = parseHostPort(config.http.listen, 8080);
  const token = config.secrets.get('http.token');
  const app = createHttpApp({
    clusters: guards.map((g) => ({
      name: g.name,
      state: () => withClock(g.state(), now(), clock),
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
    log,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => closeServer(server as Server),
  };
}

/** How long requests in flight get to finish when the daemon stops, before their connections are closed. */
const CLOSE_GRACE_MS = 2000;

/**
 * Stops listening and closes every connection, those idle at once and the others after CLOSE_GRACE_MS: a browser
 * keeps a connection open between the dashboard's polls (and a connection that was busy when the server began to
 * close is not closed when it turns idle), so `server.close` alone waited for the browser, and the daemon's stop with
 * it, for as long as a dashboard stayed open.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close(() => {
      clearTimeout(grace);
      resolve();
    });
    server.closeIdleConnections();
  });
}
