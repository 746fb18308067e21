/**
 * @module app/cli/commands/run
 * `wbguard run`: the unattended guard (syslog in, policy, guarded restarts, API and /metrics).
 */
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
      // Loaded when the verb runs: pino at start-up cost every other verb (analyze included) its load time.
      const [{ loadConfig, resolveConfigPath }, { startDaemon }, { createLogger }] = await Promise.all([
        import('../../config/index.js'),
        import('../../daemon/daemon.js'),
        import('../../../log.js'),
      ]);
      const path = resolveConfigPath(opts.config, io.env);
      let config = await loadConfig(path, { env: io.env });
      const log = createLogger({ level: config.log.level, destination: io.stderr });
      const start = (c: typeof config) =>
        startDaemon(c, { env: io.env, log, evaluateEveryMs: Math.max(1, Number(opts.evaluateEvery)) * 1000 });
      let daemon = await start(config);
      await write(
        io.stdout,
        `wbguard run: ${daemon.url} (mode ${config.policy.mode}); syslog ${daemon.listeners.map((l) => `${l.transport}:${l.port}`).join(', ') || 'none'}\n`,
      );
      // SIGHUP reloads the configuration; a bad one is refused and the running guard carries on unchanged.
      let reloading = Promise.resolve();
      const onHup = () => {
        reloading = reloading.then(async () => {
          let next: typeof config;
          try {
            next = await loadConfig(path, { env: io.env });
          } catch (err) {
            log.error(
              { err: { message: (err as Error).message, issues: (err as { issues?: string[] }).issues } },
              'configuration reload refused; still running with the previous one',
            );
            return;
          }
          await daemon.close();
          try {
            daemon = await start(next);
            config = next;
            log.info({ url: daemon.url, mode: next.policy.mode }, 'configuration reloaded');
          } catch (err) {
            log.error(
              { err: { message: (err as Error).message } },
              'new configuration could not start; back to the previous one',
            );
            daemon = await start(config);
          }
        });
      };
      process.on('SIGHUP', onHup);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      process.off('SIGHUP', onHup);
      await reloading;
      await daemon.close();
      log.info('stopped');
    });
};
