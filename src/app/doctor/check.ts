/**
 * @module app/doctor/check
 * One line of `wbguard doctor`: ✔ (ok), ! (warn: works, but look), ✘ (fail: wbguard will not work until fixed, and
 * the fix says how). Every check family builds these; the renderer and the exit code read them.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Family: `config`, `state`, `clock`, `syslog`, `api`, `mmp`, `analysis`. */
  readonly area: string;
  /** What was checked: a node name, a listener, `configuration`. */
  readonly subject: string;
  readonly status: CheckStatus;
  /** The fact seen, in words (may span lines, e.g. an MMP's output shown verbatim). */
  readonly fact: string;
  /** How to fix it: always set on a fail, sometimes on a warn. */
  readonly fix?: string;
}

export const ok = (area: string, subject: string, fact: string): Check => ({ area, subject, status: 'ok', fact });

export const warn = (area: string, subject: string, fact: string, fix?: string): Check => ({
  area,
  subject,
  status: 'warn',
  fact,
  ...(fix ? { fix } : {}),
});

export const fail = (area: string, subject: string, fact: string, fix: string): Check => ({
  area,
  subject,
  status: 'fail',
  fact,
  fix,
});

/** 1 when any check failed, else 0 (warnings allowed). */
export function exitCodeOf(checks: readonly Check[]): 0 | 1 {
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

/** The stable code of a wbguard error (`WBGUARD_ERR_…`) or a system error (`ECONNREFUSED`), else `error`. */
export function errorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}
