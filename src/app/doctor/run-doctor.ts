/**
 * @module app/doctor/run-doctor
 * `wbguard doctor`: checks a deployment step by step and changes nothing. The configuration first (nothing else
 * can be checked without it), then — at the same time, since listening takes its N seconds — syslog, the CMS APIs
 * and the MMPs. The checks come back in a fixed order, with everything observed for the support report.
 */

import { expand } from '../../adapters/logfiles/tail.js';
import { VERSION } from '../cli/version.js';
import {
  clustersOf,
  describeSecret,
  joinRefusalSettings,
  resolveConfigPath,
  scopedClusters,
  type WbguardConfig,
} from '../config/index.js';
import { mmpClientFor } from '../restart/mmp-wiring.js';
import { type ApiObservation, checkApis } from './api-checks.js';
import { type Check, fail, ok, warn } from './check.js';
import { checkCmaClients, checkConfig, checkJoinRefusal, checkState } from './config-checks.js';
import { askDaemon, checkDaemonState, daemonRefusedCheck } from './daemon-source.js';
import { checkMmp, type MmpObservation } from './mmp-checks.js';
import { type NameLookup, systemLookup } from './name-lookup.js';
import { ReadOnlyMmp } from './read-only-mmp.js';
import { type DoctorReport, type SyslogFacts, syslogFacts } from './report.js';
import { checkSyslog } from './syslog-checks.js';
import { listenForSyslog, readLogs } from './syslog-sources.js';

export interface DoctorOptions {
  readonly config?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Log files or folders to read instead of listening. */
  readonly logs?: readonly string[];
  readonly listenSeconds: number;
  readonly now?: () => number;
  /** Resolves MMP names and CMS API hosts. @default the system resolver (dns.lookup) */
  readonly lookup?: NameLookup;
}

export interface DoctorResult {
  readonly checks: Check[];
  readonly report: DoctorReport;
  /** The configuration, when it loaded (for redacting its secrets from what is printed). */
  readonly config: WbguardConfig | undefined;
}

async function syslogPart(
  config: WbguardConfig,
  o: DoctorOptions,
  now: () => number,
  out: Check[],
): Promise<SyslogFacts> {
  const clusters = clustersOf(config);
  const fromLogs = async (paths: readonly string[]) => {
    const observation = await readLogs(paths, now, out, joinRefusalSettings(config));
    if (observation) {
      checkSyslog(config, clusters, observation, { kind: 'logs' }, out);
    }
    return syslogFacts('logs', observation);
  };
  if (o.logs && o.logs.length > 0) {
    return fromLogs(o.logs);
  }
  if (!config.syslog.udp && !config.syslog.tcp && !config.syslog.tls && config.files.length > 0) {
    // Syslog reaches wbguard through a syslog server's files (`files:`): read what they hold now.
    return fromLogs(config.files.flatMap((f) => expand(f.path)));
  }
  const daemon = await askDaemon(config);
  if (daemon.kind === 'state') {
    checkDaemonState(config, clusters, daemon, now(), out);
    return { source: 'daemon', hosts: [] };
  }
  if (daemon.kind === 'refused') {
    // It holds the syslog addresses: listening would only fail with "address in use".
    out.push(daemonRefusedCheck(config, daemon.url, daemon.tokenSent));
    return { source: 'daemon', hosts: [] };
  }
  const listened = await listenForSyslog(config, o.listenSeconds, now, out);
  if (!listened) {
    return syslogFacts('none', undefined);
  }
  for (const l of listened.listeners) {
    if (l.denied > 0) {
      out.push(
        fail(
          'syslog',
          `${l.transport} ${l.address}`,
          `${l.denied} messages refused: their senders are not in syslog.allow`,
          'add the CMS addresses to syslog.allow',
        ),
      );
    }
  }
  checkSyslog(config, clusters, listened.observation, { kind: 'listen', seconds: listened.seconds }, out);
  return syslogFacts('listen', listened.observation, { seconds: listened.seconds, listeners: listened.listeners });
}

async function mmpPart(
  config: WbguardConfig,
  env: NodeJS.ProcessEnv,
  lookup: NameLookup,
  out: Check[],
): Promise<MmpObservation[]> {
  const clusters = scopedClusters(config);
  if (clusters.every((k) => k.webbridges.length === 0)) {
    out.push(
      warn(
        'mmp',
        'webbridges',
        'no Web Bridge configured: nothing to guard',
        'list the Web Bridge 2 servers under webbridges',
      ),
    );
    return [];
  }
  if (!config.mmp.password && !config.mmp.privateKey && !config.mmp.agent) {
    out.push(
      fail(
        'mmp',
        'mmp',
        'no way to log in: mmp.password, mmp.privateKey and mmp.agent are all unset',
        'set mmp.password: env:NAME (or mmp.privateKey: file:PATH)',
      ),
    );
    return [];
  }
  let mmp: ReadOnlyMmp;
  try {
    mmp = new ReadOnlyMmp(mmpClientFor(config, env));
  } catch (err) {
    out.push(fail('mmp', 'mmp', (err as Error).message, (err as { hint?: string }).hint ?? 'check the mmp keys'));
    return [];
  }
  out.push(
    ok(
      'mmp',
      'account',
      `as ${config.mmp.username} with ${config.mmp.privateKey ? `key ${describeSecret(config.mmp.privateKey)}` : config.mmp.password ? `password ${describeSecret(config.mmp.password)}` : 'the SSH agent'}; runs only webbridge and version (read-only)`,
    ),
  );
  const seen: MmpObservation[] = [];
  for (const k of clusters) {
    for (const wb of k.webbridges) {
      seen.push(await checkMmp(k, mmp, wb.name, lookup, out));
    }
  }
  return seen;
}

/** The CMS API's clock (`cdrTime`, whole seconds) against this host's. */
function apiClockChecks(apis: readonly ApiObservation[], out: Check[]): void {
  for (const a of apis) {
    if (a.skewMs === undefined) {
      continue;
    }
    const abs = Math.abs(a.skewMs);
    const fact = `${a.name}'s API clock (cdrTime ${a.cdrTime}) is ${Math.round(abs / 1000)} s ${a.skewMs >= 0 ? 'ahead of' : 'behind'} this host's`;
    const fix = 'put the CMS (MMP: ntp server add …) and this host on NTP';
    out.push(
      abs <= 5_000
        ? ok('clock', a.name, fact)
        : abs <= 120_000
          ? warn('clock', a.name, fact, fix)
          : fail('clock', a.name, fact, fix),
    );
  }
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorResult> {
  const now = o.now ?? Date.now;
  const lookup = o.lookup ?? systemLookup;
  const path = resolveConfigPath(o.config, o.env, o.cwd);
  const head: Check[] = [];
  const config = await checkConfig(path, o.env, head);
  const report = (
    checks: Check[],
    syslog: SyslogFacts,
    api: ApiObservation[],
    mmp: MmpObservation[],
  ): DoctorReport => ({
    generatedAt: new Date(now()).toISOString(),
    wbguardVersion: VERSION,
    config: path,
    checks,
    syslog,
    api,
    mmp,
  });
  if (!config) {
    return { checks: head, report: report(head, { source: 'none', hosts: [] }, [], []), config };
  }
  await checkState(config, head);
  checkCmaClients(config, head);
  checkJoinRefusal(config, head);
  const syslogChecks: Check[] = [];
  const apiChecks: Check[] = [];
  const mmpChecks: Check[] = [];
  const [syslog, apis, mmps] = await Promise.all([
    syslogPart(config, o, now, syslogChecks),
    checkApis(
      config,
      clustersOf(config).map((k) => ({ prefix: k.pathPrefix, callbridges: k.callbridges })),
      now,
      lookup,
      apiChecks,
    ),
    mmpPart(config, o.env, lookup, mmpChecks),
  ]);
  const clock: Check[] = [];
  apiClockChecks(apis, clock);
  // The clock checks of syslog sit with the API's under one heading.
  const bySyslog = syslogChecks.filter((c) => c.area !== 'clock');
  clock.unshift(...syslogChecks.filter((c) => c.area === 'clock'));
  const checks = [...head, ...clock, ...bySyslog, ...apiChecks, ...mmpChecks];
  return { checks, report: report(checks, syslog, apis, mmps), config };
}
