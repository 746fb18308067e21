/**
 * @module app/cli/commands/import-script
 * `wbguard import-script FILE`: turns Cisco's restart script into a wbguard configuration, without its password.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, UsageError } from '../../../errors.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerImportScript: RegisterVerb = (program, io) => {
  program
    .command('import-script')
    .description("write a wbguard configuration from Cisco's webbridge restart script (never copies its password)")
    .argument('<file>', "Cisco's Python script (tech note 215662)")
    .option('--out <file>', 'where to write the configuration', 'wbguard.yaml')
    .option('--force', 'overwrite --out if it exists')
    .addHelpText(
      'after',
      '\nExample:\n  wbguard import-script webbridge_restart.py --out /etc/wbguard/config.yaml\n\nSee docs/migration.md.',
    )
    .action(async (file, opts) => {
      const { parseCiscoScript, configFromInventory } = await import('../../import-script/cisco-script.js');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      const inv = parseCiscoScript(text);
      if ('missing' in inv) {
        throw new ConfigError(
          `${file} does not look like Cisco's restart script`,
          inv.missing.map((m) => `not found: ${m}`),
        );
      }
      if (existsSync(opts.out) && !opts.force) {
        throw new UsageError(`${opts.out} exists; not overwritten`, { hint: 'add --force, or choose --out' });
      }
      writeFileSync(opts.out, configFromInventory(inv, file), { mode: 0o600 });
      await write(
        io.stdout,
        [
          `wrote ${opts.out}: ${inv.webbridges.length} Web Bridge(s) (${inv.webbridges.map((w) => w.host).join(', ')}), MMP user ${inv.username ?? 'admin'}`,
          inv.hasPassword
            ? 'The script holds a plaintext password: it was NOT copied. Give it to wbguard by reference:'
            : 'Give wbguard the MMP password by reference:',
          '  export WBGUARD_MMP_PASSWORD=...            (mmp.password: env:WBGUARD_MMP_PASSWORD, as written)',
          '  or a file: mmp.password: file:/etc/wbguard/mmp-password  (chmod 600)',
          'Then: wbguard trust --all --config ' + opts.out + '   and   wbguard restart --all --logs ... --dry-run',
          'Consider removing the password from the old script.',
          '',
        ].join('\n'),
      );
    });
};
