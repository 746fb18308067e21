/**
 * @module app/demo/demo
 * `wbguard demo`: the simulator (3 nodes, leaking fast, at high speed) and the daemon wired to it, in enforce mode
 * with an always-open window and SQLite in a temporary state folder. Load comes in waves — busy, then quiet — so a
 * Web Bridge is seen leaking and then restarted by policy once the cluster is idle.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../ports/logger.js';
import { parseSimConfig } from '../../sim/config.js';
import { type SimulatorHandle, startSimulator } from '../../sim/run.js';
import { createSink, parseSinkUrl } from '../../sim/syslog/sinks.js';
import { parseConfig } from '../config/index.js';
import { type DaemonHandle, startDaemon } from '../daemon/daemon.js';

export interface DemoOptions {
  /** HTTP port of the daemon; 0 picks a free one. @default 8080 */
  readonly httpPort: number;
  /** Simulated seconds per real second. @default 60 */
  readonly speed?: number;
  readonly busySeconds?: number;
  readonly quietSeconds?: number;
  /**
   * Quiet seconds before the first wave: long enough for every Call Bridge to log one STATS line with CMA 0 (they
   * are staggered over the first 5 simulated minutes), so the leak is measured from a known zero and the first quiet
   * spell after load already gives a leak rate and a forecast. @default 6
   */
  readonly leadInSeconds?: number;
  readonly log?: Logger;
  readonly evaluateEveryMs?: number;
}

export interface DemoHandle {
  readonly sim: SimulatorHandle;
  readonly daemon: DaemonHandle;
  readonly url: string;
  readonly stateDir: string;
  /** File (mode 0600) holding this demo's random HTTP token, for the dashboard's restart button. */
  readonly tokenPath: string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<DemoHandle> {
  const stateDir = mkdtempSync(join(tmpdir(), 'wbguard-demo-'));
  const sim = await startSimulator(
    parseSimConfig({
      nodes: 3,
      sshPort: 0,
      controlPort: 0,
      apiPort: 0,
      stateDir: join(stateDir, 'sim'),
      speed: options.speed ?? 60,
      leakRate: 0.25,
      // No guests until the lead-in is over (the waves below set the rate).
      joinRate: 0,
      meanStay: '5m',
      restartDuration: '20s',
      seed: 42,
      // The demo's guard lives on the simulator's clock (below), so the simulator may run ahead of the wall clock.
      aheadOfClock: true,
    }),
    { env: {} },
  );
  // A fresh token for this demo only, handed over in a private file (secrets are never printed).
  const tokenPath = join(stateDir, 'demo-token');
  const token = randomBytes(18).toString('base64url');
  writeFileSync(tokenPath, `${token}\n`, { mode: 0o600 });
  const env = { WBGUARD_DEMO_MMP_PASSWORD: sim.password, WBGUARD_DEMO_HTTP_TOKEN: token };
  const config = parseConfig(
    {
      cluster: 'demo',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: {
        username: 'admin',
        password: 'env:WBGUARD_DEMO_MMP_PASSWORD',
        connectTimeoutMs: 5000,
        commandTimeoutMs: 10_000,
        statusPattern: 'Status\\s*:\\s*running',
      },
      restart: {
        leakThreshold: 15,
        maxPerDay: 24,
        // In simulated time (the guard's clock here): an hour of it is 30-60 s of wall time at the demo's speeds.
        verifyTimeoutMs: 3_600_000,
        verifyIntervalMs: 1000,
        verifyHealthyReadings: 2,
        // Call Bridges log STATS every 5 minutes: two of them.
        staleAfterMs: 600_000,
      },
      analysis: { staleAfterMs: 600_000 },
      syslog: { udp: '127.0.0.1:0' },
      // Loopback only; reading open so the page shows at once, acting behind the token.
      http: { listen: `127.0.0.1:${options.httpPort}`, token: 'env:WBGUARD_DEMO_HTTP_TOKEN', publicReadOnly: true },
      policy: { mode: 'enforce', leakTrigger: true, forecastWithinHours: 0 },
      state: join(stateDir, 'state'),
    },
    { env, source: 'demo configuration' },
  );
  let daemon: DaemonHandle;
  try {
    daemon = await startDaemon(config, {
      env,
      // The guard lives in the simulator's time, which runs `speed` times faster than the wall clock: otherwise
      // every Stats line would look stamped in the future, and the fresh guard rightly distrusts those.
      now: () => sim.cluster.now,
      clock: { simulated: true, speed: options.speed ?? 60 },
      evaluateEveryMs: options.evaluateEveryMs ?? 3000,
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (err) {
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  const udpPort = daemon.listeners.find((l) => l.transport === 'udp')?.port as number;
  const sink = createSink(parseSinkUrl(`udp://127.0.0.1:${udpPort}`));
  const unsubscribe = sim.cluster.onLine((node, line) => sink.send(node, line));
  // Waves of load: busy, then quiet long enough for every real guest to leave (the idle guard needs CMA 0).
  const busy = (options.busySeconds ?? 30) * 1000;
  const quiet = (options.quietSeconds ?? 45) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const wave = (on: boolean) => {
    sim.cluster.setJoinRate(on ? 3000 : 0);
    timer = setTimeout(() => wave(!on), on ? busy : quiet);
  };
  // The simulator starts with no guests (joinRate 0 above): the first wave comes after the lead-in.
  timer = setTimeout(() => wave(true), (options.leadInSeconds ?? 6) * 1000);
  let closed = false;
  return {
    sim,
    daemon,
    url: daemon.url,
    stateDir,
    tokenPath,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      clearTimeout(timer);
      unsubscribe();
      await sink.close();
      await daemon.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
