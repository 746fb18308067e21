/**
 * @module app/doctor/config-checks
 * The configuration (the same loader and cross-checks as every other verb), the state folder (never created or
 * changed here: only looked at), and what the leak estimate assumes about the CMA clients in use.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, SecretError } from '../../errors.js';
import { loadConfig, type WbguardConfig } from '../config/index.js';
import { type Check, fail, ok, warn } from './check.js';

/** The configuration, or a failed check saying why it cannot be used (every problem listed). */
export async function checkConfig(
  path: string,
  env: NodeJS.ProcessEnv,
  out: Check[],
): Promise<WbguardConfig | undefined> {
  try {
    const config = await loadConfig(path, { env });
    const nodes = `${config.webbridges.length + config.clusters.reduce((n, k) => n + k.webbridges.length, 0)} Web Bridges, ${config.callbridges.length + config.clusters.reduce((n, k) => n + k.callbridges.length, 0)} Call Bridges`;
    out.push(ok('config', path, `valid: ${nodes}; secrets resolved (their values are never shown)`));
    for (const w of config.warnings) {
      out.push(warn('config', path, w));
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SecretError) {
      const issues = err instanceof ConfigError && err.issues.length > 0 ? `\n${err.issues.join('\n')}` : '';
      out.push(
        fail('config', path, `${err.message}${issues}`, err.hint ?? 'docs/configuration.md describes every key'),
      );
      return undefined;
    }
    throw err;
  }
}

/** The state folder exists and is writable (or can be made by `wbguard run`, whose parent folder is writable). */
export async function checkState(config: WbguardConfig, out: Check[]): Promise<void> {
  const dir = config.state;
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) {
      out.push(
        fail('state', dir, 'the state path exists but is not a folder', 'set state to a folder wbguard may write'),
      );
      return;
    }
    await access(dir, constants.W_OK);
    out.push(ok('state', dir, 'state folder exists and is writable'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const parent = dirname(dir);
      const writable = await access(parent, constants.W_OK).then(
        () => true,
        () => false,
      );
      out.push(
        writable
          ? warn('state', dir, `state folder does not exist yet (${parent} is writable: wbguard run creates it)`)
          : fail(
              'state',
              dir,
              `state folder does not exist and ${parent} is not writable`,
              `install -d -m 700 -o wbguard ${dir}`,
            ),
      );
      return;
    }
    out.push(
      fail(
        'state',
        dir,
        `state folder not writable (${code})`,
        `give wbguard's user write access: chown wbguard ${dir}`,
      ),
    );
  }
}

/** What the leak estimate is worth with the CMA clients the configuration says are in use. */
export function checkCmaClients(config: WbguardConfig, out: Check[]): void {
  out.push(
    config.analysis.cmaClients === 'webrtc-only'
      ? ok(
          'analysis',
          'analysis.cmaClients',
          'webrtc-only: CMA counts only WebRTC guests, so the leak estimate (Σ Stats active − Σ CMA) is valid — if CMA desktop or iOS clients are used, set analysis.cmaClients: mixed',
        )
      : warn(
          'analysis',
          'analysis.cmaClients',
          'mixed: CMA desktop/iOS clients inflate CMA, so the leak estimate is only a lower bound',
        ),
  );
}
