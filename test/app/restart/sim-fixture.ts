/**
 * A leaking simulated cluster whose clock is in step with the wall clock (never ahead of it), writing its syslog to files, and a
 * wbguard configuration pointing at it (pinned host keys, password by reference).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import type { SimulatorHandle } from '../../../src/sim/run.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

export interface Fixture {
  sim: SimulatorHandle;
  dir: string;
  logs: string;
  state: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** Runs `wbguard …` in-process with the fixture's environment. */
  wbguard(args: string[]): Promise<{ code: number; out: string; err: string }>;
  writeConfig(over?: Record<string, unknown>): void;
}

const HOUR = 3_600_000;

export async function leakingCluster(
  t: TestContext,
  options: { leakRate?: number; quiet?: boolean; restartDuration?: string; live?: boolean } = {},
): Promise<Fixture> {
  const dir = tempDir(t, 'wbguard-restart-');
  const logs = join(dir, 'logs');
  const start = Date.now() - 26 * HOUR;
  const sim = await simulator(t, {
    syslog: [`file:${join(logs, '{node}.log')}`],
    leakRate: options.leakRate ?? 0.3,
    joinRate: 300,
    seed: 5,
    start: new Date(start).toISOString(),
    restartDuration: options.restartDuration ?? '1s',
  });
  sim.cluster.advance(20 * HOUR);
  if (options.quiet !== false) {
    sim.cluster.setJoinRate(0);
  }
  sim.cluster.advance(Date.now() - sim.cluster.now);
  // From now on simulated time keeps step with the wall clock — never ahead of it, as a real CMS's (wbguard's fresh
  // guard refuses data stamped in its future) — and each Web Bridge logs a Stats line every half second, so a
  // restart is verified back from its logs within a test's patience.
  if (options.live !== false) {
    sim.cluster.setStatsInterval(500);
    const timer = setInterval(() => sim.cluster.advance(Math.max(0, Date.now() - sim.cluster.now)), 100);
    t.after(() => clearInterval(timer));
  }
  const state = join(dir, 'state');
  const configPath = join(dir, 'wbguard.yaml');
  const env = { WBGUARD_MMP_PASSWORD: SIM_PASSWORD, PATH: process.env.PATH };
  const writeConfig = (over: Record<string, unknown> = {}) => {
    const base = {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: {
        username: 'admin',
        password: 'env:WBGUARD_MMP_PASSWORD',
        connectTimeoutMs: 3000,
        commandTimeoutMs: 3000,
        statusPattern: 'Status\\s*:\\s*running',
      },
      restart: { leakThreshold: 10, verifyTimeoutMs: 8000, verifyIntervalMs: 200, verifyHealthyReadings: 2 },
      state,
    };
    const merged = { ...base, ...over } as Record<string, unknown>;
    for (const k of ['mmp', 'restart']) {
      if (over[k]) {
        merged[k] = { ...(base[k as 'mmp'] as object), ...(over[k] as object) };
      }
    }
    writeFileSync(configPath, stringify(merged));
  };
  writeConfig();
  return {
    sim,
    dir,
    logs,
    state,
    configPath,
    env,
    writeConfig,
    async wbguard(args) {
      await new Promise((r) => setTimeout(r, 250)); // let the file sink flush
      const io = memoryIo(env);
      const code = await runCli([...args, '--config', configPath], io);
      return { code, out: io.out(), err: io.err() };
    },
  };
}
