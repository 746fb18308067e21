/**
 * @module app/cli/commands/config
 * `wbguard config check|init|print`: validate a configuration, write a commented example, show the effective one.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../../errors.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerConfig: RegisterVerb = (program, io) => {
  const cmd = program.command('config').description('check, create or print the configuration');
  cmd
    .command('check')
    .description('validate the configuration and its secret references (exit 2 with every problem)')
    .option('--config <file>', 'configuration file')
    .addHelpText('after', '\nExample:\n  wbguard config check --config /etc/wbguard/config.yaml')
    .action(async (opts) => {
      const { loadConfig, resolveConfigPath } = await import('../../config/index.js');
      const c = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env });
      await write(
        io.stdout,
        `OK ${c.source}: cluster ${c.cluster}, ${c.webbridges.length} Web Bridge(s), ${c.callbridges.length} Call Bridge(s), ${c.secrets.size} secret(s) resolved\n`,
      );
    });
  cmd
    .command('init')
    .description('write a commented example configuration (mode 0600)')
    .argument('[file]', 'where to write it', 'wbguard.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  wbguard config init /etc/wbguard/config.yaml')
    .action(async (file, opts) => {
      const { EXAMPLE_CONFIG } = await import('../../config/example.js');
      if (existsSync(file) && !opts.force) {
        throw new UsageError(`${file} exists; not overwritten`, { hint: 'add --force to replace it' });
      }
      writeFileSync(file, EXAMPLE_CONFIG, { mode: 0o600 });
      await write(io.stdout, `wrote ${file}: edit it, then run wbguard config check --config ${file}\n`);
    });
  cmd
    .command('print')
    .description('print the effective configuration with defaults (secrets as their references)')
    .option('--config <file>', 'configuration file')
    .option('--json', 'as JSON')
    .action(async (opts) => {
      const { loadConfig, resolveConfigPath } = await import('../../config/index.js');
      const { stringify } = await import('yaml');
      const c = await loadConfig(resolveConfigPath(opts.config, io.env), { env: io.env, resolveSecrets: false });
      const { secrets: _secrets, source: _source, ...plain } = c;
      await write(io.stdout, opts.json ? `${JSON.stringify(plain)}\n` : stringify(plain));
    });
};
