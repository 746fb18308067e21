/**
 * @module adapters/store/minute-rows
 * The per-minute table shared by the SQLite and PostgreSQL stores (ports/store.ts explains the two retentions):
 * one row per (host, kind, minute) for Web Bridge and Call Bridge Stats, with the largest count of the minute
 * (`vmax`), the count of its latest sample (`vlast`, at `last_at`; on equal instants the one stored later) and how
 * many records fed it (`n`). Rows are filled from the records a batch actually added, so a duplicate the dedup key
 * skipped never counts twice. The SQL here is the part both dialects accept; each store adds its own upsert.
 */
import type { CmsRecord } from '../../core/model.js';
import { MIN_BUCKET_MS, type MinuteKind, type MinuteSeries } from '../../ports/store.js';

export const MINUTE_MS = 60_000;

/** The start of the minute holding `at` (floor, also for instants before 1970). */
function minuteOf(at: number): number {
  return at - (((at % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

/** The same floor in SQL (integer arithmetic, both dialects), for a column or expression `x`. */
export function floorSql(x: string, size: string): string {
  return `(${x} - (((${x} % ${size}) + ${size}) % ${size}))`;
}

export interface MinuteRow {
  readonly host: string;
  readonly kind: MinuteKind;
  readonly minute: number;
  vmax: number;
  vlast: number;
  lastAt: number;
  n: number;
}

/**
 * Folds records, in the order they were stored, into one row per (host, kind, minute): a batch of 10-second
 * Stats then costs one upsert per node and minute rather than one per record.
 */
export class MinuteBatch {
  readonly #rows = new Map<string, MinuteRow>();

  add(r: CmsRecord): void {
    const value = r.kind === 'webbridge-stats' ? r.active : r.kind === 'callbridge-stats' ? r.cma : undefined;
    if (value === undefined) {
      return;
    }
    const minute = minuteOf(r.at);
    const key = `${r.kind}\u0000${r.host}\u0000${minute}`;
    const row = this.#rows.get(key);
    if (!row) {
      this.#rows.set(key, {
        host: r.host,
        kind: r.kind as MinuteKind,
        minute,
        vmax: value,
        vlast: value,
        lastAt: r.at,
        n: 1,
      });
      return;
    }
    row.vmax = Math.max(row.vmax, value);
    // `>=`: on equal instants the record stored later is the minute's last, as the upsert and the migration say.
    if (r.at >= row.lastAt) {
      row.vlast = value;
      row.lastAt = r.at;
    }
    row.n += 1;
  }

  rows(): IterableIterator<MinuteRow> {
    return this.#rows.values();
  }
}

/**
 * Fills the table from the records already stored (the migration that adds it). `id` is the column giving the
 * insertion order (SQLite's rowid, PostgreSQL's id), which breaks ties between equal instants.
 */
export function fillMinutesSql(id: string): string {
  return `
INSERT INTO minutes (host, kind, minute, vmax, vlast, last_at, n)
SELECT host, kind, minute, vmax, a, at, n FROM (
  SELECT host, kind, minute, a, at,
    row_number() OVER (PARTITION BY host, kind, minute ORDER BY at DESC, id DESC) AS rn,
    max(a) OVER (PARTITION BY host, kind, minute) AS vmax,
    count(*) OVER (PARTITION BY host, kind, minute) AS n
  FROM (
    SELECT ${id} AS id, host, kind, a, at, ${floorSql('at', String(MINUTE_MS))} AS minute
    FROM records WHERE kind IN ('webbridge-stats', 'callbridge-stats') AND a IS NOT NULL
  ) s
) w WHERE rn = 1`;
}

/**
 * The series query, placeholders given by the caller: the minutes of one kind and some hosts that overlap
 * [from, to], grouped into buckets aligned on multiples of the bucket size; a bucket's `last` is the `vlast` of its
 * latest minute, read by a scalar subquery on the primary key: one index probe per bucket in both dialects (joining
 * to a CTE made SQLite rescan it per bucket; a join to the table let PostgreSQL hash the whole table). The sum is cast because PostgreSQL
 * sums integers as numeric, which pg hands over as a string.
 */
export function seriesSql(p: { bucket: string; kind: string; hostFilter: string; from: string; to: string }): string {
  return `
WITH g AS (
  SELECT host, ${floorSql('minute', p.bucket)} AS t, max(vmax) AS vmax, max(minute) AS lm, CAST(sum(n) AS INTEGER) AS n
  FROM minutes
  WHERE kind = ${p.kind} AND ${p.hostFilter} AND minute > ${p.from} - ${MINUTE_MS} AND minute <= ${p.to}
  GROUP BY host, t
)
SELECT g.host AS host, g.t AS t, g.vmax AS vmax, g.n AS n,
  (SELECT l.vlast FROM minutes l WHERE l.host = g.host AND l.kind = ${p.kind} AND l.minute = g.lm) AS vlast
FROM g
ORDER BY g.host, g.t`;
}

export interface SeriesRow {
  readonly host: string;
  readonly t: number;
  readonly vmax: number;
  readonly vlast: number;
  readonly n: number;
}

/** @throws RangeError for a bucket finer than the table or not a whole number of milliseconds */
export function checkBucket(bucketMs: number): void {
  if (!Number.isSafeInteger(bucketMs) || bucketMs < MIN_BUCKET_MS) {
    throw new RangeError(`bucketMs must be an integer of at least ${MIN_BUCKET_MS} [bucketMs:${bucketMs}]`);
  }
}

/** Rows (ordered by host, t) into one series per requested host, in the caller's order. */
export function toSeries(hosts: readonly string[], rows: Iterable<SeriesRow>): MinuteSeries[] {
  const byHost = new Map<string, MinuteSeries>();
  for (const host of hosts) {
    byHost.set(host, { host, t: [], max: [], last: [], samples: [] });
  }
  for (const r of rows) {
    const s = byHost.get(r.host);
    if (s) {
      s.t.push(Number(r.t));
      s.max.push(Number(r.vmax));
      s.last.push(Number(r.vlast));
      s.samples.push(Number(r.n));
    }
  }
  // A host asked for twice gets the same series twice, as asked.
  return hosts.map((h) => byHost.get(h) as MinuteSeries);
}
