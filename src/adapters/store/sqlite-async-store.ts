/**
 * @module adapters/store/sqlite-async-store
 * The embedded SQLite store behind the async port (ports/async-store.ts), so the daemon can hold one `AsyncStore`
 * whatever `store:` says. It wraps the synchronous SqliteStore (same file, same schema, same dedup): better-sqlite3
 * answers synchronously, and each call settles as a promise, errors included.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CmsRecord } from '../../core/model.js';
import { InvalidStateError } from '../../errors.js';
import type { AsyncStore, MinuteKind, MinuteSeries, StoredEvent } from '../../ports/async-store.js';
import { eachInPages } from './record-rows.js';
import { sqliteStoreError } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';

export class SqliteAsyncStore implements AsyncStore {
  readonly kind = 'sqlite' as const;
  readonly #store: SqliteStore;
  #closed = false;

  /** Opens (creating if needed) and migrates the database file. @throws StoreError */
  constructor(path: string) {
    this.#store = new SqliteStore(path);
  }

  // A function, not a getter of the store, so every call after close() rejects the same way.
  async #use<T>(what: string, fn: (s: SqliteStore) => T): Promise<T> {
    if (this.#closed) {
      throw new InvalidStateError(`store closed, cannot ${what} [store:sqlite, path:${this.#store.path}]`);
    }
    try {
      return fn(this.#store);
    } catch (err) {
      // SQLite's own errors become coded errors naming the file (a full disk and a lock held elsewhere each have
      // their code and fix); a bad argument (RangeError, TypeError) stays what it is.
      throw /^SQLITE_/.test(String((err as { code?: unknown }).code))
        ? sqliteStoreError(err, this.#store.path, what)
        : err;
    }
  }

  async migrate(): Promise<number> {
    // The file was already migrated when opened; running the steps again is a no-op that reports the version.
    return this.#use('migrate', (s) => s.migrate());
  }

  schemaVersion(): Promise<number> {
    return this.#use('read the schema version', (s) => s.schemaVersion());
  }

  appendRecords(records: readonly CmsRecord[]): Promise<number> {
    return this.#use('append records', (s) => s.appendNewRecords(records));
  }

  recordsSince(at: number): Promise<CmsRecord[]> {
    return this.#use('read records', (s) => s.recordsSince(at));
  }

  /** In pages, yielding to the event loop between them, so a long replay does not stall sockets and timers. */
  async eachRecordSince(at: number, fn: (r: CmsRecord) => void): Promise<number> {
    return eachInPages(
      at,
      (after) => this.#use('read records', (s) => s.recordPage(after.at, after.id)),
      fn,
      yieldToLoop,
    );
  }

  minuteSeries(
    hosts: readonly string[],
    kind: MinuteKind,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<MinuteSeries[]> {
    return this.#use('read the minute series', (s) => s.minuteSeries(hosts, kind, from, to, bucketMs));
  }

  countRecords(): Promise<number> {
    return this.#use('count records', (s) => s.countRecords());
  }

  appendEvent(kind: string, data: unknown, at?: string): Promise<number> {
    return this.#use('append an event', (s) => s.appendEvent(kind, data, at));
  }

  events(limit?: number): Promise<StoredEvent[]> {
    return this.#use('read events', (s) => s.events(limit));
  }

  prune(before: number): Promise<number> {
    return this.#use('prune records', (s) => s.prune(before));
  }

  pruneMinutes(before: number): Promise<number> {
    return this.#use('prune the minute series', (s) => s.pruneMinutes(before));
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#store.close();
    }
  }
}
