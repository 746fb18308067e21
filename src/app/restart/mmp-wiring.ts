/**
 * @module app/restart/mmp-wiring
 * Builds the MMP client and each Web Bridge's SSH target from the configuration (composition helpers for the
 * `restart` and `trust` verbs). Secrets are revealed only inside the client, at connect time.
 */
import { createSsh2MmpClient } from '../../adapters/ssh/ssh2-mmp-client.js';
import { UsageError } from '../../errors.js';
import type { MmpClient, MmpTarget } from '../../ports/mmp.js';
import { parseHostPort, type WbguardConfig } from '../config/index.js';

export function mmpClientFor(config: WbguardConfig, env: NodeJS.ProcessEnv): MmpClient {
  const password = config.secrets.get('mmp.password');
  const key = config.secrets.get('mmp.privateKey');
  const passphrase = config.secrets.get('mmp.passphrase');
  const agent = config.mmp.agent ? env.SSH_AUTH_SOCK : undefined;
  if (config.mmp.agent && !agent) {
    throw new UsageError('mmp.agent is true but SSH_AUTH_SOCK is not set');
  }
  return createSsh2MmpClient({
    username: config.mmp.username,
    ...(password ? { password: () => password.reveal() } : {}),
    // mmp.privateKey is a reference to a key file (file:PATH): its content is the key.
    ...(key ? { privateKey: () => key.reveal() } : {}),
    ...(passphrase ? { passphrase: () => passphrase.reveal() } : {}),
    ...(agent ? { agent } : {}),
    ...(config.mmp.knownHosts ? { knownHostsPath: config.mmp.knownHosts } : {}),
    connectTimeoutMs: config.mmp.connectTimeoutMs,
  });
}

export function targetFor(config: WbguardConfig, name: string): MmpTarget {
  const wb = config.webbridges.find((w) => w.name === name);
  if (!wb) {
    throw new UsageError(`no Web Bridge named ${name} in ${config.source}`, {
      hint: `known: ${config.webbridges.map((w) => w.name).join(', ') || 'none'}`,
    });
  }
  const { host, port } = parseHostPort(wb.mmp, 22);
  return { name, host, port, hostKey: wb.hostKey };
}
