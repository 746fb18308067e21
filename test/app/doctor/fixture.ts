/**
 * A simulated cluster whose clock runs with the wall clock, sending its syslog over UDP to a port the doctor
 * listens on (and to files, for --logs), and a wbguard configuration pointing at all of it: pinned host keys, the
 * CMS API with its CA, passwords by reference.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import type { SimConfigInput } from '../../../src/sim/config.js';
import type { SimulatorHandle } from '../../../src/sim/run.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { reservePort } from '../../helpers/free-port.js';
import { until } from '../../helpers/until.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

export interface DoctorFixture {
  sim: SimulatorHandle;
  dir: string;
  logs: string;
  configPath: string;
  syslogPort: number;
  env: NodeJS.ProcessEnv;
  /** The configuration written, before `over` (for tests that change one key). */
  base(): Record<string, unknown>;
  writeConfig(config: Record<string, unknown>): void;
  /** `wbguard doctor … --config FILE`, in-process. */
  doctor(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** MMP commands the simulator received (from its audit history). */
  commands(): string[];
  /** Waits (bounded) until every node's log file holds two Web Bridge Stats lines and two Call Bridge STATS lines. */
  logsReady(): Promise<void>;
}

export async function doctorCluster(t: TestContext, nodes = 2, simOver: SimConfigInput = {}): Promise<DoctorFixture> {
  const dir = tempDir(t, 'wbguard-doctor-');
  const logs = join(dir, 'logs');
  // Held while the simulator opens its servers on port 0, so that none of them is given these ports.
  const syslogReservation = await reservePort();
  const httpReservation = await reservePort();
  const syslogPort = syslogReservation.port;
  const httpPort = httpReservation.port;
  // Registered before the simulator's own close, so the clock stops before its sockets do (hooks run in order).
  let timer: NodeJS.Timeout | undefined;
  t.after(() => clearInterval(timer));
  const sim = await simulator(t, {
    nodes,
    start: new Date().toISOString(),
    statsInterval: '1s',
    callbridgeStatsInterval: '2s',
    joinRate: 600,
    syslog: [`udp://127.0.0.1:${syslogPort}`, `file:${join(logs, '{node}.log')}`],
    ...simOver,
  }).finally(() => Promise.all([syslogReservation.release(), httpReservation.release()]));
  // Simulated time follows the wall clock, so CMS stamps and this host's clock agree.
  timer = setInterval(() => {
    const behind = Date.now() - sim.cluster.now;
    if (behind > 0) {
      sim.cluster.advance(behind);
    }
  }, 50);
  const state = join(dir, 'state');
  mkdirSync(state);
  const configPath = join(dir, 'wbguard.yaml');
  const env = {
    WBGUARD_MMP_PASSWORD: SIM_PASSWORD,
    WBGUARD_API_PASSWORD: SIM_PASSWORD,
    PATH: process.env.PATH,
  };
  const base = () => ({
    cluster: 'lab',
    webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
    callbridges: sim.api.nodes.map((n) => ({
      name: n.name,
      api: { url: n.url, username: 'api', password: 'env:WBGUARD_API_PASSWORD', ca: sim.api.caCertPath },
    })),
    mmp: {
      password: 'env:WBGUARD_MMP_PASSWORD',
      // Generous: the tests share a loaded machine, and a slow handshake is not what they test.
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 10_000,
      statusPattern: 'Status\\s*:\\s*running',
    },
    syslog: { udp: `127.0.0.1:${syslogPort}` },
    alerting: { webbridgeStatsIntervalMs: 1000, callbridgeStatsIntervalMs: 2000 },
    http: { listen: `127.0.0.1:${httpPort}` },
    state,
  });
  const writeConfig = (config: Record<string, unknown>) => writeFileSync(configPath, stringify(config));
  writeConfig(base());
  return {
    sim,
    dir,
    logs,
    configPath,
    syslogPort,
    env,
    base,
    writeConfig,
    async doctor(args, over = env) {
      const io = memoryIo(over);
      const code = await runCli(['doctor', '--config', configPath, ...args], io);
      return { code, out: io.out(), err: io.err() };
    },
    commands: () => sim.cluster.history.filter((h) => h.event === 'command').map((h) => h.detail),
    logsReady: () =>
      until(
        () =>
          sim.mmp.nodes.every((n) => {
            const file = join(logs, `${n.name}.log`);
            const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
            // Two of each, so that their intervals can be measured.
            return (text.match(/ Stats /g)?.length ?? 0) >= 2 && (text.match(/STATS:/g)?.length ?? 0) >= 2;
          }),
        15_000,
        'two Stats and two STATS lines from every node in the log files',
      ),
  };
}

/** The ✘ lines of a doctor's text output, each with the lines under it (its output, its fix). */
export function failures(out: string): string {
  const picked: string[] = [];
  let inFailure = false;
  for (const line of out.split('\n')) {
    if (/^ {2}\S/.test(line)) {
      inFailure = line.includes('✘ ');
    }
    if (inFailure && line.startsWith('  ')) {
      picked.push(line);
    }
  }
  return picked.join('\n');
}
