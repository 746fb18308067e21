/**
 * @module app/cli/commands/doctor
 * `wbguard doctor`: checks a deployment step by step (configuration, state folder, clock, syslog per node, the CMS
 * API per Call Bridge, the MMP per Web Bridge) and changes nothing; `--report FILE` keeps what it observed.
 */
import { writeFile } from 'node:fs/promises';
import { EXIT, UsageError } from '../../../errors.js';
import { useColour, write } from '../io.js';
import type { RegisterVerb } from './types.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 3600) {
    throw new UsageError(`--listen-seconds must be a whole number of seconds from 1 to 3600, not "${value}"`);
  }
  return n;
}

export const registerDoctor: RegisterVerb = (program, io, result) => {
  program
    .command('doctor')
    .description('check a deployment step by step (config, clock, syslog, CMS API, MMPs); changes nothing')
    .option('--config <file>', 'configuration file')
    .option('--logs <paths...>', 'read syslog from these files, folders or log bundles instead of listening')
    .option('--listen-seconds <n>', 'listen on the configured syslog addresses this long', seconds, 30)
    .option('--json', 'print the checks and observations as JSON')
    .option('--report <file>', 'write what was observed (outputs verbatim, intervals, versions; no secret) to FILE')
    .addHelpText(
      'after',
      `
Each line says ✔ (fine), ! (works, but look) or ✘ (will not work: the fix follows), and the fact seen.
Syslog is read from a running wbguard's API when one answers at http.listen, else heard by listening on the
configured syslog addresses (--listen-seconds), or read from --logs. Only read-only commands are sent:
MMP \`webbridge\` and \`version\`, and CMS API GETs. Secrets are never printed.

Examples:
  wbguard doctor --config /etc/wbguard/config.yaml
  wbguard doctor --listen-seconds 330 --report doctor-report.json   # long enough for Call Bridge STATS
  wbguard doctor --logs /var/log/cms/ --json

Exit status: 0 every check ✔ (! allowed), 1 a check ✘, 2 usage error or a configuration that cannot be read.`,
    )
    .action(async (opts) => {
      const [{ runDoctor }, { renderChecks }, { withoutSecrets }] = await Promise.all([
        import('../../doctor/run-doctor.js'),
        import('../../doctor/render.js'),
        import('../../doctor/report.js'),
      ]);
      const done = await runDoctor({
        ...(opts.config ? { config: opts.config } : {}),
        env: io.env,
        cwd: io.cwd,
        ...(opts.logs ? { logs: opts.logs } : {}),
        listenSeconds: opts.listenSeconds,
      });
      const { exitCodeOf } = await import('../../doctor/check.js');
      if (opts.report) {
        try {
          await writeFile(opts.report, withoutSecrets(`${JSON.stringify(done.report, null, 2)}\n`, done.config), {
            mode: 0o600,
          });
        } catch (err) {
          result.exitCode = EXIT.FAILURE;
          await write(io.stderr, `wbguard: cannot write the report [path:${opts.report}]: ${(err as Error).message}\n`);
        }
      }
      const text = opts.json
        ? `${JSON.stringify(done.report)}\n`
        : renderChecks(done.checks, useColour(io)) + (opts.report ? `report written to ${opts.report}\n` : '');
      await write(io.stdout, withoutSecrets(text, done.config));
      // A configuration that cannot be read is a configuration error (2), as for every other verb.
      const code = done.config ? exitCodeOf(done.checks) : EXIT.USAGE;
      result.exitCode = Math.max(result.exitCode, code);
    });
};
