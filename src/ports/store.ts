/**
 * @module ports/store
 * The daemon's state store: records received, per-minute aggregates of the Stats counts, and its events. SQLite
 * (adapters/store/sqlite-store.ts) implements it today; PostgreSQL follows the same contract (ports/async-store.ts).
 *
 * Two retentions (issue 5: "raw for days, per-minute for months"): raw records are kept days (`prune`), because
 * the analysis replays them; the per-minute table is filled as records are appended and kept months
 * (`pruneMinutes`, typically `now - DEFAULT_MINUTE_RETENTION_MS`), because history charts need no more than a
 * minute's resolution. Deleting raw records never touches the minutes.
 */
import type { CmsRecord } from '../core/model.js';

export interface StoredEvent {
  readonly id: number;
  readonly at: string;
  readonly kind: string;
  readonly data: unknown;
}

/** The record kinds whose count is aggregated per minute: Web Bridge `active`, Call Bridge `cma`. */
export type MinuteKind = 'webbridge-stats' | 'callbridge-stats';

/** How long the per-minute table is meant to be kept (the daemon prunes it at `now - this`). */
export const DEFAULT_MINUTE_RETENTION_MS = 400 * 86_400_000;

/** The smallest bucket `minuteSeries` accepts: the table's own resolution. */
export const MIN_BUCKET_MS = 60_000;

/**
 * One host's series, one entry per bucket that holds at least one sample, by time. `t` is the bucket's start
 * (epoch ms, a multiple of the bucket size, so a window that slides keeps the same buckets); `max` the largest
 * count seen in it; `last` the count of its latest sample; `samples` how many records fed it (records stored once
 * each, duplicates excluded).
 */
export interface MinuteSeries {
  readonly host: string;
  readonly t: number[];
  readonly max: number[];
  readonly last: number[];
  readonly samples: number[];
}

export interface Store {
  /** Stores records; returns once they are durable (committed). */
  appendRecords(records: readonly CmsRecord[]): void;
  recordsSince(at: number): CmsRecord[];
  /**
   * As recordsSince, one record at a time, so a replay of the whole retention holds one row in memory rather than
   * millions. `fn` must not write to the store (the read is still open). Returns how many records were given.
   */
  eachRecordSince(at: number, fn: (r: CmsRecord) => void): number;
  /**
   * Per-minute history of `kind` for each of `hosts` (in that order, empty series for a host with no data), over
   * the minutes that overlap [from, to], aggregated to buckets of `bucketMs` (≥ MIN_BUCKET_MS).
   * @throws RangeError when bucketMs is below MIN_BUCKET_MS or not an integer
   */
  minuteSeries(hosts: readonly string[], kind: MinuteKind, from: number, to: number, bucketMs: number): MinuteSeries[];
  appendEvent(kind: string, data: unknown, at?: string): number;
  events(limit?: number): StoredEvent[];
  /** Deletes raw records older than `before`; returns how many. The per-minute table is kept. */
  prune(before: number): number;
  /** Deletes the per-minute rows of minutes that start before `before`; returns how many. */
  pruneMinutes(before: number): number;
  close(): void;
}
