/**
 * @module ports/mmp
 * How wbguard talks to a CMS MMP (its SSH management CLI). Implemented by adapters/ssh; only the restart
 * orchestrator (and `trust`, which runs no command) may use it.
 */

/** One MMP to reach. */
export interface MmpTarget {
  /** Node name, for messages and the journal. */
  readonly name: string;
  readonly host: string;
  /** @default 22 */
  readonly port: number;
  /** Pinned host key fingerprint in OpenSSH form (`SHA256:…`, no padding), or undefined to use known_hosts only. */
  readonly hostKey: string | undefined;
}

export interface MmpCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status, or null when the MMP closed the channel without one. */
  readonly exitCode: number | null;
  /** Time from connect start to the command's end. */
  readonly durationMs: number;
}

export interface ExecOptions {
  readonly commandTimeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HostKeyInfo {
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** e.g. `ssh-ed25519`. */
  readonly algorithm: string;
  /** Base64 of the public key blob, for a known_hosts line. */
  readonly keyBase64: string;
}

export interface MmpClient {
  /** Connects (host key verified before authentication), runs one command, reads all output and the exit status. */
  exec(target: MmpTarget, command: string, options: ExecOptions): Promise<MmpCommandResult>;
  /** Connects only far enough to read the server's host key; never authenticates or runs anything. */
  fetchHostKey(target: MmpTarget): Promise<HostKeyInfo>;
}
