/**
 * @module app/doctor/read-only-mmp
 * The only MMP the doctor holds: it passes the read-only commands through (`webbridge`, `version`) and refuses any
 * other before a connection is made, so no code path of the doctor can restart a Web Bridge, whatever the
 * configuration says (an `mmp.statusCommand` set to `webbridge restart` is refused too).
 */
import { RestartRefusedError } from '../../errors.js';
import type { ExecOptions, HostKeyInfo, MmpClient, MmpCommandResult, MmpTarget } from '../../ports/mmp.js';

/** Commands that only print. Compared, and sent, with spaces trimmed and collapsed. */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['webbridge', 'version']);

const normalised = (command: string) => command.trim().replace(/\s+/g, ' ');

export function isReadOnlyCommand(command: string): boolean {
  return READ_ONLY_COMMANDS.has(normalised(command));
}

export class ReadOnlyMmp {
  readonly #inner: MmpClient;

  constructor(inner: MmpClient) {
    this.#inner = inner;
  }

  /**
   * Runs a read-only command.
   * @throws RestartRefusedError for any other command (nothing is sent)
   */
  exec(target: MmpTarget, command: string, options: ExecOptions): Promise<MmpCommandResult> {
    if (!isReadOnlyCommand(command)) {
      return Promise.reject(
        new RestartRefusedError(`the doctor runs only read-only MMP commands, not "${command}" [node:${target.name}]`, {
          hint: `allowed: ${[...READ_ONLY_COMMANDS].join(', ')}`,
        }),
      );
    }
    // The command checked is the command sent: nothing the check did not see reaches the MMP.
    return this.#inner.exec(target, normalised(command), options);
  }

  /** Reads the host key without authenticating. */
  fetchHostKey(target: MmpTarget): Promise<HostKeyInfo> {
    return this.#inner.fetchHostKey(target);
  }
}
