/**
 * @module adapters/store/sqlite-worker-protocol
 * What the SQLite store's worker thread (sqlite-store-worker.ts) and its handle (sqlite-worker-store.ts) say to each
 * other: one call per message, answered in order, and records packed for the trip. Records go as numbers in one
 * Float64Array that is transferred, not copied, with host names once per batch and the rare payloads (a Call Bridge's
 * JSON, a restart's command and user) as objects: structured-cloning one object per record costs the sending thread
 * about as much as the insert it hands off (core/packed-records.ts, shared with analyze's scan workers).
 */
export { type PackedRecords, packRecords, unpackRecords } from '../../core/packed-records.js';

/** The store operations the worker answers; `args` are the SqliteStore method's. */
export type StoreOp =
  | 'migrate'
  | 'schemaVersion'
  | 'appendRecords'
  | 'recordPage'
  | 'recordsSince'
  | 'minuteSeries'
  | 'countRecords'
  | 'appendEvent'
  | 'events'
  | 'prune'
  | 'pruneMinutes'
  | 'close';

export interface StoreCall {
  readonly id: number;
  readonly op: StoreOp;
  readonly args: readonly unknown[];
}

/** An error as it crosses the thread boundary: enough to rebuild the class callers match on. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly hint?: string;
}

export type FromStoreWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const { code, hint } = err as Error & { code?: unknown; hint?: unknown };
    return {
      name: err.name,
      message: err.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof hint === 'string' ? { hint } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}
