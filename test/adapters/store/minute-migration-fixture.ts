/**
 * A database as the schema before the per-minute table left it (version 2: records with their dedup key), and
 * what the migration that adds the table must make of it. Shared by the SQLite and PostgreSQL migration tests,
 * which insert these rows with plain SQL, in this order (the order breaks ties between equal instants).
 */
import type { CmsRecord, WebBridgeStatsRecord } from '../../../src/core/model.js';
import type { MinuteSeries } from '../../../src/ports/store.js';

export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const S = 1000;
export const M = 60_000;

function wb(at: number, host: string, active: number, connects = 5): WebBridgeStatsRecord {
  return { kind: 'webbridge-stats', at, host, active, connects, disconnects: 2 };
}

export const OLD_RECORDS: readonly CmsRecord[] = [
  wb(T0 + 10 * S, 'cms1', 9),
  wb(T0 + 50 * S, 'cms1', 3),
  // Same instant, another record, stored later: the minute's last.
  wb(T0 + 50 * S, 'cms1', 4, 6),
  // Stored later but earlier in time: not the last.
  wb(T0 + 5 * S, 'cms1', 2),
  wb(T0 + 70 * S, 'cms1', 6),
  { kind: 'callbridge-stats', at: T0 + 20 * S, host: 'cms1', cma: 11, cmaPeak: 11, raw: { CMA: '11/11' } },
  { kind: 'callbridge-stats', at: T0 + 80 * S, host: 'cms1', cma: 12, cmaPeak: 12, raw: { CMA: '12/12' } },
  { kind: 'join-refused', at: T0 + 30 * S, host: 'cms1' },
  { kind: 'mmp-restart', at: T0 + 40 * S, host: 'cms1', command: 'webbridge restart', user: 'admin' },
  wb(T0 + 30 * S, 'cms2', 1),
];

export const EXPECTED_WB: readonly MinuteSeries[] = [
  { host: 'cms1', t: [T0, T0 + M], max: [9, 6], last: [4, 6], samples: [4, 1] },
  { host: 'cms2', t: [T0], max: [1], last: [1], samples: [1] },
];

export const EXPECTED_CB: readonly MinuteSeries[] = [
  { host: 'cms1', t: [T0, T0 + M], max: [11, 12], last: [11, 12], samples: [1, 1] },
];

/** Appended after the migration: folds into the migrated minute 0 of cms1. */
export const AFTER: CmsRecord = wb(T0 + 55 * S, 'cms1', 20);
export const EXPECTED_AFTER: MinuteSeries = {
  host: 'cms1',
  t: [T0, T0 + M],
  max: [20, 6],
  last: [20, 6],
  samples: [5, 1],
};
