/**
 * @module app/doctor/config-checks
 * The configuration (the same loader and cross-checks as every other verb), the state folder (never created or
 * changed here: only looked at), and what the leak estimate assumes about the CMA clients in use.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { requiredLiterals } from '../../core/parse/join-refusal.js';
import { ConfigError, SecretError } from '../../errors.js';
import { joinRefusalSettings, loadConfig, type WbguardConfig } from '../config/index.js';
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

/**
 * How join refusals will be recognised: a pattern with no literal part makes every line at a refusal level (every
 * line, with no levels) be read the slow way, and no pattern at all looks for none; both are said, with the fix.
 * (Whether the wording is the assumed one is said beside what syslog showed: syslog-checks.ts.)
 */
export function checkJoinRefusal(config: WbguardConfig, out: Check[]): void {
  const settings = joinRefusalSettings(config);
  const subject = 'analysis.joinRefusedPatterns';
  if (settings.patterns.length === 0) {
    out.push(warn('analysis', subject, 'empty: join refusals are not looked for'));
    return;
  }
  const where = settings.levels.length === 0 ? 'in any line' : `in lines holding ${settings.levels.join(' or ')}`;
  const slow = settings.patterns.filter((p) => requiredLiterals(new RegExp(p, 'i').source) === undefined);
  out.push(
    slow.length === 0
      ? ok('analysis', subject, `${settings.patterns.length} pattern(s), looked for ${where}`)
      : warn(
          'analysis',
          subject,
          `${slow.map((p) => JSON.stringify(p)).join(', ')}: no plain part every match holds, so every line ${settings.levels.length === 0 ? '' : 'at a refusal level '}is read the slow way (analyze takes several times as long)`,
          'give each pattern (each branch of a top-level |) a few plain letters, e.g. "participant limit \\d+" (docs/analyze.md)',
        ),
  );
}
