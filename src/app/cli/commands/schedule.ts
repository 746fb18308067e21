/**
 * @module app/cli/commands/schedule
 * `wbguard schedule --print KIND`: the service unit for the daemon, or a timer for a guarded one-shot restart.
 */
import { Option } from '@commander-js/extra-typings';
import { write } from '../io.js';
import type { RegisterVerb } from './types.js';

export const registerSchedule: RegisterVerb = (program, io) => {
  program
    .command('schedule')
    .description(
      'print a systemd service for the daemon, or a cron / systemd timer / Windows task for guarded restarts',
    )
    .addOption(
      new Option('--print <kind>', 'what to print')
        .choices(['systemd', 'cron', 'systemd-timer', 'windows'] as const)
        .makeOptionMandatory(),
    )
    .option('--cron <expr>', '5-field cron expression of the restart (Cisco’s note: Saturday 02:00)', '0 2 * * 6')
    .option('--config <file>', 'configuration file the commands use', '/etc/wbguard/config.yaml')
    .option('--logs <path>', 'logs for the session data, when no daemon store is used')
    .option('--user <name>', 'user wbguard runs as', 'wbguard')
    .option('--state <dir>', 'state folder', '/var/lib/wbguard')
    .option('--wbguard <path>', 'path of the wbguard executable', '/usr/local/bin/wbguard')
    .addHelpText(
      'after',
      `
Examples:
  wbguard schedule --print systemd > /etc/systemd/system/wbguard.service      # the daemon (wbguard run)
  wbguard schedule --print cron --cron "0 2 * * 6" >> /etc/cron.d/wbguard      # Cisco's weekly timer, guarded
  wbguard schedule --print systemd-timer                                       # timer + one-shot service
  wbguard schedule --print windows > wbguard.xml && schtasks /create /xml wbguard.xml /tn "wbguard restart"`,
    )
    .action(async (opts) => {
      const a = await import('../../schedule/artifacts.js');
      const o = {
        cron: opts.cron,
        config: opts.config,
        wbguard: opts.wbguard,
        user: opts.user,
        stateDir: opts.state,
        ...(opts.logs ? { logs: opts.logs } : {}),
      };
      switch (opts.print) {
        case 'systemd':
          await write(io.stdout, a.systemdService(o));
          break;
        case 'cron':
          await write(io.stdout, a.cronLine(o));
          break;
        case 'systemd-timer': {
          const t = a.systemdTimer(o);
          await write(
            io.stdout,
            `# /etc/systemd/system/wbguard-restart.timer\n${t.timer}\n# /etc/systemd/system/wbguard-restart.service\n${t.service}`,
          );
          break;
        }
        case 'windows': {
          const w = a.windowsTask(o);
          await write(io.stdout, w.xml);
          await write(io.stderr, `or, without the XML:\n  ${w.schtasks}\n`);
          break;
        }
      }
    });
};
