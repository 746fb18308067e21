/**
 * @module app/cli/commands/status
 * `wbguard status`: the running guard's picture in the terminal (from its API).
 */
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
    .option('--json', 'print the state as JSON')
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
        if (!res.ok) {
          throw new Error(`${path}: HTTP ${res.status}`);
        }
        return res.json() as Promise<unknown>;
      };
      let state: Record<string, unknown>;
      let series: unknown;
      try {
        state = (await get('/api/v1/state')) as Record<string, unknown>;
        series = await get('/api/v1/history');
      } catch (err) {
        if (err instanceof UsageError) {
          result.exitCode = 1;
          throw err;
        }
        // The daemon does not answer: its store still knows the picture, when this config's state folder has one.
        const fromStore = c && !opts.url ? await storePicture(c) : undefined;
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
        state = { ...fromStore.report, mode: `${c?.policy.mode ?? 'unknown'} (daemon not running)` };
        series = fromStore.series;
      }
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify(state)}\n`);
        return;
      }
      const { renderTextReport } = await import('../../report/text-report.js');
      await write(
        io.stdout,
        `mode ${String(state.mode)}, maintenance window ${state.windowOpen === undefined ? 'unknown' : state.windowOpen ? 'open' : 'closed'}\n`,
      );
      await write(
        io.stdout,
        renderTextReport(state as never, series as never, { colour: useColour(io), width: io.stdout.columns ?? 100 }),
      );
      await write(io.stdout, apiAndVersionLines(state));
      const unknown = Object.entries((state.unknownHosts ?? {}) as Record<string, number>);
      if (unknown.length > 0) {
        await write(
          io.stdout,
          `syslog from hosts not in the configuration: ${unknown.map(([h, n]) => `${h} (${n})`).join(', ')}\n`,
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
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The picture from the store in the config's state folder, or undefined when there is none. */
async function storePicture(c: import('../../config/index.js').WbguardConfig) {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const path = join(c.state, 'wbguard.db');
  if (!existsSync(path)) {
    return undefined;
  }
  const [{ analysisFromStore }, { webbridgeNameMap, callbridgeNameMap }] = await Promise.all([
    import('../../analyze/from-store.js'),
    import('../../config/index.js'),
  ]);
  const r = analysisFromStore(path, {
    limit: c.analysis.limit,
    cmaClients: c.analysis.cmaClients,
    staleAfterMs: c.analysis.staleAfterMs,
    webbridgeNames: webbridgeNameMap(c),
    callbridgeNames: callbridgeNameMap(c),
  });
  return { path, report: r.report, series: r.series };
}
