/**
 * @module app/daemon/mmp-probe
 * Logs in to every Web Bridge's MMP now and then and runs a harmless command (`mmp.probeCommand`, `version`), so
 * an expired password (CMS passwords expire after six months and the MMP then demands a new one), a refused login,
 * a changed host key or an unreachable MMP is known — and alerted — long before a restart needs the login.
 */
import { judgeCmsVersion, type VersionVerdict } from '../../core/cms-version.js';
import type { Logger } from '../../ports/logger.js';
import type { MmpClient } from '../../ports/mmp.js';
import type { WbguardConfig } from '../config/index.js';
import { targetFor } from '../restart/mmp-wiring.js';

export interface ProbeResult {
  readonly name: string;
  readonly ok: boolean;
  /** ISO-8601 time of the probe. */
  readonly at: string;
  /** Error code (`WBGUARD_ERR_SSH_PASSWORD_EXPIRED`, …) when it failed. */
  readonly code?: string;
  /** One line, never a secret (the SSH adapter's messages name the node and the failure only). */
  readonly message?: string;
  /** What the MMP's `version` output says, when the probe command prints a version. */
  readonly version?: VersionVerdict;
}

/** The first x.y[.z] in the MMP's `version` output (its exact layout is not documented: any line will do). */
export function versionFromMmpOutput(stdout: string): VersionVerdict | undefined {
  const m = /\b(\d+\.\d+(?:\.\d+)*)\b/.exec(stdout);
  return m ? judgeCmsVersion(m[1] as string) : undefined;
}

export class MmpProbe {
  readonly #results = new Map<string, ProbeResult>();
  readonly #config: WbguardConfig;
  readonly #mmp: MmpClient;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #busy: () => boolean;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(config: WbguardConfig, mmp: MmpClient, now: () => number, busy: () => boolean, log?: Logger) {
    this.#config = config;
    this.#mmp = mmp;
    this.#now = now;
    this.#busy = busy;
    this.#log = log;
  }

  /** The latest result per Web Bridge. */
  results(): ProbeResult[] {
    return [...this.#results.values()];
  }

  failures(): Array<{ name: string; code: string; message: string }> {
    return this.results()
      .filter((r) => !r.ok)
      .map((r) => ({ name: r.name, code: r.code ?? 'unknown', message: r.message ?? '' }));
  }

  /** Probes every Web Bridge once, one at a time; skipped while a restart runs (it uses the same logins). */
  probeAll(): Promise<void> {
    if (this.#running) {
      return this.#running;
    }
    if (this.#busy()) {
      return Promise.resolve();
    }
    this.#running = (async () => {
      for (const wb of this.#config.webbridges) {
        if (this.#stop.signal.aborted) {
          return;
        }
        const at = new Date(this.#now()).toISOString();
        try {
          const r = await this.#mmp.exec(targetFor(this.#config, wb.name), this.#config.mmp.probeCommand, {
            commandTimeoutMs: this.#config.mmp.commandTimeoutMs,
            signal: this.#stop.signal,
          });
          const version = versionFromMmpOutput(r.stdout);
          this.#results.set(wb.name, { name: wb.name, ok: true, at, ...(version ? { version } : {}) });
          if (r.exitCode !== 0 && r.exitCode !== null) {
            this.#log?.warn({ node: wb.name, exitCode: r.exitCode }, 'MMP probe command exited non-zero');
          }
        } catch (err) {
          if (this.#stop.signal.aborted) {
            return;
          }
          const e = err as { code?: string; message?: string };
          const result = {
            name: wb.name,
            ok: false,
            at,
            code: typeof e.code === 'string' ? e.code : 'unknown',
            message: e.message ?? String(err),
          };
          this.#results.set(wb.name, result);
          this.#log?.warn({ node: wb.name, code: result.code, err: result.message }, 'MMP login probe failed');
        }
      }
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** First probe after `firstAfterMs`, then every mmp.probeEveryMs (0: never). */
  start(firstAfterMs = 10_000): void {
    const every = this.#config.mmp.probeEveryMs;
    if (every === 0 || this.#config.webbridges.length === 0) {
      return;
    }
    const run = () => {
      void this.probeAll().catch((err: Error) => this.#log?.error({ err: err.message }, 'MMP probe crashed'));
    };
    this.#timer = setTimeout(() => {
      run();
      this.#timer = setInterval(run, every);
    }, firstAfterMs);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
