/**
 * @module app/http/server
 * The daemon's HTTP side (hono): the dashboard (`/`), `/healthz`, `/metrics`, and the JSON API `/api/v1/state`,
 * `/api/v1/history`, `/api/v1/events`, `/api/v1/journal`, `/api/v1/alerts`, `/api/v1/plan`, `/api/v1/clusters`,
 * `POST /api/v1/restart`. With several clusters, `?cluster=NAME` picks one (the first without). Anything that acts needs the bearer token (without a configured token, acting over HTTP
 * is disabled); reading needs it too unless `http.publicReadOnly` is set. A request that acts from another site's
 * page (CSRF) is refused by its Origin. Every query and body is checked strictly (request-schemas.ts); every refusal
 * answers `{"error", "code"}` with the status its code maps to (api-errors.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Registry } from 'prom-client';
import type { AlertCondition } from '../../core/alerts/index.js';
import { downsample } from '../../core/analysis/index.js';
import type { AnalysisSeries, Series } from '../../core/model.js';
import { HttpRequestError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
// The view model (what the API serves of one cluster) lives beside the daemon that builds it.
import type { ClusterHttp } from '../daemon/view-model.js';
import { errorAnswer } from './api-errors.js';
import { DASHBOARD_CSP, dashboardAssets } from './dashboard-assets.js';
import { parseQuery, parseRestartBody } from './request-schemas.js';

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
  /** Where an unexpected failure while answering is logged (the answer itself says only "internal error"). */
  readonly log?: Logger;
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
  const unauthorized = () => new HttpRequestError('WBGUARD_ERR_HTTP_AUTH', 'a valid bearer token is required');
  app.onError((err, c) => errorAnswer(c, err, deps.log));
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
      throw unauthorized();
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
  const clusterOf = (name: string | undefined): ClusterHttp => {
    const k = name === undefined ? deps.clusters[0] : byName.get(name);
    if (k) {
      return k;
    }
    throw new HttpRequestError(
      'WBGUARD_ERR_HTTP_INPUT',
      name === undefined
        ? 'no cluster is configured'
        : `unknown cluster: ${name} (configured: ${deps.clusters.map((x) => x.name).join(', ')})`,
    );
  };
  app.get('/api/v1/clusters', (c) => {
    parseQuery('clusters', c.req.queries());
    return c.json(deps.clusters.map((k) => k.state()));
  });
  app.get('/api/v1/state', (c) => c.json(clusterOf(parseQuery('state', c.req.queries()).cluster).state()));
  app.get('/api/v1/history', async (c) => {
    const q = parseQuery('history', c.req.queries());
    const k = clusterOf(q.cluster);
    const from = q.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(q.from);
    const to = q.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(q.to);
    const n = Math.min(q.points ?? MAX_HISTORY_POINTS, MAX_HISTORY_POINTS);
    const series = await withMinuteHistory(k.series(), k, from, to, n);
    return c.json(filterSeries(series, q.node, from, to, n));
  });
  // At most 1,000 entries whatever was asked: a larger limit is served as 1,000, not refused.
  const limitOf = (asked: number | undefined) => Math.min(1000, asked ?? 100);
  app.get('/api/v1/events', async (c) =>
    c.json(await deps.events(limitOf(parseQuery('events', c.req.queries()).limit))),
  );
  app.get('/api/v1/journal', (c) => c.json(deps.journal(limitOf(parseQuery('journal', c.req.queries()).limit))));
  app.get('/api/v1/alerts', (c) => {
    parseQuery('alerts', c.req.queries());
    return c.json(deps.alerts());
  });
  app.get('/api/v1/plan', (c) => c.json(clusterOf(parseQuery('plan', c.req.queries()).cluster).plan()));
  app.post(
    '/api/v1/restart',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorAnswer(
          c,
          new HttpRequestError('WBGUARD_ERR_HTTP_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`),
        ),
    }),
    async (c) => {
      if (!sameOrigin(c.req.header('origin'), c.req.header('host'), c.req.header('sec-fetch-site'))) {
        throw new HttpRequestError('WBGUARD_ERR_HTTP_FORBIDDEN', 'cross-site request refused');
      }
      if (!deps.token) {
        throw new HttpRequestError(
          'WBGUARD_ERR_HTTP_FORBIDDEN',
          'acting over HTTP is disabled: set http.token in the configuration',
        );
      }
      if (!tokenOk(c.req.header('authorization'), deps.token)) {
        throw unauthorized();
      }
      if (deps.role?.() === 'follower') {
        throw new HttpRequestError(
          'WBGUARD_ERR_HTTP_FOLLOWER',
          'this instance follows: ask the leader (ha), which acts for the group',
        );
      }
      const query = parseQuery('restart', c.req.queries());
      const body = parseRestartBody(await c.req.text());
      if (query.cluster !== undefined && body.cluster !== undefined && query.cluster !== body.cluster) {
        throw new HttpRequestError(
          'WBGUARD_ERR_HTTP_INPUT',
          `cluster: the query says ${query.cluster}, the body ${body.cluster}; give one`,
        );
      }
      const k = clusterOf(body.cluster ?? query.cluster);
      const known = new Set(k.webbridgeNames);
      const unknown = (body.names ?? []).filter((n) => !known.has(n));
      if (unknown.length > 0) {
        throw new HttpRequestError(
          'WBGUARD_ERR_HTTP_INPUT',
          `body.names: unknown Web Bridge: ${unknown.join(', ')} (cluster ${k.name}: ${k.webbridgeNames.join(', ')})`,
        );
      }
      // `"all": true` is the only way to ask for every Web Bridge; the run takes undefined for that.
      return c.json({ results: await k.restart(body.all ? undefined : body.names) });
    },
  );
  app.notFound((c) => errorAnswer(c, new HttpRequestError('WBGUARD_ERR_HTTP_NOT_FOUND', 'not found')));
  return app;
}
