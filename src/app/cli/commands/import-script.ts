/**
 * @module app/cli/commands/import-script
 * `wbguard import-script FILE`: turns Cisco's restart script into a wbguard configuration, without its password,
 * and says how to give wbguard the password instead.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../../../errors.js';
import { writePrivateFile } from '../../config/write-file.js';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerImportScript: RegisterVerb = (program, io) => {
  program
    .command('import-script')
    .description("write a wbguard configuration from Cisco's webbridge restart script (never copies its password)")
    .argument('<file>', "Cisco's Python script (tech note 215662)")
    .option('--out <file>', 'where to write the configuration (- for stdout)', 'wbguard.yaml')
    .option('--force', 'overwrite --out if it exists')
    .addHelpText(
      'after',
      [
        '',
        'Reads the webbridges = {1: "10.0.0.1", ...} inventory and mmp_username; the password is never copied.',
        '',
        'Examples:',
        '  wbguard import-script webbridge_restart.py --out /etc/wbguard/config.yaml',
        '  wbguard import-script webbridge_restart.py --out -        # print it instead',
        '',
        'See docs/migration.md.',
      ].join('\n'),
    )
    .action(async (file, opts) => {
      const [{ parseCiscoScript }, { configFromInventory, PASSWORD_VARIABLE }, { parseConfig }, { parse }] =
        await Promise.all([
          import('../../import-script/cisco-script.js'),
          import('../../import-script/to-config.js'),
          import('../../config/index.js'),
          import('yaml'),
        ]);
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, file), 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read the script [file:${file}, ${(err as NodeJS.ErrnoException).code}]`);
      }
      const inv = parseCiscoScript(text);
      if ('missing' in inv) {
        throw new ConfigError(
          `${file} does not look like Cisco's restart script`,
          inv.missing.map((m) => `not found: ${m}`),
          { hint: 'the script must assign webbridges = {1: "10.0.0.1", 2: "10.0.0.2"} (or a list of addresses)' },
        );
      }
      const yaml = configFromInventory(inv, { source: file });
      // What we write must be a configuration wbguard accepts: check it before anyone relies on it.
      parseConfig(parse(yaml), { resolveSecrets: false, source: 'the imported configuration' });
      const toStdout = opts.out === '-';
      if (toStdout) {
        await write(io.stdout, yaml);
      } else {
        await writePrivateFile(resolve(io.cwd, opts.out), yaml, Boolean(opts.force));
      }
      const out = toStdout ? 'the configuration above' : opts.out;
      const lines = [
        `${toStdout ? 'printed' : `wrote ${opts.out}`}: ${inv.webbridges.length} Web Bridge(s) (${inv.webbridges.map((w) => w.host).join(', ')}), MMP user ${inv.username ?? 'admin (the script set none)'}`,
        inv.hasPassword
          ? 'The script holds a plaintext password: it was NOT copied. Give it to wbguard by reference, either'
          : 'Give wbguard the MMP password by reference, either',
        `  in the environment:  export ${PASSWORD_VARIABLE}=...     (${out} says mmp.password: env:${PASSWORD_VARIABLE})`,
        '  or in a file:        install -m 600 /dev/null /etc/wbguard/mmp-password, write the password in it,',
        '                       and set mmp.password: file:/etc/wbguard/mmp-password',
        ...(inv.hasPassword
          ? ['Then remove the password from the old script (and rotate it: it has been in a file).']
          : []),
        'Next:',
        `  wbguard config check --config ${toStdout ? 'FILE' : opts.out}`,
        `  wbguard trust --all --config ${toStdout ? 'FILE' : opts.out}   (no host key is pinned yet: compare each fingerprint with the MMP console)`,
        `  wbguard restart --leaking --logs /var/log/cms --dry-run --config ${toStdout ? 'FILE' : opts.out}`,
        ...(inv.logFile
          ? [
              `The script logged to ${inv.logFile}; wbguard writes the same lines to <state>/webbridge_restart_logs.txt`,
              '  (point your log watcher there, or symlink the old name to it).',
            ]
          : []),
        '',
      ];
      // Guidance on stderr when the configuration itself went to stdout, so a redirect captures only YAML.
      await write(toStdout ? io.stderr : io.stdout, lines.join('\n'));
    });
};
