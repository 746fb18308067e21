/**
 * @module app/doctor/daemon-source
 * When `wbguard run` is running, it holds the syslog addresses the doctor would listen on: its API
 * (`/api/v1/clusters`, as `wbguard status` reads it) says instead when each node's Stats and STATS last arrived,
 * the refusals it saw and the hosts it does not know.
 */
import type { WbguardConfig } from '../config/index.js';
import { type Check, fail, ok, warn } from './check.js';

interface NodeState {
  readonly name: string;
  readonly lastSeen: string | null;
  readonly limitEpisodes?: readonly unknown[];
}

interface ClusterState {
  readonly clusterName: string;
  readonly webbridges?: readonly NodeState[];
  readonly callbridges?: readonly NodeState[];
  readonly unknownHosts?: Record<string, number>;
}

/** The daemon's clusters, or undefined when no daemon answers at http.listen within a second and a half. */
export async function askDaemon(config: WbguardConfig): Promise<{ url: string; clusters: ClusterState[] } | undefined> {
  // A daemon listening on every address answers on loopback.
  const url = `http://${config.http.listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}`;
  const token = config.secrets.get('http.token')?.reveal();
  try {
    const res = await fetch(`${url}/api/v1/clusters`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(1500),
    });
    if (!res.ok) {
      return undefined;
    }
    const body = (await res.json()) as unknown;
    return Array.isArray(body) ? { url, clusters: body as ClusterState[] } : undefined;
  } catch {
    return undefined;
  }
}

function age(now: number, at: string): string {
  return `${Math.round((now - Date.parse(at)) / 1000)} s ago`;
}

function lastSeenCheck(what: string, n: NodeState, now: number, withinMs: number): Check {
  if (!n.lastSeen) {
    return fail(
      'syslog',
      n.name,
      `${what}: the daemon has seen none`,
      `check ${n.name}'s syslog destination (syslog server add <this host>:<port>) and its syslogHost`,
    );
  }
  const fact = `${what}: last at ${n.lastSeen} (${age(now, n.lastSeen)}), by the running daemon`;
  return now - Date.parse(n.lastSeen) <= withinMs
    ? ok('syslog', n.name, fact)
    : fail('syslog', n.name, `${fact}: no longer arriving`, `check ${n.name}'s syslog destination and the network`);
}

export function checkDaemonState(
  config: WbguardConfig,
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
  for (const k of daemon.clusters) {
    for (const w of k.webbridges ?? []) {
      out.push(lastSeenCheck('Web Bridge Stats', w, now, 2 * config.alerting.webbridgeStatsIntervalMs));
      const episodes = w.limitEpisodes?.length ?? 0;
      out.push(
        episodes === 0
          ? ok('syslog', w.name, 'at the limit: never, as far as the daemon knows')
          : warn('syslog', w.name, `at the limit ${episodes} time(s): joins were refused then`),
      );
    }
    for (const c of k.callbridges ?? []) {
      out.push(lastSeenCheck('Call Bridge STATS', c, now, 2 * config.alerting.callbridgeStatsIntervalMs));
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
}
