/**
 * @module app/http/server
 * The daemon's HTTP side (hono): `/healthz`, `/metrics`, and the JSON API `/api/v1/state`, `/api/v1/history`,
 * `/api/v1/events`, `/api/v1/plan`, `POST /api/v1/restart`. Anything that acts needs the bearer token; without a
 * configured token, acting over HTTP is disabled.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { AnalysisReport, AnalysisSeries } from '../../core/model.js';
import type { Evaluation } from '../daemon/policy-loop.js';
import type { NodeResult } from '../restart/orchestrator.js';

export interface HttpDeps {
  readonly state: () => AnalysisReport & {
    mode: string;
    windowOpen: boolean;
    unknownHosts: Record<string, number>;
    api: unknown;
  };
  readonly series: () => AnalysisSeries;
  readonly events: (limit: number) => unknown[];
  readonly plan: () => Evaluation;
  readonly restart: (names: readonly string[] | undefined) => Promise<NodeResult[]>;
  readonly registry: Registry;
  /** Bearer token for acting endpoints; undefined disables them. */
  readonly token: (() => string) | undefined;
}

function tokenOk(header: string | undefined, token: () => string): boolean {
  if (!header?.startsWith('Bearer ')) {
    return false;
  }
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token());
  return a.length === b.length && timingSafeEqual(a, b);
}

function filterSeries(s: AnalysisSeries, node: string | undefined, from: number, to: number): AnalysisSeries {
  const cut = (x: { t: readonly number[]; v: readonly number[] }) => {
    const idx = x.t.map((t, i) => (t >= from && t <= to ? i : -1)).filter((i) => i >= 0);
    return { t: idx.map((i) => x.t[i] as number), v: idx.map((i) => x.v[i] as number) };
  };
  return {
    limit: s.limit,
    webbridges: s.webbridges
      .filter((w) => !node || w.name === node)
      .map((w) => ({ ...w, active: cut(w.active), leakedMin: cut(w.leakedMin) })),
    callbridges: s.callbridges.filter((c) => !node || c.name === node).map((c) => ({ ...c, cma: cut(c.cma) })),
    clusterLeaked: cut(s.clusterLeaked),
  };
}

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', async (c) =>
    c.text(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  app.get('/api/v1/state', (c) => c.json(deps.state()));
  app.get('/api/v1/history', (c) => {
    const from = c.req.query('from') ? Date.parse(c.req.query('from') as string) : Number.NEGATIVE_INFINITY;
    const to = c.req.query('to') ? Date.parse(c.req.query('to') as string) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(from) || Number.isNaN(to)) {
      return c.json({ error: 'from and to must be ISO-8601 instants' }, 400);
    }
    return c.json(filterSeries(deps.series(), c.req.query('node'), from, to));
  });
  app.get('/api/v1/events', (c) => c.json(deps.events(Math.min(1000, Number(c.req.query('limit') ?? 100) || 100))));
  app.get('/api/v1/plan', (c) => c.json(deps.plan()));
  app.post('/api/v1/restart', async (c) => {
    if (!deps.token) {
      return c.json({ error: 'acting over HTTP is disabled: set http.token in the configuration' }, 403);
    }
    if (!tokenOk(c.req.header('authorization'), deps.token)) {
      return c.json({ error: 'a valid bearer token is required' }, 401, { 'www-authenticate': 'Bearer' });
    }
    let names: string[] | undefined;
    try {
      const body = (await c.req.json().catch(() => ({}))) as { names?: unknown };
      if (body.names !== undefined) {
        if (!Array.isArray(body.names) || !body.names.every((n) => typeof n === 'string')) {
          return c.json({ error: 'names must be a list of Web Bridge names' }, 400);
        }
        names = body.names as string[];
      }
    } catch {
      return c.json({ error: 'body must be JSON' }, 400);
    }
    return c.json({ results: await deps.restart(names) });
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
