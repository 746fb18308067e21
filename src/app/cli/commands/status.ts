/**
 * @module app/cli/commands/status
 * `wbguard status`: the running guard's picture in the terminal (from its API).
 */
import { UsageError } from '../../../errors.js';
import { useColour, write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerStatus: RegisterVerb = (program, io, result) => {
  program
    .command('status')
    .description("print the running guard's state: every Web Bridge, the cluster leak, the policy")
    .option('--url <url>', 'base URL of the running daemon (default: http.listen of the config)')
    .option('--config <file>', 'configuration file')
    .option('--json', 'print the state as JSON')
    .addHelpText('after', '\nExample:\n  wbguard status --url http://127.0.0.1:8080')
    .action(async (opts) => {
      let base = opts.url;
      if (!base) {
        const { loadConfig, resolveConfigPath } = await import('../../config/index.js');
        const c = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env, resolveSecrets: false });
        base = `http://${c.http?.listen ?? '127.0.0.1:8080'}`;
      }
      let state: Record<string, unknown>;
      let series: unknown;
      try {
        state = (await (await fetch(`${base}/api/v1/state`)).json()) as Record<string, unknown>;
        series = await (await fetch(`${base}/api/v1/history`)).json();
      } catch (err) {
        result.exitCode = 1;
        throw new UsageError(`cannot reach the daemon at ${base}: ${(err as Error).message}`, {
          hint: 'is wbguard run running? give --url',
        });
      }
      if (opts.json) {
        await write(io.stdout, `${JSON.stringify(state)}\n`);
        return;
      }
      const { renderTextReport } = await import('../../report/text-report.js');
      await write(
        io.stdout,
        `mode ${String(state.mode)}, maintenance window ${state.windowOpen ? 'open' : 'closed'}\n`,
      );
      await write(
        io.stdout,
        renderTextReport(state as never, series as never, { colour: useColour(io), width: io.stdout.columns ?? 100 }),
      );
      const unknown = Object.entries((state.unknownHosts ?? {}) as Record<string, number>);
      if (unknown.length > 0) {
        await write(
          io.stdout,
          `syslog from hosts not in the configuration: ${unknown.map(([h, n]) => `${h} (${n})`).join(', ')}\n`,
        );
      }
    });
};
