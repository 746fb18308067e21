/**
 * @module app/cli/commands/sim
 * `wbguard sim`: runs a simulated CMS 2.x cluster (MMP over SSH, syslog, CMS API, control API) on this machine.
 */
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../../../errors.js';
import { explainPortInUse, portInUseOf } from '../../port-in-use.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) {
    return undefined;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new UsageError(`${flag} must be a number [value:${v}]`);
  }
  return n;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The flag (and sim.yaml key) that chose `port`: node i's MMP is sshPort+i−1, Call Bridge i's API apiPort+i−1. */
function portSetting(
  config: { sshPort: number; controlPort: number; apiPort: number },
  port: number | undefined,
): string {
  const nearest = [
    { base: config.sshPort, flag: '--ssh-port (sshPort in a sim.yaml)' },
    { base: config.apiPort, flag: '--api-port (apiPort in a sim.yaml)' },
    { base: config.controlPort, flag: '--control-port (controlPort in a sim.yaml)' },
  ]
    .filter((p) => port !== undefined && p.base <= port)
    .sort((a, b) => b.base - a.base)[0];
  return nearest?.flag ?? '--ssh-port, --api-port or --control-port';
}

export const registerSim: RegisterVerb = (program, io) => {
  program
    .command('sim')
    .description('run a simulated CMS 2.x cluster (SSH MMP, syslog, CMS API) for demos and tests')
    .option('--config <file>', 'sim.yaml with any of the settings below (flags win)')
    .option('--nodes <n>', 'combined servers (Web Bridge 2 + Call Bridge) cms1…cmsN (default 3)')
    .option('--listen <host>', 'address to serve on (default 127.0.0.1)')
    .option('--allow-remote', 'allow a --listen address that is not loopback')
    .option('--ssh-port <port>', 'MMP SSH port of cms1; node i listens on port+i−1; 0 = ephemeral (default 2222)')
    .option('--control-port <port>', 'control API port (default 8480)')
    .option('--api-port <port>', 'CMS API port of the first Call Bridge; the next ones follow (default 8443)')
    .option(
      '--syslog <url>',
      'send syslog: udp://h:p, tcp://h:p[?framing=octet], tls://h:p[?ca=FILE], file:PATH ({node} = per node); repeatable',
      collect,
    )
    .option('--user <name>', 'MMP user (default admin)')
    .option(
      '--password-env <var>',
      'environment variable holding the MMP/API password (default WBGUARD_SIM_PASSWORD; generated when unset)',
    )
    .option('--authorized-key <file>', 'OpenSSH public key allowed to log in; repeatable', collect)
    .option('--state-dir <dir>', 'host keys and certificates are kept here (default .sim-state)')
    .option(
      '--speed <x>',
      'simulated seconds per real second until the clock is reached, then real time; or max with --duration (default 60)',
    )
    .option('--leak-rate <f>', 'fraction of ended sessions a Web Bridge leaks (default 0.05)')
    .option('--join-rate <r>', 'guests joining per simulated hour (default 120)')
    .addOption(
      new Option('--load-curve <curve>', 'constant, or a working day').choices(['constant', 'workday'] as const),
    )
    .option('--limit <n>', 'Web Bridge session limit (default 149)')
    .addOption(
      new Option('--restart-output <mode>', 'what webbridge restart prints (real output unconfirmed)').choices([
        'none',
        'success',
        'failure',
      ] as const),
    )
    .option('--duration <d>', 'stop after this much simulated time (30s, 15m, 24h, 2d)')
    .option('--start <iso>', 'simulated start time (default two hours ago: a history, replayed at --speed)')
    .option(
      '--ahead-of-clock',
      'keep --speed past the wall clock (lines stamped in the future; wbguard distrusts them)',
    )
    .option('--seed <n>', 'random seed (default 1)')
    .option('--json', 'print where everything listens as one JSON line')
    .addHelpText(
      'after',
      `
Examples:
  wbguard sim                                              # 3 nodes on 127.0.0.1, SSH 2222-2224, control 8480
  wbguard sim --syslog udp://127.0.0.1:5514 --speed 600    # the last two hours in 12 s, then real time; UDP syslog
  wbguard sim --speed max --duration 24h --syslog 'file:logs/{node}.log'   # a day of logs, as fast as possible

It runs until Ctrl-C (or --duration). Control API: GET /sim/state, POST /sim/load {"joinRate":n},
POST /sim/faults {"node":"cms2","faults":{"refuseAuth":true}}, GET /sim/history.`,
    )
    .action(async (opts) => {
      const [{ parseSimConfig, readSimConfigFile }, { startSimulator }] = await Promise.all([
        import('../../../sim/config.js'),
        import('../../../sim/run.js'),
      ]);
      const fromFile = opts.config ? await readSimConfigFile(opts.config) : {};
      const speed = opts.speed === 'max' ? 'max' : num('--speed', opts.speed);
      const flags = Object.fromEntries(
        Object.entries({
          nodes: num('--nodes', opts.nodes),
          listen: opts.listen,
          allowRemote: opts.allowRemote,
          sshPort: num('--ssh-port', opts.sshPort),
          controlPort: num('--control-port', opts.controlPort),
          apiPort: num('--api-port', opts.apiPort),
          syslog: opts.syslog,
          user: opts.user,
          passwordEnv: opts.passwordEnv,
          authorizedKeys: opts.authorizedKey,
          stateDir: opts.stateDir,
          speed,
          leakRate: num('--leak-rate', opts.leakRate),
          joinRate: num('--join-rate', opts.joinRate),
          loadCurve: opts.loadCurve,
          limit: num('--limit', opts.limit),
          restartOutput: opts.restartOutput,
          duration: opts.duration,
          start: opts.start,
          aheadOfClock: opts.aheadOfClock,
          seed: num('--seed', opts.seed),
        }).filter(([, v]) => v !== undefined),
      );
      const config = parseSimConfig(
        { ...fromFile, ...flags },
        opts.config ? `sim configuration ${opts.config}` : 'sim options',
      );
      const sim = await startSimulator(config, { env: io.env }).catch((err: unknown) => {
        throw explainPortInUse(err, portSetting(config, portInUseOf(err)));
      });
      const summary = {
        nodes: sim.mmp.nodes.map((n) => ({
          name: n.name,
          sshPort: n.port,
          fingerprint: n.fingerprint,
          algorithm: n.algorithm,
          publicKey: n.publicKey,
        })),
        control: sim.control.url,
        api: sim.api.nodes,
        apiCaCert: sim.api.caCertPath,
        user: config.user,
        apiUser: config.apiUser,
        syslog: config.syslog,
      };
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify(summary)}\n`);
      } else {
        const lines = [
          `wbguard sim: ${config.nodes} CMS node(s), speed ${config.speed}${config.duration === undefined ? '' : `, for ${config.duration / 1000} simulated s`}`,
          ...summary.nodes.map(
            (n) =>
              `  ${n.name}  MMP ssh ${config.user}@${config.listen} -p ${n.sshPort}   host key ${n.algorithm} ${n.fingerprint}`,
          ),
          ...summary.api.map((a) => `  ${a.name}  CMS API ${a.url} (user ${config.apiUser}, CA ${sim.api.caCertPath})`),
          `  control API ${sim.control.url}/sim/state`,
          ...(config.syslog.length
            ? config.syslog.map((s) => `  syslog → ${s}`)
            : ['  syslog: none (add --syslog udp://127.0.0.1:5514)']),
          sim.passwordGenerated
            ? `  password (generated for this run; set ${config.passwordEnv} to choose one): ${sim.password}`
            : `  password: from $${config.passwordEnv}`,
          'Ctrl-C stops it.',
        ];
        await write(io.stdout, `${lines.join('\n')}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        void sim.finished.then(() => {
          if (config.duration !== undefined) {
            resolve();
          }
        });
      });
      await sim.close();
      await write(io.stderr, 'wbguard sim: stopped\n');
    });
};
