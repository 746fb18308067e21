/**
 * @module app/daemon/api-poller
 * Polls each Call Bridge's CMS API for its real CMA legs (every `callbridges[].api.pollMs`), off the evaluation path:
 * a slow or hanging API delays only its own next count, never the daemon. The cluster's API count is usable as the
 * idle guard's evidence only when every Call Bridge has an API and all of them were counted recently.
 */

import { readFileSync } from 'node:fs';
import { type CmsApiClient, createCmsApiClient } from '../../adapters/cms-api/client.js';
import { judgeCmsVersion, type VersionVerdict } from '../../core/cms-version.js';
import type { Logger } from '../../ports/logger.js';
import type { WbguardConfig } from '../config/index.js';
import { apiFix } from './api-advice.js';

export interface ApiCount {
  readonly acano: number;
  readonly sip: number;
  readonly distributionLinks: number;
  readonly requests: number;
  readonly at: number;
}

export interface ApiView {
  readonly name: string;
  readonly count: ApiCount | undefined;
  readonly version: VersionVerdict | undefined;
  readonly error: { code: string; message: string } | undefined;
}

export class ApiPoller {
  readonly #clients = new Map<string, { client: CmsApiClient; pollMs: number; url: string }>();
  readonly #views = new Map<string, ApiView>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #allHaveApi: boolean;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  /** Since when each failing Call Bridge fails: its failure is logged once, and its recovery once. */
  readonly #failingSince = new Map<string, number>();

  constructor(config: WbguardConfig, now: () => number, log?: Logger) {
    this.#now = now;
    this.#log = log;
    this.#allHaveApi = config.callbridges.length > 0 && config.callbridges.every((c) => c.api);
    config.callbridges.forEach((cb, i) => {
      if (!cb.api) {
        return;
      }
      if (cb.api.insecure) {
        log?.warn({ callbridge: cb.name }, 'cms api TLS verification is off (callbridges[].api.insecure)');
      }
      const password = config.secrets.get(`callbridges.${i}.api.password`);
      const client = createCmsApiClient({
        url: cb.api.url,
        username: cb.api.username,
        password: () => password?.reveal() ?? '',
        ...(cb.api.ca ? { ca: readFileSync(cb.api.ca, 'utf8') } : {}),
        insecure: cb.api.insecure,
      });
      this.#clients.set(cb.name, { client, pollMs: cb.api.pollMs, url: cb.api.url });
      this.#views.set(cb.name, { name: cb.name, count: undefined, version: undefined, error: undefined });
    });
  }

  /** Counts every Call Bridge once now (awaitable: tests, start-up). */
  async pollAll(): Promise<void> {
    await Promise.all([...this.#clients.keys()].map((name) => this.#poll(name)));
  }

  async #poll(name: string): Promise<void> {
    const entry = this.#clients.get(name);
    if (!entry) {
      return;
    }
    const prev = this.#views.get(name);
    try {
      const version = prev?.version ?? judgeCmsVersion((await entry.client.systemStatus()).softwareVersion);
      const c = await entry.client.countCallLegs();
      this.#views.set(name, {
        name,
        count: {
          acano: c.acano,
          sip: c.sip,
          distributionLinks: c.distributionLinks,
          requests: c.requests,
          at: this.#now(),
        },
        version,
        error: undefined,
      });
      this.#logRecovery(name);
    } catch (err) {
      const e = err as { code?: string; message: string };
      const error = { code: e.code ?? 'WBGUARD_ERR_API_CONNECT', message: e.message };
      this.#views.set(name, { name, count: prev?.count, version: prev?.version, error });
      this.#logFailure(name, error, prev?.error, entry.url);
    }
  }

  /** Logged when a Call Bridge starts failing, or fails differently: not at every poll while it stays down. */
  #logFailure(
    name: string,
    error: { code: string; message: string },
    before: { code: string } | undefined,
    url: string,
  ): void {
    if (!this.#failingSince.has(name)) {
      this.#failingSince.set(name, this.#now());
    } else if (before?.code === error.code) {
      return;
    }
    this.#log?.warn(
      { callbridge: name, code: error.code, err: error.message, fix: apiFix(error.code, url) },
      'cms api poll failed; the API counts of this Call Bridge are not used until it answers',
    );
  }

  #logRecovery(name: string): void {
    const since = this.#failingSince.get(name);
    if (since === undefined) {
      return;
    }
    this.#failingSince.delete(name);
    this.#log?.info({ callbridge: name, failedForMs: this.#now() - since }, 'cms api poll recovered');
  }

  start(): void {
    for (const [name, { pollMs }] of this.#clients) {
      let busy = false;
      const tick = () => {
        if (busy) {
          return; // single flight: a hanging API does not pile up requests
        }
        busy = true;
        void this.#poll(name).finally(() => {
          busy = false;
        });
      };
      tick();
      this.#timers.push(setInterval(tick, pollMs));
    }
  }

  views(): ApiView[] {
    return [...this.#views.values()];
  }

  /** Σ real CMA legs over the cluster, when every Call Bridge has an API counted within `maxAgeMs`. */
  realSessions(maxAgeMs: number): { count: number; at: number } | undefined {
    if (!this.#allHaveApi) {
      return undefined;
    }
    const counts = this.views().map((v) => v.count);
    if (counts.some((c) => c === undefined || this.#now() - c.at > maxAgeMs)) {
      return undefined;
    }
    const defined = counts as ApiCount[];
    return { count: defined.reduce((a, c) => a + c.acano, 0), at: Math.min(...defined.map((c) => c.at)) };
  }

  async close(): Promise<void> {
    for (const t of this.#timers) {
      clearInterval(t);
    }
    await Promise.all([...this.#clients.values()].map((c) => c.client.close().catch(() => {})));
  }
}
