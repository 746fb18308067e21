/**
 * @module app/cli/commands/status
 * `wbguard status`: the running guard's picture in the terminal (from its API).
 */

import { printable } from '../../../core/text/printable.js';
import { UsageError } from '../../../errors.js';
import { useColour, write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerStatus: RegisterVerb = (program, io, result) => {
  program
    .command('status')
    .description("print the running guard's state: every Web Bridge, the cluster leak, the policy")
    .option('--url <url>', 'base URL of the running daemon (default: http.listen of the config)')
    .option('--config <file>', 'configuration file')
    .option('--token <ref>', "the daemon's http.token, by reference: env:NAME or file:PATH (default: the config's)")
    .option('--cluster <name>', 'with several clusters: show this one only (default: every cluster, one after another)')
    .option('--json', 'print the state as JSON (with several clusters and no --cluster: a list, one state each)')
    .addHelpText(
      'after',
      '\nExamples:\n  wbguard status --config /etc/wbguard/config.yaml\n  wbguard status --url http://127.0.0.1:8080 --token env:WBGUARD_HTTP_TOKEN',
    )
    .action(async (opts) => {
      const { loadConfig, resolveConfigPath, resolveSecret } = await import('../../config/index.js');
      let base = opts.url;
      let tokenRef: string | undefined = opts.token;
      let c: Awaited<ReturnType<typeof loadConfig>> | undefined;
      if (!base || !tokenRef) {
        const path = resolveConfigPath(opts.config, io.env);
        // Only the token is needed here: the other secrets (MMP password…) stay unresolved.
        c = !base || opts.config ? await loadConfig(path, { env: io.env, resolveSecrets: false }) : undefined;
        base ??= `http://${c?.http?.listen ?? '127.0.0.1:8080'}`;
        tokenRef ??= typeof c?.http.token === 'string' ? c.http.token : undefined;
      }
      const token = tokenRef ? resolveSecret(tokenRef, 'http.token', io.env).reveal() : undefined;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`, { headers });
        if (res.status === 401) {
          throw new UsageError(`the daemon at ${base} wants its token to be read`, {
            hint: 'give --token env:NAME or file:PATH (http.token), or --config with http.token',
          });
        }
        if (res.status === 400) {
          // The daemon answered and refused the question (an unknown --cluster): not a reason to read the store.
          const body = (await res.json().catch(() => ({}))) as { error?: string };
          result.exitCode = 2;
          throw new UsageError(body.error ?? `${path}: HTTP 400`);
        }
        if (!res.ok) {
          throw new Error(`${path}: HTTP ${res.status}`);
        }
        return res.json() as Promise<unknown>;
      };
      type Picture = { state: Record<string, unknown>; series: unknown };
      let pictures: Picture[];
      try {
        const q = (name: string) => `cluster=${encodeURIComponent(name)}`;
        if (opts.cluster) {
          const state = (await get(`/api/v1/state?${q(opts.cluster)}`)) as Record<string, unknown>;
          pictures = [{ state, series: await get(`/api/v1/history?${q(opts.cluster)}`) }];
        } else {
          const all = (await get('/api/v1/clusters')) as Array<Record<string, unknown>>;
          pictures = [];
          for (const state of all) {
            pictures.push({ state, series: await get(`/api/v1/history?${q(String(state.clusterName))}`) });
          }
        }
      } catch (err) {
        if (err instanceof UsageError) {
          result.exitCode = 1;
          throw err;
        }
        // The daemon does not answer: its store still knows the picture, when this config's state folder has one.
        const fromStore = c && !opts.url ? await storePictures(c) : undefined;
        if (!fromStore) {
          result.exitCode = 1;
          throw new UsageError(`cannot reach the daemon at ${base}: ${(err as Error).message}`, {
            hint: 'is wbguard run running? give --url, or --config whose state folder holds the store',
          });
        }
        await write(
          io.stderr,
          `wbguard: the daemon at ${base} does not answer (${(err as Error).message}); showing what its store at ${fromStore.path} kept\n`,
        );
        pictures = fromStore.pictures
          .filter((p) => !opts.cluster || p.report.clusterName === opts.cluster)
          .map((p) => ({
            state: { ...p.report, mode: `${p.mode} (daemon not running)` },
            series: p.series,
          }));
        if (pictures.length === 0) {
          result.exitCode = 2;
          throw new UsageError(
            `unknown cluster: ${opts.cluster} (configured: ${fromStore.pictures.map((p) => p.report.clusterName).join(', ')})`,
          );
        }
      }
      if (opts.json) {
        const doc = pictures.length === 1 ? pictures[0]?.state : pictures.map((p) => p.state);
        await write(io.stdout, `${JSON.stringify(doc)}\n`);
        return;
      }
      const { renderTextReport } = await import('../../report/text-report.js');
      for (const { state, series } of pictures) {
        const named = pictures.length > 1 ? `cluster ${String(state.clusterName)}: ` : '';
        await write(
          io.stdout,
          `${printable(`${named}mode ${String(state.mode)}`)}, maintenance window ${state.windowOpen === undefined ? 'unknown' : state.windowOpen ? 'open' : 'closed'}\n`,
        );
        await write(
          io.stdout,
          renderTextReport(state as never, series as never, { colour: useColour(io), width: io.stdout.columns ?? 100 }),
        );
        await write(io.stdout, apiAndVersionLines(state));
      }
      const unknown = Object.entries((pictures[0]?.state.unknownHosts ?? {}) as Record<string, number>);
      if (unknown.length > 0) {
        await write(
          io.stdout,
          `syslog from hosts not in the configuration: ${printable(unknown.map(([h, n]) => `${h} (${n})`).join(', '))}\n`,
        );
      }
    });
};

interface Verdict {
  version: string;
  affected: boolean;
  webBridge3Available: boolean;
  advice: string;
}

/** The CMS API's counts beside syslog's, and each node's CMS version with what it means for the leak. */
function apiAndVersionLines(state: Record<string, unknown>): string {
  const api = (state.api ?? []) as Array<{
    name: string;
    count?: { acano: number; at: number };
    version?: Verdict;
    error?: { code: string };
  }>;
  const mmp = (state.mmp ?? []) as Array<{ name: string; ok: boolean; code?: string; version?: Verdict }>;
  const cbs = (state.callbridges ?? []) as Array<{ name: string; cma: number | null }>;
  const lines: string[] = [];
  const estimate = state.leakEstimate as { value: number; source: string; at: string | null } | undefined;
  if (estimate && api.length > 0) {
    lines.push(
      `leak estimate ${estimate.value} (Σ active − Σ real sessions by ${estimate.source === 'api' ? 'the CMS API' : 'STATS lines'}, the fresher, at ${estimate.at ?? '—'})`,
    );
  }
  for (const a of api) {
    const syslog = cbs.find((c) => c.name === a.name)?.cma;
    const count = a.count
      ? `${a.count.acano} real CMA legs (API, ${new Date(a.count.at).toISOString()})`
      : 'not counted yet (API)';
    lines.push(`${a.name}: ${count}; STATS says ${syslog ?? '—'}${a.error ? `; last API error ${a.error.code}` : ''}`);
  }
  const versions = new Map<string, Verdict>();
  for (const m of mmp) {
    if (m.version) {
      versions.set(m.name, m.version);
    }
  }
  for (const a of api) {
    if (a.version) {
      versions.set(a.name, a.version);
    }
  }
  for (const [name, v] of versions) {
    lines.push(`${name}: CMS ${v.version}: ${v.advice}`);
  }
  for (const m of mmp.filter((x) => !x.ok)) {
    lines.push(`${m.name}: MMP login probe failed (${m.code ?? 'unknown'}): restarts will fail until this is fixed`);
  }
  // Every field here is the daemon's answer, which holds names and versions from the CMS: shown, never obeyed.
  return lines.length ? `${lines.map(printable).join('\n')}\n` : '';
}

/** Each cluster's picture from the store in the config's state folder, or undefined when there is none. */
async function storePictures(c: import('../../config/index.js').WbguardConfig) {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const path = join(c.state, 'wbguard.db');
  if (!existsSync(path)) {
    return undefined;
  }
  const [{ SqliteStore }, { ClusterAnalyzers }, { scopedClusters }] = await Promise.all([
    import('../../../adapters/store/sqlite-store.js'),
    import('../../daemon/cluster-analyzers.js'),
    import('../../config/index.js'),
  ]);
  const now = Date.now();
  const clusters = scopedClusters(c);
  const analyzers = new ClusterAnalyzers(clusters, {
    limit: c.analysis.limit,
    cmaClients: c.analysis.cmaClients,
    staleAfterMs: c.analysis.staleAfterMs,
  });
  const store = new SqliteStore(path);
  let read = 0;
  try {
    store.eachRecordSince(now - c.store.rawRetentionDays * 86_400_000, (r) => {
      read++;
      analyzers.add(r);
    });
  } finally {
    store.close();
  }
  const lines = { read, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 };
  return {
    path,
    pictures: clusters.map((k) => ({
      report: { ...analyzers.of(k.cluster).report(lines, now), clusterName: k.cluster },
      series: analyzers.series(k.cluster),
      mode: k.policy.mode,
    })),
  };
}
