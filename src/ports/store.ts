/**
 * @module ports/store
 * The daemon's state store: records received, and its events. SQLite (adapters/store/sqlite-store.ts) implements
 * it today; PostgreSQL follows the same contract (issue 10).
 */
import type { CmsRecord } from '../core/model.js';

export interface StoredEvent {
  readonly id: number;
  readonly at: string;
  readonly kind: string;
  readonly data: unknown;
}

export interface Store {
  /** Stores records; returns once they are durable (committed). */
  appendRecords(records: readonly CmsRecord[]): void;
  recordsSince(at: number): CmsRecord[];
  appendEvent(kind: string, data: unknown, at?: string): number;
  events(limit?: number): StoredEvent[];
  /** Deletes raw records older than `before`; returns how many. */
  prune(before: number): number;
  close(): void;
}
