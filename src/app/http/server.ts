/**
 * @module app/http/server
 * The daemon's HTTP side (hono): the dashboard (`/`), `/healthz`, `/metrics`, and the JSON API `/api/v1/state`,
 * `/api/v1/history`, `/api/v1/events`, `/api/v1/journal`, `/api/v1/alerts`, `/api/v1/plan`, `/api/v1/clusters`,
 * `POST /api/v1/restart`. With several clusters, `?cluster=NAME` picks one (the first without). Anything that acts needs the bearer token (without a configured token, acting over HTTP
 * is disabled); reading needs it too unless `http.publicReadOnly` is set. A request that acts from another site's
 * page (CSRF) is refused by its Origin.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Registry } from 'prom-client';
import type { AlertCondition } from '../../core/alerts/index.js';
import { downsample } from '../../core/analysis/index.js';
import type { AnalysisSeries, Series } from '../../core/model.js';
// The view model (what the API serves of one cluster) lives beside the daemon that builds it.
import type { ClusterHttp } from '../daemon/view-model.js';
import { DASHBOARD_CSP, dashboardAssets } from './dashboard-assets.js';

export interface HttpDeps {
  /**
   * Every guarded cluster, in the configuration's order. Per-cluster endpoints take `?cluster=NAME` and answer for
   * the first cluster without it (so a single-cluster site never needs it).
   */
  readonly clusters: readonly ClusterHttp[];
  readonly events: (limit: number) => unknown[] | Promise<unknown[]>;
  readonly journal: (limit: number) => unknown[];
  readonly alerts: () => readonly AlertCondition[];
  /** `follower` refuses to act (409): the leader does. */
  readonly role?: () => string;
  readonly registry: Registry;
  /** Bearer token for acting endpoints; undefined disables them. */
  readonly token: (() => string) | undefined;
  /** Serve reads without the token. @default false */
  readonly publicReadOnly?: boolean;
}

/** Largest body a POST may have: the restart request is a short list of names. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Points per series the history API returns at most, whatever the span asked for. */
export const MAX_HISTORY_POINTS = 5000;

function tokenOk(header: string | undefined, token: () => string): boolean {
  if (!header?.startsWith('Bearer ')) {
    return false;
  }
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token());
  return a.length === b.length && timingSafeEqual(a, b);
}

function filterSeries(
  s: AnalysisSeries,
  node: string | undefined,
  from: number,
  to: number,
  points: number,
): AnalysisSeries {
  const cut = (x: Series): Series => {
    const idx = x.t.map((t, i) => (t >= from && t <= to ? i : -1)).filter((i) => i >= 0);
    return downsample({ t: idx.map((i) => x.t[i] as number), v: idx.map((i) => x.v[i] as number) }, points);
  };
  return {
    limit: s.limit,
    webbridges: s.webbridges
      .filter((w) => !node || w.name === node)
      .map((w) => ({
        ...w,
        active: cut(w.active),
        leakedMin: cut(w.leakedMin),
        restarts: w.restarts.filter((t) => t >= from && t <= to),
      })),
    callbridges: s.callbridges.filter((c) => !node || c.name === node).map((c) => ({ ...c, cma: cut(c.cma) })),
    clusterLeaked: cut(s.clusterLeaked),
  };
}

/** A browser sends Origin on a cross-site POST; it must be this server's own. */
function sameOrigin(origin: string | undefined, host: string | undefined, secFetchSite: string | undefined): boolean {
  if (secFetchSite && secFetchSite !== 'same-origin' && secFetchSite !== 'none') {
    return false;
  }
  if (!origin) {
    return true;
  }
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Spans longer than this are drawn from the per-minute table (the in-memory series cover the raw retention). */
export const MINUTE_HISTORY_AFTER_MS = 2 * 86_400_000;

/** Replaces active and CMA series with the store's per-minute history when the span is long. */
async function withMinuteHistory(
  s: AnalysisSeries,
  deps: ClusterHttp,
  from: number,
  to: number,
  points: number,
): Promise<AnalysisSeries> {
  const end = Number.isFinite(to) ? to : Date.now();
  if (!deps.minuteHistory || !Number.isFinite(from) || end - from <= MINUTE_HISTORY_AFTER_MS) {
    return s;
  }
  const bucketMs = Math.max(60_000, Math.ceil((end - from) / points / 60_000) * 60_000);
  const h = await deps.minuteHistory(from, end, bucketMs);
  return {
    ...s,
    webbridges: s.webbridges.map((w) => ({ ...w, active: h.webbridges.get(w.name) ?? w.active })),
    callbridges: s.callbridges.map((c) => ({ ...c, cma: h.callbridges.get(c.name) ?? c.cma })),
  };
}

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  const unauthorized = { error: 'a valid bearer token is required' };
  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('cache-control', 'no-store');
  });
  // Reads: open when publicReadOnly, or when no token is configured (then acting is off and the listener is
  // loopback unless the admin chose otherwise); else the same token as acting.
  const readGuard = async (c: Parameters<Parameters<Hono['use']>[1]>[0], next: () => Promise<void>) => {
    if (deps.token && !deps.publicReadOnly && !tokenOk(c.req.header('authorization'), deps.token)) {
      return c.json(unauthorized, 401, { 'www-authenticate': 'Bearer' });
    }
    await next();
  };
  app.use('/api/*', readGuard);
  app.use('/metrics', readGuard);

  for (const [path, asset] of dashboardAssets()) {
    app.get(path, (c) =>
      c.body(new Uint8Array(asset.body), 200, {
        'content-type': asset.type,
        ...(path === '/' ? { 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY' } : {}),
      }),
    );
  }
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', async (c) =>
    c.text(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  // The cluster a request asks for (`?cluster=`), the first without; an unknown name is the caller's mistake.
  const byName = new Map(deps.clusters.map((k) => [k.name, k]));
  const clusterOf = (name: string | undefined): ClusterHttp | { error: string } =>
    name === undefined
      ? (deps.clusters[0] ?? { error: 'no cluster is configured' })
      : (byName.get(name) ?? {
          error: `unknown cluster: ${name} (configured: ${deps.clusters.map((k) => k.name).join(', ')})`,
        });
  app.get('/api/v1/clusters', (c) => c.json(deps.clusters.map((k) => k.state())));
  app.get('/api/v1/state', (c) => {
    const k = clusterOf(c.req.query('cluster'));
    return 'error' in k ? c.json(k, 400) : c.json(k.state());
  });
  app.get('/api/v1/history', async (c) => {
    const k = clusterOf(c.req.query('cluster'));
    if ('error' in k) {
      return c.json(k, 400);
    }
    const from = c.req.query('from') ? Date.parse(c.req.query('from') as string) : Number.NEGATIVE_INFINITY;
    const to = c.req.query('to') ? Date.parse(c.req.query('to') as string) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(from) || Number.isNaN(to)) {
      return c.json({ error: 'from and to must be ISO-8601 instants' }, 400);
    }
    const asked = c.req.query('points');
    const points = asked === undefined ? MAX_HISTORY_POINTS : Number(asked);
    if (!Number.isInteger(points) || points < 2) {
      return c.json({ error: 'points must be an integer ≥ 2' }, 400);
    }
    const n = Math.min(points, MAX_HISTORY_POINTS);
    const series = await withMinuteHistory(k.series(), k, from, to, n);
    return c.json(filterSeries(series, c.req.query('node'), from, to, n));
  });
  const limitOf = (q: string | undefined) => Math.min(1000, Math.max(1, Number(q ?? 100) || 100));
  app.get('/api/v1/events', async (c) => c.json(await deps.events(limitOf(c.req.query('limit')))));
  app.get('/api/v1/journal', (c) => c.json(deps.journal(limitOf(c.req.query('limit')))));
  app.get('/api/v1/alerts', (c) => c.json(deps.alerts()));
  app.get('/api/v1/plan', (c) => {
    const k = clusterOf(c.req.query('cluster'));
    return 'error' in k ? c.json(k, 400) : c.json(k.plan());
  });
  app.post(
    '/api/v1/restart',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      if (!sameOrigin(c.req.header('origin'), c.req.header('host'), c.req.header('sec-fetch-site'))) {
        return c.json({ error: 'cross-site request refused' }, 403);
      }
      if (!deps.token) {
        return c.json({ error: 'acting over HTTP is disabled: set http.token in the configuration' }, 403);
      }
      if (!tokenOk(c.req.header('authorization'), deps.token)) {
        return c.json(unauthorized, 401, { 'www-authenticate': 'Bearer' });
      }
      if (deps.role?.() === 'follower') {
        return c.json({ error: 'this instance follows: ask the leader (ha), which acts for the group' }, 409);
      }
      let names: string[] | undefined;
      let cluster = c.req.query('cluster');
      const text = await c.req.text();
      if (text.trim() !== '') {
        let body: { names?: unknown; cluster?: unknown };
        try {
          body = JSON.parse(text) as { names?: unknown; cluster?: unknown };
        } catch {
          return c.json({ error: 'the body must be JSON: {"names": ["wb1"]} or empty for all' }, 400);
        }
        if (body.cluster !== undefined) {
          if (typeof body.cluster !== 'string') {
            return c.json({ error: 'cluster must be the name of a configured cluster' }, 400);
          }
          cluster = body.cluster;
        }
        if (body.names !== undefined) {
          if (!Array.isArray(body.names) || !body.names.every((n) => typeof n === 'string')) {
            return c.json({ error: 'names must be a list of Web Bridge names' }, 400);
          }
          names = body.names as string[];
        }
      }
      const k = clusterOf(cluster);
      if ('error' in k) {
        return c.json(k, 400);
      }
      const known = new Set(k.webbridgeNames);
      const unknown = (names ?? []).filter((n) => !known.has(n));
      if (unknown.length > 0) {
        return c.json({ error: `unknown Web Bridge: ${unknown.join(', ')} (cluster ${k.name})` }, 400);
      }
      return c.json({ results: await k.restart(names) });
    },
  );
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
