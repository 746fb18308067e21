/**
 * @module app/doctor/mmp-checks
 * Per Web Bridge, its MMP step by step, each step only when the one before passed: the name resolves, the SSH port
 * accepts a connection, the host key is trusted (pinned or in known_hosts; the fingerprint shown either way), the
 * login is accepted without a password-change demand, `webbridge` prints a status that `mmp.statusPattern`
 * accepts (shown verbatim), and `version` says what the version means for the leak. Through ReadOnlyMmp only.
 */
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import { knownKeys } from '../../adapters/ssh/known-hosts.js';
import type { MmpTarget } from '../../ports/mmp.js';
import type { WbguardConfig } from '../config/index.js';
import { versionFromMmpOutput } from '../daemon/mmp-probe.js';
import { targetFor } from '../restart/mmp-wiring.js';
import { type Check, errorCodeOf, fail, ok, warn } from './check.js';
import { loginFailure, statusCheck, verbatim, versionCheck } from './mmp-answers.js';
import type { ReadOnlyMmp } from './read-only-mmp.js';

export interface MmpObservation {
  readonly name: string;
  readonly address?: string;
  readonly hostKey?: string;
  readonly hostKeyAlgorithm?: string;
  readonly webbridgeOutput?: string;
  readonly webbridgeExitCode?: number | null;
  readonly versionOutput?: string;
  readonly version?: string;
  readonly error?: string;
}

async function resolves(target: MmpTarget, timeoutMs: number): Promise<string> {
  if (isIP(target.host) !== 0) {
    return target.host;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return (
      await Promise.race([
        lookup(target.host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'EAI_AGAIN' })), timeoutMs);
        }),
      ])
    ).address;
  } finally {
    clearTimeout(timer);
  }
}

function portOpen(address: string, port: number, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (r: true | string) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done('timed out'));
    socket.once('connect', () => done(true));
    socket.once('error', (err) => done(errorCodeOf(err)));
  });
}

/** Whether the key is the pinned one or in known_hosts: `trusted`, `unknown` or `changed` (with the expected ones). */
function judgeKey(config: WbguardConfig, target: MmpTarget, got: string, blob: Buffer) {
  if (target.hostKey) {
    return target.hostKey === got
      ? ({ verdict: 'trusted', how: 'pinned in webbridges[].hostKey' } as const)
      : ({ verdict: 'changed', expected: target.hostKey } as const);
  }
  const known = config.mmp.knownHosts ? knownKeys(config.mmp.knownHosts, target.host, target.port) : [];
  const usable = known.filter((k) => !k.revoked);
  if (usable.some((k) => k.blob.equals(blob))) {
    return { verdict: 'trusted', how: `in ${config.mmp.knownHosts}` } as const;
  }
  if (known.some((k) => k.revoked && k.blob.equals(blob))) {
    return { verdict: 'changed', expected: '@revoked in known_hosts' } as const;
  }
  return usable.length > 0
    ? ({ verdict: 'changed', expected: 'another key in known_hosts' } as const)
    : ({ verdict: 'unknown' } as const);
}

export async function checkMmp(
  config: WbguardConfig,
  mmp: ReadOnlyMmp,
  name: string,
  out: Check[],
): Promise<MmpObservation> {
  const target = targetFor(config, name);
  const where = `${name} ${target.host}:${target.port}`;
  const timeout = config.mmp.connectTimeoutMs;
  let address: string;
  try {
    address = await resolves(target, timeout);
  } catch (err) {
    out.push(
      fail(
        'mmp',
        where,
        `the name ${target.host} does not resolve (${errorCodeOf(err)})`,
        `check webbridges[].mmp of ${name} and the DNS servers of this host`,
      ),
    );
    return { name, error: 'WBGUARD_ERR_SSH_CONNECT' };
  }
  const open = await portOpen(address, target.port, timeout);
  if (open !== true) {
    out.push(
      fail(
        'mmp',
        where,
        `SSH port ${target.port} of ${address} not open (${open})`,
        `check the port in webbridges[].mmp of ${name}, that SSH is enabled on the MMP, and the firewall between`,
      ),
    );
    return { name, address, error: 'WBGUARD_ERR_SSH_CONNECT' };
  }
  out.push(
    ok(
      'mmp',
      where,
      `${target.host === address ? address : `${target.host} resolves to ${address}`}; SSH port ${target.port} open`,
    ),
  );
  let key: Awaited<ReturnType<ReadOnlyMmp['fetchHostKey']>>;
  try {
    key = await mmp.fetchHostKey(target);
  } catch (err) {
    out.push(fail('mmp', where, `no host key offered (${errorCodeOf(err)})`, 'is this port an SSH server (the MMP)?'));
    return { name, address, error: errorCodeOf(err) };
  }
  const seen = { name, address, hostKey: key.fingerprint, hostKeyAlgorithm: key.algorithm };
  const judged = judgeKey(config, target, key.fingerprint, Buffer.from(key.keyBase64, 'base64'));
  if (judged.verdict === 'unknown') {
    out.push(
      fail(
        'mmp',
        where,
        `host key not trusted yet: ${key.algorithm} ${key.fingerprint}`,
        `compare it with the MMP console, then run: wbguard trust ${name} (or pin webbridges[].hostKey)`,
      ),
    );
    return { ...seen, error: 'WBGUARD_ERR_SSH_HOST_KEY' };
  }
  if (judged.verdict === 'changed') {
    out.push(
      fail(
        'mmp',
        where,
        `host key CHANGED: the MMP offers ${key.algorithm} ${key.fingerprint}, expected ${judged.expected}`,
        `someone may be intercepting the connection: check the key on the MMP console; if the change is expected, update webbridges[].hostKey or run wbguard trust ${name}`,
      ),
    );
    return { ...seen, error: 'WBGUARD_ERR_SSH_HOST_KEY' };
  }
  out.push(ok('mmp', where, `host key trusted (${judged.how}): ${key.algorithm} ${key.fingerprint}`));
  const exec = { commandTimeoutMs: Math.min(config.mmp.commandTimeoutMs, 30_000) };
  let status: Awaited<ReturnType<ReadOnlyMmp['exec']>>;
  try {
    status = await mmp.exec(target, 'webbridge', exec);
  } catch (err) {
    out.push(loginFailure(config, name, where, err));
    return { ...seen, error: errorCodeOf(err) };
  }
  out.push(ok('mmp', where, `login of ${config.mmp.username} accepted; no password change demanded`));
  const shown = verbatim(status.stdout + status.stderr);
  out.push(statusCheck(config, where, status.exitCode, shown));
  let versionText: string | undefined;
  let version: string | undefined;
  try {
    const v = await mmp.exec(target, 'version', exec);
    versionText = verbatim(v.stdout);
    const verdict = versionFromMmpOutput(v.stdout);
    version = verdict?.version;
    out.push(versionCheck(where, versionText, verdict));
  } catch (err) {
    out.push(warn('mmp', where, `version: ${(err as Error).message}`));
  }
  return {
    ...seen,
    webbridgeOutput: shown,
    webbridgeExitCode: status.exitCode,
    ...(versionText ? { versionOutput: versionText } : {}),
    ...(version ? { version } : {}),
  };
}
