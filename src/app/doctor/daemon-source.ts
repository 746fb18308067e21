/**
 * @module app/doctor/daemon-source
 * When `wbguard run` is running, it holds the syslog addresses the doctor would listen on: its API
 * (`/api/v1/clusters`, as `wbguard status` reads it) says instead when each node's Stats and STATS last arrived,
 * which it marks stale, the refusals it saw and the hosts it does not know. A configured node missing from its data
 * has sent it nothing. A daemon that refuses the doctor's token still holds those addresses: that is said, and the
 * doctor does not try to listen on them.
 */
import { type ClusterView, describeSecret, type WbguardConfig } from '../config/index.js';
import { type Check, fail, ok, warn } from './check.js';
import { syslogTargets } from './syslog-checks.js';

interface NodeState {
  readonly name: string;
  readonly lastSeen: string | null;
  /** The daemon's own verdict: no sample for longer than analysis.staleAfterMs. */
  readonly stale?: boolean;
  readonly limitEpisodes?: readonly unknown[];
}

interface ClusterState {
  readonly clusterName: string;
  readonly webbridges?: readonly NodeState[];
  readonly callbridges?: readonly NodeState[];
  readonly unknownHosts?: Record<string, number>;
}

export type DaemonAnswer =
  | { readonly kind: 'state'; readonly url: string; readonly clusters: ClusterState[] }
  /** A wbguard daemon answered 401: it runs, but the doctor's token (or its absence) is not accepted. */
  | { readonly kind: 'refused'; readonly url: string; readonly tokenSent: boolean }
  | { readonly kind: 'none' };

/** Whether a 401 came from wbguard's API (its error code), not from another program on the port. */
async function isWbguardRefusal(res: Response): Promise<boolean> {
  const body = (await res.json().catch(() => undefined)) as { code?: unknown } | undefined;
  return res.status === 401 && body?.code === 'WBGUARD_ERR_HTTP_AUTH';
}

/** What a daemon at http.listen answers within a second and a half: its clusters, a refusal, or nothing. */
export async function askDaemon(config: WbguardConfig): Promise<DaemonAnswer> {
  // A daemon listening on every address answers on loopback.
  const url = `http://${config.http.listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}`;
  const token = config.secrets.get('http.token')?.reveal();
  try {
    const res = await fetch(`${url}/api/v1/clusters`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(1500),
    });
    if (!res.ok) {
      return (await isWbguardRefusal(res))
        ? { kind: 'refused', url, tokenSent: token !== undefined }
        : { kind: 'none' };
    }
    const body = (await res.json()) as unknown;
    return Array.isArray(body) ? { kind: 'state', url, clusters: body as ClusterState[] } : { kind: 'none' };
  } catch {
    return { kind: 'none' };
  }
}

/** The ✘ for a daemon that refused the token: syslog cannot be checked through it, nor by listening. */
export function daemonRefusedCheck(config: WbguardConfig, url: string, tokenSent: boolean): Check {
  const seen = tokenSent
    ? `the token http.token refers to (${config.http.token ? describeSecret(config.http.token) : ''}) was refused (401)`
    : 'no http.token is configured here, and it requires one (401)';
  return fail(
    'syslog',
    'source',
    `a wbguard daemon is running at ${url} and holds the syslog addresses, but ${seen}: syslog was not checked`,
    "run the doctor with the daemon's configuration (--config), whose http.token refers to the daemon's token; or set http.publicReadOnly: true in the daemon's configuration so its read-only API needs no token",
  );
}

function age(now: number, at: string): string {
  return `${Math.round((now - Date.parse(at)) / 1000)} s ago`;
}

function lastSeenCheck(config: WbguardConfig, what: string, n: NodeState, now: number, withinMs: number): Check {
  const fix = `check ${n.name}'s syslog destination (syslog server add, to ${syslogTargets(config)}), its syslogHost, and the network between`;
  if (!n.lastSeen) {
    return fail('syslog', n.name, `${what}: the running daemon has seen none`, fix);
  }
  const fact = `${what}: last at ${n.lastSeen} (${age(now, n.lastSeen)}), by the running daemon`;
  if (n.stale) {
    return fail('syslog', n.name, `${fact}: the daemon marks ${n.name} stale (no longer arriving)`, fix);
  }
  return now - Date.parse(n.lastSeen) <= withinMs
    ? ok('syslog', n.name, fact)
    : fail('syslog', n.name, `${fact}: no longer arriving`, fix);
}

/** The daemon's cluster for a configured one: by name, or the only one when both sides have one. */
function daemonClusterOf(
  view: ClusterView,
  views: readonly ClusterView[],
  clusters: readonly ClusterState[],
): ClusterState | undefined {
  return (
    clusters.find((k) => k.clusterName === view.name) ??
    (views.length === 1 && clusters.length === 1 ? clusters[0] : undefined)
  );
}

export function checkDaemonState(
  config: WbguardConfig,
  views: readonly ClusterView[],
  daemon: { url: string; clusters: readonly ClusterState[] },
  now: number,
  out: Check[],
): void {
  out.push(
    ok(
      'syslog',
      'source',
      `the running daemon at ${daemon.url} answers; it holds the syslog addresses (sender addresses, stamp shapes and intervals are not kept by it: --logs on the syslog files gives them)`,
    ),
  );
  for (const view of views) {
    const k = daemonClusterOf(view, views, daemon.clusters);
    if (!k) {
      out.push(
        fail(
          'syslog',
          view.name,
          `the daemon at ${daemon.url} guards ${daemon.clusters.map((c) => c.clusterName).join(', ') || 'no cluster'}, not the cluster ${view.name} of this configuration`,
          "run the doctor with the daemon's configuration (--config)",
        ),
      );
      continue;
    }
    checkDaemonCluster(config, view, k, now, out);
  }
}

function checkDaemonCluster(
  config: WbguardConfig,
  view: ClusterView,
  k: ClusterState,
  now: number,
  out: Check[],
): void {
  const host = (n: { name: string; syslogHost?: string | undefined }) => n.syslogHost ?? n.name;
  // The hosts the daemon has any data of, whichever role: a combined server silent in one role only is not "nothing".
  const heard = new Set([
    ...view.webbridges.filter((w) => k.webbridges?.some((x) => x.name === w.name)).map(host),
    ...view.callbridges.filter((c) => k.callbridges?.some((x) => x.name === c.name)).map(host),
  ]);
  const silent = new Set<string>();
  const roles = [
    {
      nodes: view.webbridges,
      seen: k.webbridges,
      what: 'Web Bridge Stats',
      everyMs: config.alerting.webbridgeStatsIntervalMs,
    },
    {
      nodes: view.callbridges,
      seen: k.callbridges,
      what: 'Call Bridge STATS',
      everyMs: config.alerting.callbridgeStatsIntervalMs,
    },
  ] as const;
  for (const role of roles) {
    for (const node of role.nodes) {
      const h = host(node);
      if (!heard.has(h)) {
        // Nothing at all from this host: one line, not one per role.
        if (!silent.has(h)) {
          silent.add(h);
          out.push(
            fail(
              'syslog',
              node.name,
              `the running daemon has received nothing from ${h} (${node.name} is not in its data)`,
              `on ${node.name}'s MMP: syslog server add, to ${syslogTargets(config)}; or, if it names itself differently, set syslogHost of ${node.name}`,
            ),
          );
        }
        continue;
      }
      const state = role.seen?.find((x) => x.name === node.name) ?? { name: node.name, lastSeen: null };
      out.push(lastSeenCheck(config, role.what, state, now, 2 * role.everyMs));
      if (role.what === 'Web Bridge Stats') {
        const episodes = state.limitEpisodes?.length ?? 0;
        out.push(
          episodes === 0
            ? ok('syslog', node.name, 'at the limit: never, as far as the daemon knows')
            : warn('syslog', node.name, `at the limit ${episodes} time(s): joins were refused then`),
        );
      }
    }
  }
  const unknown = Object.entries(k.unknownHosts ?? {});
  if (unknown.length > 0) {
    out.push(
      warn(
        'syslog',
        'unknown hosts',
        `lines from hosts not in the configuration: ${unknown.map(([h, n]) => `${h} (${n})`).join(', ')}`,
        'if one is a configured node under another name, set its syslogHost to the name it writes',
      ),
    );
  }
}
