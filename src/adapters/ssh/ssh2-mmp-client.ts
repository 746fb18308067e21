/**
 * @module adapters/ssh/ssh2-mmp-client
 * The MMP client (ports/mmp.ts) on ssh2. The host key is checked before authentication — pinned fingerprint first,
 * else known_hosts; an unknown or changed key refuses the connection and no command is ever sent. There is no way
 * to accept any key. Errors carry stable codes and never the password.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ssh2 from 'ssh2';
import { SshError } from '../../errors.js';
import type { ExecOptions, HostKeyInfo, MmpClient, MmpCommandResult, MmpTarget } from '../../ports/mmp.js';
import { fingerprint, keyType, knownKeys } from './known-hosts.js';

const { Client } = ssh2;

export interface Ssh2MmpClientOptions {
  readonly username: string;
  /** Called when the password is needed, so it is held only as long as the connection. */
  readonly password?: () => string;
  readonly privateKey?: () => string | Buffer;
  readonly passphrase?: () => string;
  /** SSH agent socket (SSH_AUTH_SOCK). */
  readonly agent?: string;
  readonly knownHostsPath?: string;
  readonly connectTimeoutMs: number;
  /**
   * Resolves an MMP host name to an address (tests inject a failing one rather than ask DNS about made-up names).
   * Not called for an IP address. @default dns.lookup
   */
  readonly lookup?: (hostname: string) => Promise<{ address: string }>;
}

/** getaddrinfo's answers for a name that does not resolve (now or at all). */
const NOT_RESOLVED = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA'];

/**
 * The address to connect to: the target's own when it is an IP, else its name resolved within the connect
 * timeout. A name that does not resolve is its own error, naming the name: "cannot connect" would send the
 * operator to the network instead of to DNS or the configuration.
 */
async function resolveTarget(
  target: MmpTarget,
  options: Pick<Ssh2MmpClientOptions, 'lookup' | 'connectTimeoutMs'>,
): Promise<string> {
  if (isIP(target.host) !== 0) {
    return target.host;
  }
  const lookup = options.lookup ?? ((h: string) => dnsLookup(h));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('name lookup timed out'), { code: 'EAI_AGAIN' })),
        options.connectTimeoutMs,
      );
    });
    return (await Promise.race([lookup(target.host), timeout])).address;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' && NOT_RESOLVED.includes(code) ? code : (err as Error).message;
    throw new SshError(
      'WBGUARD_ERR_SSH_CONNECT',
      `cannot resolve ${target.host} (${why}) [node:${target.name}, host:${target.host}:${target.port}]`,
      { cause: err, hint: `check the name in webbridges[].mmp for ${target.name} and the DNS servers of this host` },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Texts by which an MMP demands a new password (real wording unconfirmed: docs/cms-facts.md unconfirmed #8). */
export const PASSWORD_CHANGE_DEMAND = /password (has )?expired|new password|change (your )?password/i;

type Verdict = { ok: true } | { ok: false; code: 'WBGUARD_ERR_SSH_HOST_KEY'; message: string; hint: string };

function checkHostKey(target: MmpTarget, blob: Buffer, knownHostsPath: string | undefined): Verdict {
  const got = fingerprint(blob);
  const where = `[node:${target.name}, host:${target.host}:${target.port}]`;
  if (target.hostKey) {
    if (target.hostKey === got) {
      return { ok: true };
    }
    return {
      ok: false,
      code: 'WBGUARD_ERR_SSH_HOST_KEY',
      message: `host key CHANGED: pinned ${target.hostKey}, server offered ${got} ${where}`,
      hint: 'someone may be intercepting the connection; check the key on the MMP console before changing webbridges[].hostKey',
    };
  }
  const known = knownHostsPath ? knownKeys(knownHostsPath, target.host, target.port) : [];
  if (known.some((k) => k.revoked && k.blob.equals(blob))) {
    return {
      ok: false,
      code: 'WBGUARD_ERR_SSH_HOST_KEY',
      message: `host key is revoked in known_hosts ${where}`,
      hint: 'the MMP presents a key marked @revoked',
    };
  }
  const usable = known.filter((k) => !k.revoked);
  if (usable.some((k) => k.blob.equals(blob))) {
    return { ok: true };
  }
  if (usable.length > 0) {
    return {
      ok: false,
      code: 'WBGUARD_ERR_SSH_HOST_KEY',
      message: `host key CHANGED: known_hosts has ${usable.map((k) => fingerprint(k.blob)).join(', ')}, server offered ${got} ${where}`,
      hint: `check the key on the MMP console; if the change is expected remove the old line from ${knownHostsPath} and run wbguard trust ${target.name}`,
    };
  }
  return {
    ok: false,
    code: 'WBGUARD_ERR_SSH_HOST_KEY',
    message: `host key not trusted yet (${got}) ${where}`,
    hint: `run wbguard trust ${target.name} (or pin webbridges[].hostKey)`,
  };
}

function classify(err: Error & { level?: string; code?: string }, target: MmpTarget): SshError {
  const where = `[node:${target.name}, host:${target.host}:${target.port}]`;
  if (err.level === 'client-authentication') {
    return new SshError('WBGUARD_ERR_SSH_AUTH', `authentication refused ${where}`, {
      cause: err,
      hint: 'check mmp.username and the password or key it refers to',
    });
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new SshError('WBGUARD_ERR_SSH_TIMEOUT', `connect timed out ${where}`, { cause: err });
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(err.code ?? '')
  ) {
    return new SshError('WBGUARD_ERR_SSH_CONNECT', `cannot connect (${err.code}) ${where}`, { cause: err });
  }
  return new SshError('WBGUARD_ERR_SSH_CONNECT', `ssh connection failed ${where}: ${err.message}`, { cause: err });
}

export function createSsh2MmpClient(options: Ssh2MmpClientOptions): MmpClient {
  const connectConfig = (target: MmpTarget, verify: (blob: Buffer) => boolean): ssh2.ConnectConfig => ({
    host: target.host,
    port: target.port,
    username: options.username,
    readyTimeout: options.connectTimeoutMs,
    hostVerifier: verify,
    tryKeyboard: Boolean(options.password),
    ...(options.password ? { password: options.password() } : {}),
    ...(options.privateKey ? { privateKey: options.privateKey() } : {}),
    ...(options.passphrase ? { passphrase: options.passphrase() } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
  });

  return {
    exec(target: MmpTarget, command: string, execOptions: ExecOptions): Promise<MmpCommandResult> {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const conn = new Client();
        let hostKeyFailure: Verdict | undefined;
        let expired = false;
        let settled = false;
        let commandTimer: NodeJS.Timeout | undefined;
        const settle = (f: () => void) => {
          if (!settled) {
            settled = true;
            clearTimeout(commandTimer);
            execOptions.signal?.removeEventListener('abort', onAbort);
            conn.end();
            f();
          }
        };
        const fail = (e: SshError) => settle(() => reject(e));
        const where = `[node:${target.name}, cmd:${command}]`;
        const onAbort = () => fail(new SshError('WBGUARD_ERR_SSH_CLOSED', `command abandoned ${where}`));
        execOptions.signal?.addEventListener('abort', onAbort, { once: true });
        conn.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
          if (prompts.some((p) => PASSWORD_CHANGE_DEMAND.test(p.prompt))) {
            expired = true;
            finish([]);
            return;
          }
          finish(prompts.map(() => options.password?.() ?? ''));
        });
        conn.on('ready', () => {
          conn.exec(command, (err, stream) => {
            if (err) {
              fail(new SshError('WBGUARD_ERR_SSH_CLOSED', `exec refused ${where}`, { cause: err }));
              return;
            }
            let stdout = '';
            let stderr = '';
            let exitCode: number | null | undefined;
            commandTimer = setTimeout(
              () =>
                fail(
                  new SshError(
                    'WBGUARD_ERR_SSH_TIMEOUT',
                    `command timed out after ${execOptions.commandTimeoutMs} ms ${where}`,
                  ),
                ),
              execOptions.commandTimeoutMs,
            );
            stream.on('data', (d: Buffer) => {
              stdout += d.toString('utf8');
            });
            stream.stderr.on('data', (d: Buffer) => {
              stderr += d.toString('utf8');
            });
            stream.on('exit', (code: number | null) => {
              exitCode = code;
            });
            stream.on('close', () => {
              if (exitCode === undefined) {
                fail(new SshError('WBGUARD_ERR_SSH_CLOSED', `connection closed before the command finished ${where}`));
                return;
              }
              if (PASSWORD_CHANGE_DEMAND.test(stdout) || PASSWORD_CHANGE_DEMAND.test(stderr)) {
                fail(
                  new SshError(
                    'WBGUARD_ERR_SSH_PASSWORD_EXPIRED',
                    `the MMP demands a new password and ran nothing [node:${target.name}]`,
                    {
                      hint: 'log in to the MMP by hand, set a new password, then update the secret wbguard reads',
                    },
                  ),
                );
                return;
              }
              const code = exitCode ?? null;
              settle(() =>
                resolve({ stdout, stderr, exitCode: code, durationMs: Math.round(performance.now() - started) }),
              );
            });
          });
        });
        conn.on('error', (err: Error & { level?: string; code?: string }) => {
          if (hostKeyFailure && !hostKeyFailure.ok) {
            fail(new SshError(hostKeyFailure.code, hostKeyFailure.message, { hint: hostKeyFailure.hint }));
          } else if (expired) {
            fail(
              new SshError('WBGUARD_ERR_SSH_PASSWORD_EXPIRED', `the MMP demands a new password [node:${target.name}]`, {
                hint: 'log in by hand, set a new password, update the secret',
              }),
            );
          } else {
            fail(classify(err, target));
          }
        });
        conn.on('close', () => fail(new SshError('WBGUARD_ERR_SSH_CLOSED', `connection closed ${where}`)));
        resolveTarget(target, options).then(
          (address) => {
            if (settled) {
              return;
            }
            // The host key is judged against the configured name (known_hosts), the socket goes to its address.
            conn.connect(
              connectConfig({ ...target, host: address }, (blob: Buffer) => {
                hostKeyFailure = checkHostKey(target, blob, options.knownHostsPath);
                return hostKeyFailure.ok;
              }),
            );
          },
          (err: SshError) => fail(err),
        );
      });
    },

    fetchHostKey(target: MmpTarget): Promise<HostKeyInfo> {
      return new Promise((resolve, reject) => {
        const conn = new Client();
        let captured: Buffer | undefined;
        const done = () => {
          conn.end();
          if (captured) {
            resolve({
              fingerprint: fingerprint(captured),
              algorithm: keyType(captured),
              keyBase64: captured.toString('base64'),
            });
          }
        };
        conn.on('error', (err: Error & { level?: string; code?: string }) =>
          captured ? done() : reject(classify(err, target)),
        );
        conn.on('close', () =>
          captured
            ? done()
            : reject(
                new SshError('WBGUARD_ERR_SSH_CLOSED', `closed before a host key was offered [node:${target.name}]`),
              ),
        );
        const connectTo = (address: string) =>
          conn.connect({
            host: address,
            port: target.port,
            username: options.username,
            readyTimeout: options.connectTimeoutMs,
            // Capture the key and refuse it: the connection ends before any authentication is attempted.
            hostVerifier: (blob: Buffer) => {
              captured = Buffer.from(blob);
              return false;
            },
          });
        resolveTarget(target, options).then(connectTo, reject);
      });
    },
  };
}
