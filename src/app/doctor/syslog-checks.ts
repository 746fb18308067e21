/**
 * @module app/doctor/syslog-checks
 * Turns what was seen of syslog into per-node checks: arriving or not (from which address, over which transport,
 * in which stamp shape), Web Bridge Stats and their interval, Call Bridge STATS and theirs, join refusals, hosts
 * not in the configuration, and the clock (each node's stamps against this host's clock).
 */
import { isDefaultJoinRefusal } from '../../core/parse/join-refusal.js';
import {
  type ClusterView,
  formatHostPort,
  joinRefusalSettings,
  parseHostPort,
  type WbguardConfig,
} from '../config/index.js';
import { type Check, fail, ok, warn } from './check.js';
import { type HostObservation, median, medianIntervalMs, type SyslogObservation } from './syslog-observation.js';

/** How the observation was made: listening for some seconds (arrival times known) or reading files. */
export type SyslogMode = { kind: 'listen'; seconds: number } | { kind: 'logs' };

interface NodeRoles {
  readonly name: string;
  readonly host: string;
  webBridge: boolean;
  callBridge: boolean;
}

/** Every node of every cluster by the host name its syslog lines carry; a combined server is one node. */
export function nodesOf(clusters: readonly ClusterView[]): NodeRoles[] {
  const byHost = new Map<string, NodeRoles>();
  const add = (name: string, host: string, role: 'webBridge' | 'callBridge') => {
    const n = byHost.get(host) ?? { name, host, webBridge: false, callBridge: false };
    n[role] = true;
    byHost.set(host, n);
  };
  for (const k of clusters) {
    for (const w of k.webbridges) {
      add(w.name, w.syslogHost ?? w.name, 'webBridge');
    }
    for (const c of k.callbridges) {
      add(c.name, c.syslogHost ?? c.name, 'callBridge');
    }
  }
  return [...byHost.values()];
}

/** Where each node's syslog must go: the configured listeners, this host's address in place of a wildcard. */
export function syslogTargets(config: WbguardConfig): string {
  const listeners = [
    { transport: 'udp', listen: config.syslog.udp, port: 514 },
    { transport: 'tcp', listen: config.syslog.tcp, port: 514 },
    { transport: 'tls', listen: config.syslog.tls?.listen, port: 6514 },
  ];
  const shown = listeners.flatMap(({ transport, listen, port }) => {
    if (listen === undefined) {
      return [];
    }
    const at = parseHostPort(listen, port);
    const wildcard = at.host === '0.0.0.0' || at.host === '::';
    return [`${transport} ${wildcard ? `<this host>:${at.port}` : formatHostPort(at)}`];
  });
  return shown.join(' or ') || '<this host>:<port>';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function arrivalFact(h: HostObservation, mode: SyslogMode): string {
  const shapes = [...h.stampShapes].map((s) =>
    s === 'BSD without year' ? 'BSD stamps without a year (the year is taken from this host’s clock)' : `${s} stamps`,
  );
  const from =
    mode.kind === 'listen'
      ? `from ${[...h.senders].join(', ')} over ${[...h.transports].join(', ')}`
      : `in ${[...h.senders].join(', ')}`;
  return `${h.lines} lines ${from}; ${shapes.join(', ') || 'stamp shape not seen'}`;
}

/** Stats (or STATS) lines of one node: seen with their interval, or why not. */
function statsCheck(
  what: 'Web Bridge Stats' | 'Call Bridge STATS',
  node: NodeRoles,
  stamps: readonly number[],
  assumedMs: number,
  mode: SyslogMode,
): Check {
  const subject = node.name;
  if (stamps.length > 0) {
    const every = medianIntervalMs(stamps);
    return ok(
      'syslog',
      subject,
      `${what}: ${stamps.length} seen${every === undefined ? ' (one line: no interval yet)' : `, every ${seconds(every)}`}`,
    );
  }
  const fix =
    what === 'Web Bridge Stats'
      ? `check that Web Bridge 2 is enabled on ${node.name} (\`webbridge\` on its MMP); whether a real CMS logs its Stats line only at a debug level is unconfirmed (docs/cms-setup.md)`
      : `Call Bridges log STATS every 5 minutes from CMS 2.8 on: check ${node.name}'s version (\`version\` on its MMP)`;
  if (mode.kind === 'listen' && mode.seconds * 1000 < 2 * assumedMs) {
    return warn(
      'syslog',
      subject,
      `${what}: none in ${mode.seconds} s (assumed interval ${seconds(assumedMs)})`,
      `listen longer: --listen-seconds ${Math.ceil(assumedMs / 1000) + 30} hears one`,
    );
  }
  return fail(
    'syslog',
    subject,
    `${what}: none ${mode.kind === 'listen' ? `in ${mode.seconds} s` : 'in the logs'}, though other lines arrive`,
    fix,
  );
}

/** The clock: a node's stamps against this host's clock when the lines arrived. */
function clockCheck(node: NodeRoles, h: HostObservation): Check | undefined {
  const skew = median(h.skewsMs);
  if (skew === undefined) {
    return undefined;
  }
  const abs = Math.abs(skew);
  const fact = `stamps are ${seconds(abs)} ${skew >= 0 ? 'ahead of' : 'behind'} this host's clock (median of ${h.skewsMs.length} lines)`;
  const fix =
    'put the CMS (MMP: ntp server add …) and this host on NTP; wbguard reads CMS stamps as UTC: a CMS logging another zone shows as hours of skew';
  if (abs <= 10_000) {
    return ok('clock', node.name, fact);
  }
  return abs <= 120_000
    ? warn('clock', node.name, `${fact}: session data look older or newer than they are`, fix)
    : fail('clock', node.name, `${fact}: the fresh guard judges data age by these stamps`, fix);
}

/**
 * Said beside "none seen" while the refusal is recognised by the assumed wording: nothing documents what a Web
 * Bridge logs when it refuses a join, so none seen may only mean another wording (docs/cms-facts.md).
 */
function refusalWordingNote(config: WbguardConfig): string {
  return isDefaultJoinRefusal(joinRefusalSettings(config))
    ? ' (by the assumed wording: once you have seen what a Web Bridge at its limit logs, set analysis.joinRefusedPatterns to it)'
    : '';
}

export function checkSyslog(
  config: WbguardConfig,
  clusters: readonly ClusterView[],
  observation: SyslogObservation,
  mode: SyslogMode,
  out: Check[],
): void {
  const nodes = nodesOf(clusters);
  const total = observation.totalLines();
  if (total === 0) {
    out.push(
      fail(
        'syslog',
        'all nodes',
        mode.kind === 'listen' ? `no syslog arrived in ${mode.seconds} s` : 'no CMS record in the logs given',
        mode.kind === 'listen'
          ? `on each CMS: syslog server add, to ${syslogTargets(config)} (exact MMP syntax unconfirmed: see docs/cms-setup.md), and open the firewall; check syslog.allow`
          : 'give the CMS syslog files (or a logbundle.tar.gz) with --logs',
      ),
    );
    return;
  }
  for (const node of nodes) {
    const h = observation.hosts.get(node.host);
    if (!h || h.lines === 0) {
      out.push(
        fail(
          'syslog',
          node.name,
          `nothing from ${node.host}${mode.kind === 'listen' ? ` in ${mode.seconds} s` : ' in the logs'}, while other nodes send`,
          `on ${node.name}'s MMP: syslog server add, to ${syslogTargets(config)}; or, if it names itself differently, set syslogHost of ${node.name}`,
        ),
      );
      continue;
    }
    out.push(ok('syslog', node.name, arrivalFact(h, mode)));
    if (node.webBridge) {
      out.push(statsCheck('Web Bridge Stats', node, h.webBridgeStats, config.alerting.webbridgeStatsIntervalMs, mode));
      out.push(
        h.refusals === 0
          ? ok('syslog', node.name, `join refusals: none seen${refusalWordingNote(config)}`)
          : warn('syslog', node.name, `join refusals: ${h.refusals} seen (the Web Bridge was at its limit)`),
      );
    }
    if (node.callBridge) {
      out.push(
        statsCheck('Call Bridge STATS', node, h.callBridgeStats, config.alerting.callbridgeStatsIntervalMs, mode),
      );
    }
    const clock = mode.kind === 'listen' ? clockCheck(node, h) : undefined;
    if (clock) {
      out.push(clock);
    }
  }
  const known = new Set(nodes.map((n) => n.host));
  const strangers = [...observation.hosts.values()].filter((h) => !known.has(h.host));
  if (strangers.length > 0) {
    out.push(
      warn(
        'syslog',
        'unknown hosts',
        `lines from hosts not in the configuration: ${strangers.map((h) => `${h.host} (${h.lines}, ${[...h.senders].join(', ')})`).join('; ')}`,
        'if one is a configured node under another name, set its syslogHost to the name it writes',
      ),
    );
  }
}
