/**
 * @module sim/run
 * Starts a whole simulated CMS cluster: the model, its syslog sinks, one MMP (SSH) per node, the CMS API per Call
 * Bridge and the control API, driven in real time × speed, or as fast as possible for a fixed duration.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '../ports/logger.js';
import { type CmsApi, startCmsApi } from './api/index.js';
import type { SimConfig } from './config.js';
import { type ControlServer, startControlServer } from './control/index.js';
import { type MmpServers, startMmpServers } from './mmp/index.js';
import { SimClusterModel } from './model/cluster.js';
import { createSink, parseSinkUrl, type SyslogSink } from './syslog/sinks.js';
import type { SimState } from './types.js';

export interface SimulatorHandle {
  readonly cluster: SimClusterModel;
  readonly mmp: MmpServers;
  readonly api: CmsApi;
  readonly control: ControlServer;
  readonly sinks: readonly SyslogSink[];
  /** The MMP and API password in use (generated when none was given: it is a simulator). */
  readonly password: string;
  readonly passwordGenerated: boolean;
  state(): SimState;
  /** Resolves when a configured duration has been simulated. */
  readonly finished: Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** Real milliseconds between model steps in live mode. @default 100 */
  readonly tickMs?: number;
  /** The wall clock the simulated one may not pass (tests). @default Date.now */
  readonly wallClock?: () => number;
}

/** By default the simulated clock starts two hours back: a history replayed at `speed`, then it runs with the clock. */
export const HISTORY_MS = 2 * 3_600_000;

function defaultStart(config: SimConfig, now: number): number {
  return config.speed === 'max' || config.aheadOfClock ? now : now - HISTORY_MS;
}

export async function startSimulator(config: SimConfig, options: StartOptions = {}): Promise<SimulatorHandle> {
  const env = options.env ?? process.env;
  const given = env[config.passwordEnv];
  const password = given && given.length > 0 ? given : randomBytes(12).toString('base64url');
  const cluster = new SimClusterModel({
    nodes: config.nodes,
    webbridgeOnly: config.webbridgeOnly,
    callbridgeOnly: config.callbridgeOnly,
    webbridge3Nodes: config.webbridge3Nodes,
    softwareVersion: config.softwareVersion,
    limit: config.limit,
    leakRate: config.leakRate,
    joinRatePerHour: config.joinRate,
    loadCurve: config.loadCurve,
    meanStayMs: config.meanStay,
    meetings: config.meetings,
    sipLegsPerCall: config.sipLegsPerCall,
    statsIntervalMs: config.statsInterval,
    callbridgeStatsIntervalMs: config.callbridgeStatsInterval,
    chatterPerStats: config.chatterPerStats,
    restartDurationMs: config.restartDuration,
    restartOutput: config.restartOutput,
    start: config.start ? Date.parse(config.start) : defaultStart(config, (options.wallClock ?? Date.now)()),
    seed: config.seed,
  });
  const sinks = config.syslog.map((url) => createSink(parseSinkUrl(url)));
  cluster.onLine((node, line) => {
    for (const s of sinks) {
      s.send(node, line);
    }
  });
  const authorizedKeys = config.authorizedKeys.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  const started: Array<{ close(): Promise<void> }> = [...sinks];
  try {
    const mmp = await startMmpServers(cluster, {
      host: config.listen,
      basePort: config.sshPort,
      stateDir: config.stateDir,
      users: [{ name: config.user, password, authorizedKeys }],
      restartOutput: config.restartOutput,
      ...(options.log ? { log: options.log } : {}),
    });
    started.push(mmp);
    for (const n of mmp.nodes) {
      const node = cluster.node(n.name);
      if (node) {
        node.sshPort = n.port;
      }
    }
    const api = await startCmsApi(cluster, {
      host: config.listen,
      port: config.apiPort,
      stateDir: config.stateDir,
      users: [{ name: config.apiUser, password }],
      now: () => cluster.now,
    });
    started.push(api);
    const control = await startControlServer(cluster, () => cluster.history, {
      host: config.listen,
      port: config.controlPort,
    });
    started.push(control);

    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const end = config.duration === undefined ? Number.POSITIVE_INFINITY : cluster.now + config.duration;
    if (config.speed === 'max') {
      // As fast as possible, a simulated minute at a time, yielding so the servers stay responsive.
      const run = () => {
        if (stopped) {
          return;
        }
        cluster.advance(Math.min(60_000, end - cluster.now));
        if (cluster.now >= end) {
          finish();
        } else {
          setImmediate(run);
        }
      };
      setImmediate(run);
    } else {
      const tick = options.tickMs ?? 100;
      const speed = config.speed;
      const wallClock = options.wallClock ?? Date.now;
      timer = setInterval(() => {
        // At `speed` while behind the wall clock, then with it: a CMS never stamps a line ahead of the clock, and
        // wbguard's fresh guard rightly distrusts data that is (docs/simulator.md, "Clock").
        const behind = config.aheadOfClock ? Number.POSITIVE_INFINITY : wallClock() - cluster.now;
        cluster.advance(Math.min(tick * speed, end - cluster.now, Math.max(0, behind)));
        if (cluster.now >= end) {
          clearInterval(timer);
          finish();
        }
      }, tick);
    }
    let closed = false;
    return {
      cluster,
      mmp,
      api,
      control,
      sinks,
      password,
      passwordGenerated: !given,
      state: () => cluster.state(),
      finished,
      async close() {
        if (closed) {
          return;
        }
        closed = true;
        stopped = true;
        clearInterval(timer);
        finish();
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
}
