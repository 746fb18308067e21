/**
 * @module app/cli/commands/run
 * `wbguard run`: the unattended guard (syslog in, policy, guarded restarts, API and /metrics).
 */
import { createLogger } from '../../../log.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerRun: RegisterVerb = (program, io) => {
  program
    .command('run')
    .description('run the guard: receive CMS syslog, watch the leak, restart by policy, serve the API and /metrics')
    .option(
      '--config <file>',
      'configuration file (default: $WBGUARD_CONFIG, ./wbguard.yaml, /etc/wbguard/config.yaml)',
    )
    .option('--evaluate-every <seconds>', 'time between policy evaluations', '30')
    .addHelpText(
      'after',
      `
Example:
  wbguard run --config /etc/wbguard/config.yaml

Policy modes (policy.mode): observe (never restarts), dry-run (default: journals what it would do), enforce.
Logs are JSON lines on stderr. SIGINT/SIGTERM stop it cleanly (a restart in flight is finished first).`,
    )
    .action(async (opts) => {
      const [{ loadConfig, resolveConfigPath }, { startDaemon }] = await Promise.all([
        import('../../config/index.js'),
        import('../../daemon/daemon.js'),
      ]);
      const config = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env });
      const log = createLogger({ level: config.log.level, destination: io.stderr });
      const daemon = await startDaemon(config, {
        env: io.env,
        log,
        evaluateEveryMs: Math.max(1, Number(opts.evaluateEvery)) * 1000,
      });
      await write(
        io.stdout,
        `wbguard run: ${daemon.url} (mode ${config.policy?.mode ?? 'dry-run'}); syslog ${daemon.listeners.map((l) => `${l.transport}:${l.port}`).join(', ') || 'none'}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await daemon.close();
      log.info('stopped');
    });
};
