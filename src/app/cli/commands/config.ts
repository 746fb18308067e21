/**
 * @module app/cli/commands/config
 * `wbguard config check|init|print`: validate a configuration (every problem at once, exit 2), write a commented
 * example, show the effective configuration with its defaults (secrets as their references, never their values).
 */
import { resolve } from 'node:path';
import { ConfigError, SecretError, type WbguardError } from '../../../errors.js';
import type { ClusterView, WbguardConfig } from '../../config/index.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one-line summary `config check` prints. */
export function configSummary(c: WbguardConfig, clusters: readonly ClusterView[]): string {
  const wbs = clusters.flatMap((k) => k.webbridges.map((w) => w.name));
  const cbs = clusters.reduce((n, k) => n + k.callbridges.length, 0);
  const modes = [...new Set(clusters.map((k) => k.policy.mode))].join('/');
  return [
    clusters.length === 1
      ? `cluster ${clusters[0]?.name}`
      : `${clusters.length} clusters (${clusters.map((k) => k.name).join(', ')})`,
    `${plural(wbs.length, 'Web Bridge')}${wbs.length > 0 ? ` (${wbs.join(', ')})` : ''}`,
    plural(cbs, 'Call Bridge'),
    `policy ${modes}`,
    `${plural(c.secrets.size, 'secret')} resolved`,
  ].join(', ');
}

/** The configuration as data: defaults filled in, secrets as their references, without what loading added. */
function effective(c: WbguardConfig): unknown {
  const { secrets: _secrets, source: _source, warnings: _warnings, ...plain } = c;
  // Through JSON: an in-memory Secret (embedding) becomes [redacted], like everywhere else.
  return JSON.parse(JSON.stringify(plain));
}

export const registerConfig: RegisterVerb = (program, io, result) => {
  const cmd = program
    .command('config')
    .description('check, create or print the configuration')
    .addHelpText(
      'after',
      [
        '',
        'The file: --config FILE, else $WBGUARD_CONFIG, else ./wbguard.yaml, else /etc/wbguard/config.yaml.',
        'Every key: docs/configuration.md.',
        '',
        'Examples:',
        '  wbguard config init /etc/wbguard/config.yaml',
        '  wbguard config check --config /etc/wbguard/config.yaml',
        '  wbguard config print --json',
      ].join('\n'),
    );

  cmd
    .command('check')
    .description('validate the configuration and resolve its secrets; exit 2 listing every problem')
    .option('--config <file>', 'configuration file')
    .option('--skip-secrets', 'validate without resolving env:/file: references (e.g. on another machine)')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Prints OK and a one-line summary, then any warnings; or every problem as path.to.key: problem (line N).',
        '',
        'Examples:',
        '  wbguard config check --config /etc/wbguard/config.yaml',
        '  WBGUARD_CONFIG=./lab.yaml wbguard config check --skip-secrets',
      ].join('\n'),
    )
    .action(async (opts) => {
      const { clustersOf, loadConfig, resolveConfigPath } = await import('../../config/index.js');
      const path = resolveConfigPath(opts.config, io.env, io.cwd);
      let c: WbguardConfig;
      try {
        c = await loadConfig(resolve(io.cwd, path), { env: io.env, resolveSecrets: !opts.skipSecrets });
      } catch (err) {
        if (!opts.json || !(err instanceof ConfigError || err instanceof SecretError)) {
          throw err;
        }
        const problems = err instanceof ConfigError ? err.issues : [err.message];
        await write(io.stdout, `${JSON.stringify({ ok: false, source: path, code: err.code, problems })}\n`);
        result.exitCode = (err as WbguardError).exitCode;
        return;
      }
      if (opts.json) {
        await write(
          io.stdout,
          `${JSON.stringify({ ok: true, source: path, summary: configSummary(c, clustersOf(c)), warnings: c.warnings })}\n`,
        );
        return;
      }
      await write(io.stdout, `OK ${path}: ${configSummary(c, clustersOf(c))}\n`);
      for (const w of c.warnings) {
        await write(io.stdout, `warning: ${w}\n`);
      }
    });

  cmd
    .command('init')
    .description('write a commented example configuration (mode 0600; never over an existing file)')
    .argument('[file]', 'where to write it', 'wbguard.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText(
      'after',
      ['', 'Examples:', '  wbguard config init', '  wbguard config init /etc/wbguard/config.yaml --force'].join('\n'),
    )
    .action(async (file, opts) => {
      const [{ EXAMPLE_CONFIG }, { writePrivateFile }] = await Promise.all([
        import('../../config/example.js'),
        import('../../config/write-file.js'),
      ]);
      await writePrivateFile(resolve(io.cwd, file), EXAMPLE_CONFIG, Boolean(opts.force));
      await write(
        io.stdout,
        [
          `wrote ${file} (mode 0600). Next:`,
          `  edit it: your Web Bridges, Call Bridges and the MMP user`,
          '  export WBGUARD_MMP_PASSWORD=...   (or point mmp.password at a file: chmod 600)',
          `  wbguard config check --config ${file}`,
          `  wbguard trust --all --config ${file}`,
          '',
        ].join('\n'),
      );
    });

  cmd
    .command('print')
    .description('print the effective configuration with every default (secrets as their references, never values)')
    .option('--config <file>', 'configuration file')
    .option('--json', 'as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  wbguard config print',
        '  wbguard config print --json --config /etc/wbguard/config.yaml',
      ].join('\n'),
    )
    .action(async (opts) => {
      const [{ loadConfig, resolveConfigPath }, { stringify }] = await Promise.all([
        import('../../config/index.js'),
        import('yaml'),
      ]);
      const path = resolveConfigPath(opts.config, io.env, io.cwd);
      // Secrets are not resolved: printing never needs them, and an unset variable must not stop the print.
      const c = await loadConfig(resolve(io.cwd, path), { env: io.env, resolveSecrets: false });
      const data = effective(c);
      await write(io.stdout, opts.json ? `${JSON.stringify(data, null, 2)}\n` : `# ${path}\n${stringify(data)}`);
    });
};
