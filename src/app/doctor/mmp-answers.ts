/**
 * @module app/doctor/mmp-answers
 * What an MMP's answers mean for wbguard: a login that failed (refused, a password-change demand, a hang, a dropped
 * connection), the `webbridge` status output against `mmp.statusPattern`, and the `version` output's advice.
 */
import type { judgeCmsVersion } from '../../core/cms-version.js';
import { describeSecret, type WbguardConfig } from '../config/index.js';
import { type Check, errorCodeOf, fail, ok, warn } from './check.js';

/** An MMP's output as shown under its check line, verbatim (line ends normalised). */
export function verbatim(text: string): string {
  const body = text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  return body === '' ? '(no output)' : body;
}

export function loginFailure(config: WbguardConfig, name: string, where: string, err: unknown): Check {
  const code = errorCodeOf(err);
  const how = config.mmp.privateKey
    ? `the key ${describeSecret(config.mmp.privateKey)}`
    : `the password ${config.mmp.password ? describeSecret(config.mmp.password) : '(none set)'}`;
  if (code === 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED') {
    return fail(
      'mmp',
      where,
      `login accepted, but the MMP demands a new password and runs nothing (CMS passwords expire after 6 months)`,
      `log in to ${name}'s MMP by hand as ${config.mmp.username}, set a new password, then update the secret mmp.password refers to`,
    );
  }
  if (code === 'WBGUARD_ERR_SSH_AUTH') {
    return fail(
      'mmp',
      where,
      `login of ${config.mmp.username} refused`,
      `check mmp.username and ${how} (its reference, never printed)`,
    );
  }
  if (code === 'WBGUARD_ERR_SSH_TIMEOUT') {
    return fail(
      'mmp',
      where,
      `\`webbridge\` did not answer in time (${code})`,
      `the MMP hangs or is slow: check ${name} on its console; mmp.commandTimeoutMs sets the wait`,
    );
  }
  if (code === 'WBGUARD_ERR_SSH_CLOSED') {
    return fail(
      'mmp',
      where,
      `the MMP closed the connection before \`webbridge\` finished (${code})`,
      `check ${name}'s MMP (its load, its SSH sessions) and the network between`,
    );
  }
  return fail(
    'mmp',
    where,
    `login failed (${code}): ${(err as Error).message}`,
    'check the MMP is up and mmp.connectTimeoutMs',
  );
}

export function statusCheck(config: WbguardConfig, where: string, exitCode: number | null, shown: string): Check {
  const fact = `\`webbridge\` printed (exit ${exitCode ?? 'none'}):\n${shown}`;
  if (exitCode !== 0 && exitCode !== null) {
    return fail('mmp', where, fact, 'the MMP refused `webbridge`: is this server a Web Bridge 2?');
  }
  if (/FAILURE/.test(shown)) {
    return fail('mmp', where, fact, 'the Web Bridge reports a FAILURE: fix it on the MMP before wbguard restarts it');
  }
  if (config.mmp.statusCommand.trim().replace(/\s+/g, ' ') !== 'webbridge') {
    return warn(
      'mmp',
      where,
      `${fact}\nmmp.statusCommand is \`${config.mmp.statusCommand}\`: the doctor runs only \`webbridge\`, so mmp.statusPattern was not checked`,
      `check by hand that mmp.statusPattern matches the healthy output of \`${config.mmp.statusCommand}\` (a command that only prints: it runs after every restart)`,
    );
  }
  const source = config.mmp.statusPattern;
  if (source === '') {
    return warn(
      'mmp',
      where,
      `${fact}\nmmp.statusPattern is empty: after a restart, exit 0 without FAILURE counts as healthy`,
      'set mmp.statusPattern to a regular expression the healthy output above matches',
    );
  }
  return new RegExp(source).test(shown)
    ? ok('mmp', where, `${fact}\nmatches mmp.statusPattern /${source}/`)
    : fail(
        'mmp',
        where,
        `${fact}\ndoes NOT match mmp.statusPattern /${source}/: a restart would never be verified back`,
        'set mmp.statusPattern to a regular expression the healthy output above matches',
      );
}

export function versionCheck(where: string, text: string, verdict: ReturnType<typeof judgeCmsVersion>): Check {
  if (!verdict) {
    return warn('mmp', where, `\`version\` printed:\n${text}\nno version number recognised`);
  }
  const fact = `CMS ${verdict.version}: ${verdict.advice}`;
  if (!verdict.affected) {
    return warn('mmp', where, fact, 'no Web Bridge 2 to guard on this node: remove it from webbridges[]');
  }
  return verdict.webBridge3Available
    ? warn('mmp', where, fact, 'plan the move to Web Bridge 3 (the real fix); wbguard guards Web Bridge 2 until then')
    : ok('mmp', where, fact);
}
