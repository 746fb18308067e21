/**
 * @module sim/mmp/commands
 * The MMP commands the simulator understands, and what they print. Texts marked unconfirmed are the simulator's
 * guesses where no source shows a real MMP's output (docs/cms-facts.md §4).
 */
import type { SimNode } from '../types.js';

/** Printed for an unknown command (wording unconfirmed). */
export const UNKNOWN_COMMAND = (cmd: string) => `Unknown command "${cmd}". Type "help" for a list of commands.`;
/** Printed instead of running anything when the account's password has expired (wording unconfirmed). */
export const PASSWORD_EXPIRED_TEXT = 'Your password has expired. You must change your password now.\nNew password: ';

export interface CommandResult {
  readonly output: string[];
  readonly exitCode: number;
}

const HELP = [
  'Commands:',
  '  webbridge',
  '  webbridge restart',
  '  webbridge3',
  '  webbridge3 restart',
  '  version',
  '  syslog',
  '  help',
  '  exit',
];

export async function runMmpCommand(node: SimNode, command: string): Promise<CommandResult> {
  const cmd = command.trim().replace(/\s+/g, ' ');
  switch (cmd) {
    case 'webbridge':
      return { output: node.webBridgeStatusLines(), exitCode: 0 };
    case 'webbridge restart':
      return node.restartWebBridge();
    case 'webbridge3': {
      const lines = node.webBridge3StatusLines();
      return lines ? { output: lines, exitCode: 0 } : { output: [UNKNOWN_COMMAND(cmd)], exitCode: 1 };
    }
    case 'webbridge3 restart':
      return node.hasWebBridge3 ? node.restartWebBridge3() : { output: [UNKNOWN_COMMAND(cmd)], exitCode: 1 };
    case 'version':
      return { output: [node.softwareVersion], exitCode: 0 };
    case 'syslog':
      return { output: ['Syslog servers:', '  (configured by the simulator: see wbguard sim --syslog)'], exitCode: 0 };
    case 'help':
      return { output: HELP, exitCode: 0 };
    case '':
      return { output: [], exitCode: 0 };
    default:
      return { output: [UNKNOWN_COMMAND(cmd)], exitCode: 1 };
  }
}
