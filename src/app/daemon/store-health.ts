/**
 * @module app/daemon/store-health
 * Watches the store's writes for `wbguard run`. A store that refuses writes (disk full, a lock held by another
 * process, PostgreSQL away) must cost the guard neither its life nor its records: the live state keeps the refused
 * records in memory and offers them again (live-state.ts); this wrapper says what is wrong once (not at every
 * 50 ms commit), raises the `store-failed` condition, and spaces the attempts out (1 s doubling to 10 s) so that a
 * locked SQLite file — whose every attempt blocks the event loop for the 2 s busy timeout — does not stall the
 * syslog listeners. Reads go straight through.
 */
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';

export interface StoreFailure {
  /** The error's code (`WBGUARD_ERR_STORE_FULL`, `WBGUARD_ERR_STORE_LOCKED`, …). */
  readonly code: string;
  /** One line naming the store and what failed (never a secret: the adapters' messages hold none). */
  readonly message: string;
  /** Since when (ms since the epoch, the daemon's clock) writes fail. */
  readonly since: number;
  /** Writes refused since then (attempts, and writes refused without an attempt during the back-off). */
  readonly refused: number;
}

export interface StoreHealthOptions {
  readonly now: () => number;
  readonly log?: Logger;
  /** First wait after a refused write before the store is tried again; doubles up to `retryMaxMs`. @default 1000 */
  readonly retryFirstMs?: number;
  /** @default 10000 */
  readonly retryMaxMs?: number;
  /** A monotonic clock for the back-off (the wall clock may step). @default performance.now */
  readonly monotonic?: () => number;
}

export class StoreHealth {
  readonly #o: StoreHealthOptions;
  #failure: (StoreFailure & { err: Error }) | undefined;
  #retryAt = 0;
  #waitMs = 0;

  constructor(options: StoreHealthOptions) {
    this.#o = options;
  }

  /** The current failure, or undefined while writes succeed; with the caller's count of records held back. */
  failure(held?: {
    heldBack: number;
    lost: number;
  }): (StoreFailure & { heldBack?: number; lost?: number }) | undefined {
    if (!this.#failure) {
      return undefined;
    }
    const { err: _err, ...f } = this.#failure;
    return { ...f, ...held };
  }

  /** The store with its writes watched. */
  wrap(store: AsyncStore): AsyncStore {
    const write =
      <A extends unknown[], T>(fn: (...a: A) => Promise<T>) =>
      (...a: A): Promise<T> =>
        this.#write(() => fn.apply(store, a));
    return {
      kind: store.kind,
      migrate: () => store.migrate(),
      schemaVersion: () => store.schemaVersion(),
      appendRecords: write(store.appendRecords),
      recordsSince: (at) => store.recordsSince(at),
      eachRecordSince: (at, fn) => store.eachRecordSince(at, fn),
      minuteSeries: (hosts, kind, from, to, bucketMs) => store.minuteSeries(hosts, kind, from, to, bucketMs),
      countRecords: () => store.countRecords(),
      appendEvent: write(store.appendEvent),
      events: (limit) => store.events(limit),
      prune: write(store.prune),
      pruneMinutes: write(store.pruneMinutes),
      close: () => store.close(),
    };
  }

  async #write<T>(attempt: () => Promise<T>): Promise<T> {
    const mono = this.#o.monotonic ?? (() => performance.now());
    const f = this.#failure;
    if (f && mono() < this.#retryAt) {
      // Backing off: refused at once, the caller keeps what it wanted written (the live state does).
      this.#failure = { ...f, refused: f.refused + 1 };
      throw f.err;
    }
    try {
      const out = await attempt();
      if (f) {
        this.#failure = undefined;
        this.#waitMs = 0;
        this.#o.log?.info(
          { failedForMs: Math.max(0, this.#o.now() - f.since), refused: f.refused },
          'store takes writes again; the records held in memory are written',
        );
      }
      return out;
    } catch (err) {
      const e = err as Error & { code?: unknown; hint?: unknown };
      const code = typeof e.code === 'string' ? e.code : 'unknown';
      const max = this.#o.retryMaxMs ?? 10_000;
      this.#waitMs = this.#waitMs === 0 ? (this.#o.retryFirstMs ?? 1000) : Math.min(max, this.#waitMs * 2);
      this.#retryAt = mono() + this.#waitMs;
      if (!f || f.code !== code) {
        this.#o.log?.error(
          { err: e.message, code, ...(typeof e.hint === 'string' ? { hint: e.hint } : {}) },
          'store refused a write; records are held in memory and written when it takes them again',
        );
      }
      this.#failure = {
        code,
        message: e.message,
        since: f?.since ?? this.#o.now(),
        refused: (f?.refused ?? 0) + 1,
        err: e,
      };
      throw err;
    }
  }
}
