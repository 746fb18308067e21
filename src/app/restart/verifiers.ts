/**
 * @module app/restart/verifiers
 * How a restarted Web Bridge is proven back before the next one is touched. Each reading of each verifier must be
 * healthy, `restart.verifyHealthyReadings` times in a row, within `restart.verifyTimeoutMs`:
 * - logs: a Stats line written after the restart with a low active count (the logs a syslog server keeps writing);
 *   a restart that did not clear the leak shows a high count here;
 * - mmp: the MMP status command answers without FAILURE (and matches `mmp.statusPattern` when set: the real output
 *   of `webbridge` is undocumented);
 * - probe: the Web Bridge's web port accepts a TCP connection (`webbridges[].webPort`).
 */
import { connect } from 'node:net';
import type { MmpClient, MmpTarget } from '../../ports/mmp.js';
import { type AnalyzePathsOptions, analyzePaths } from '../analyze/index.js';

export interface Reading {
  readonly healthy: boolean;
  readonly detail: string;
}

export interface Verifier {
  readonly name: string;
  read(): Promise<Reading>;
  /** Releases what the verifier holds (a subscription), once verification is over. */
  stop?(): void;
}

export function mmpStatusVerifier(
  mmp: MmpClient,
  target: MmpTarget,
  command: string,
  pattern: string,
  commandTimeoutMs: number,
): Verifier {
  const re = pattern ? new RegExp(pattern, 'm') : undefined;
  return {
    name: 'mmp',
    async read() {
      try {
        const r = await mmp.exec(target, command, { commandTimeoutMs });
        const text = `${r.stdout}\n${r.stderr}`;
        if (r.exitCode !== 0 || /FAILURE/.test(text)) {
          return { healthy: false, detail: `${command}: exit ${r.exitCode}${/FAILURE/.test(text) ? ', FAILURE' : ''}` };
        }
        if (re && !re.test(r.stdout)) {
          return { healthy: false, detail: `${command}: output does not match /${pattern}/` };
        }
        return { healthy: true, detail: `${command}: ok` };
      } catch (err) {
        return { healthy: false, detail: `${command}: ${(err as Error).message}` };
      }
    },
  };
}

export function tcpProbeVerifier(host: string, port: number, timeoutMs = 5000): Verifier {
  return {
    name: 'probe',
    read: () =>
      new Promise((resolve) => {
        const s = connect({ host, port });
        const timer = setTimeout(() => {
          s.destroy();
          resolve({ healthy: false, detail: `tcp ${host}:${port}: timed out` });
        }, timeoutMs);
        s.once('connect', () => {
          clearTimeout(timer);
          s.end();
          resolve({ healthy: true, detail: `tcp ${host}:${port}: open` });
        });
        s.once('error', (err) => {
          clearTimeout(timer);
          resolve({ healthy: false, detail: `tcp ${host}:${port}: ${err.message}` });
        });
      }),
  };
}

/**
 * Reads the logs again for Stats lines of `node` written after `restartAt`. Each reading needs a newer line than
 * the previous reading saw, with fewer than `maxActive` sessions.
 */
export function logStatsVerifier(
  paths: readonly string[],
  options: AnalyzePathsOptions,
  node: string,
  restartAt: number,
  maxActive: number,
): Verifier {
  let lastT = restartAt;
  return {
    name: 'logs',
    async read() {
      const { series } = await analyzePaths(paths, { ...options, since: restartAt });
      const s = series.webbridges.find((w) => w.name === node);
      const idx = s ? s.active.t.findIndex((t) => t > lastT) : -1;
      if (!s || idx < 0) {
        return { healthy: false, detail: 'no Stats line since the restart yet' };
      }
      const t = s.active.t[s.active.t.length - 1] as number;
      const active = s.active.v[s.active.v.length - 1] as number;
      lastT = t;
      return active < maxActive
        ? { healthy: true, detail: `Stats ${active} at ${new Date(t).toISOString()}` }
        : {
            healthy: false,
            detail: `Stats ${active} ≥ ${maxActive} at ${new Date(t).toISOString()}: the leak was not cleared`,
          };
    },
  };
}
