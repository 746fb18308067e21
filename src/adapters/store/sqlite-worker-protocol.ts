/**
 * @module adapters/store/sqlite-worker-protocol
 * What the SQLite store's worker thread (sqlite-store-worker.ts) and its handle (sqlite-worker-store.ts) say to each
 * other: one call per message, answered in order, and records packed for the trip. Records go as numbers in one
 * Float64Array that is transferred, not copied, with host names once per batch and the rare payloads (a Call Bridge's
 * JSON, a restart's command and user) as objects: structured-cloning one object per record costs the sending thread
 * about as much as the insert it hands off (app/analyze/packed-batch.ts measured the same).
 */
import type { CallBridgeStatsRecord, CmsRecord, MmpRestartRecord } from '../../core/model.js';

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

/** Numbers per record: kind, at, host index, then three kind-specific fields. */
const STRIDE = 6;
const KINDS = ['webbridge-stats', 'callbridge-stats', 'mmp-restart', 'join-refused'] as const;

type Extra = Pick<CallBridgeStatsRecord, 'raw'> | Pick<MmpRestartRecord, 'command' | 'user'>;

export interface PackedRecords {
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly hosts: string[];
  readonly extras: Extra[];
}

export function packRecords(records: readonly CmsRecord[]): PackedRecords {
  const numbers = new Float64Array(records.length * STRIDE);
  const hostIndex = new Map<string, number>();
  const hosts: string[] = [];
  const extras: Extra[] = [];
  let o = 0;
  for (const r of records) {
    let h = hostIndex.get(r.host);
    if (h === undefined) {
      h = hosts.push(r.host) - 1;
      hostIndex.set(r.host, h);
    }
    numbers[o + 1] = r.at;
    numbers[o + 2] = h;
    switch (r.kind) {
      case 'webbridge-stats':
        numbers[o] = 0;
        numbers[o + 3] = r.active;
        numbers[o + 4] = r.connects;
        numbers[o + 5] = r.disconnects;
        break;
      case 'callbridge-stats':
        numbers[o] = 1;
        numbers[o + 3] = r.cma;
        numbers[o + 4] = r.cmaPeak;
        numbers[o + 5] = extras.push({ raw: r.raw }) - 1;
        break;
      case 'mmp-restart':
        numbers[o] = 2;
        numbers[o + 3] = extras.push({ command: r.command, user: r.user }) - 1;
        break;
      case 'join-refused':
        numbers[o] = 3;
        break;
    }
    o += STRIDE;
  }
  return { numbers, hosts, extras };
}

export function unpackRecords(p: PackedRecords): CmsRecord[] {
  const { numbers, hosts, extras } = p;
  const out: CmsRecord[] = [];
  for (let o = 0; o < numbers.length; o += STRIDE) {
    const at = numbers[o + 1] as number;
    const host = hosts[numbers[o + 2] as number] as string;
    switch (KINDS[numbers[o] as number]) {
      case 'webbridge-stats':
        out.push({
          kind: 'webbridge-stats',
          at,
          host,
          active: numbers[o + 3] as number,
          connects: numbers[o + 4] as number,
          disconnects: numbers[o + 5] as number,
        });
        break;
      case 'callbridge-stats': {
        const { raw } = extras[numbers[o + 5] as number] as Pick<CallBridgeStatsRecord, 'raw'>;
        out.push({
          kind: 'callbridge-stats',
          at,
          host,
          cma: numbers[o + 3] as number,
          cmaPeak: numbers[o + 4] as number,
          raw,
        });
        break;
      }
      case 'mmp-restart': {
        const { command, user } = extras[numbers[o + 3] as number] as Pick<MmpRestartRecord, 'command' | 'user'>;
        out.push({ kind: 'mmp-restart', at, host, command, user });
        break;
      }
      default:
        out.push({ kind: 'join-refused', at, host });
    }
  }
  return out;
}
