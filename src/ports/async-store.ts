/**
 * @module ports/async-store
 * The state store as several wbguard instances can share it: the operations of `ports/store.ts`, returning
 * promises (a network database cannot answer synchronously), plus what sharing needs — idempotent record appends
 * (the same syslog stream sent to two instances is stored once) and versioned migrations. SQLite
 * (adapters/store/sqlite-async-store.ts) and PostgreSQL (adapters/store/pg-store.ts) implement it and pass the same
 * contract suite (test/adapters/store/store-contract.ts).
 */
import type { CmsRecord } from '../core/model.js';
import type { MinuteKind, MinuteSeries, StoredEvent } from './store.js';

export type { MinuteKind, MinuteSeries, StoredEvent } from './store.js';

export interface AsyncStore {
  /** `sqlite` or `postgres`: for logs and the status page. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Brings the schema to this version of wbguard (idempotent, safe when several instances start at once) and
   * returns the version now in place.
   * @throws StoreError WBGUARD_ERR_STORE_SCHEMA when the database was written by a newer wbguard
   */
  migrate(): Promise<number>;
  /** The schema version recorded in the database (0 before the first migration). */
  schemaVersion(): Promise<number>;
  /**
   * Stores records in one transaction and resolves once committed. A record equal to one already stored (same
   * instant, host, kind and values) is skipped. Resolves with how many were new.
   */
  appendRecords(records: readonly CmsRecord[]): Promise<number>;
  /** Records with `at >= at`, by instant, ties in the order they were first stored. */
  recordsSince(at: number): Promise<CmsRecord[]>;
  /**
   * As recordsSince, one record at a time, read in bounded pages so memory stays flat whatever the retention.
   * Resolves with how many records were given. Records another instance commits while the read runs may be missed
   * (the live stream carries them).
   */
  eachRecordSince(at: number, fn: (r: CmsRecord) => void): Promise<number>;
  /** As `Store.minuteSeries` (ports/store.ts). @throws RangeError when bucketMs is below a minute */
  minuteSeries(
    hosts: readonly string[],
    kind: MinuteKind,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<MinuteSeries[]>;
  countRecords(): Promise<number>;
  /** Appends an event; resolves with its id (increasing). `at` defaults to now (ISO-8601). */
  appendEvent(kind: string, data: unknown, at?: string): Promise<number>;
  /** The latest events, newest first. @default limit 100 */
  events(limit?: number): Promise<StoredEvent[]>;
  /** Deletes raw records older than `before`; resolves with how many. The per-minute table is kept. */
  prune(before: number): Promise<number>;
  /** Deletes the per-minute rows of minutes that start before `before`; resolves with how many. */
  pruneMinutes(before: number): Promise<number>;
  /** Idempotent; later calls on the store reject with WBGUARD_ERR_INVALID_STATE. */
  close(): Promise<void>;
}
