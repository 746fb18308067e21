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
  readonly #clients = new Map<string, { client: CmsApiClient; pollMs: number }>();
  readonly #views = new Map<string, ApiView>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #allHaveApi: boolean;
  readonly #now: () => number;

  constructor(config: WbguardConfig, now: () => number, log?: Logger) {
    this.#now = now;
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
      this.#clients.set(cb.name, { client, pollMs: cb.api.pollMs });
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
    } catch (err) {
      const e = err as { code?: string; message: string };
      this.#views.set(name, {
        name,
        count: prev?.count,
        version: prev?.version,
        error: { code: e.code ?? 'WBGUARD_ERR_API_CONNECT', message: e.message },
      });
    }
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
