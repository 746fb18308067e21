/**
 * @module adapters/store/pg-store
 * The PostgreSQL store, for several wbguard instances sharing one state: the same tables, dedup key and behaviour
 * as SQLite (ports/async-store.ts, checked by the same contract suite). Records go in with one `unnest` statement
 * per chunk, inside one transaction, and `ON CONFLICT DO NOTHING` on the dedup key stores a record sent to two
 * instances once. The same statement folds the records it added (RETURNING, so never a skipped duplicate) into the
 * per-minute table (minute-rows.ts). A deadlock between two instances inserting overlapping batches is retried, a
 * bounded number of times. The replay reads in keyset pages so memory stays flat.
 */
import type pg from 'pg';
import type { CmsRecord } from '../../core/model.js';
import { InvalidStateError } from '../../errors.js';
import type { AsyncStore, MinuteKind, MinuteSeries, StoredEvent } from '../../ports/async-store.js';
import { checkBucket, floorSql, MINUTE_MS, type SeriesRow, toSeries } from './minute-rows.js';
import { createPgPool, type PgConnectionOptions, type PgTarget, storeError } from './pg-connection.js';
import { migratePg, pgSchemaVersion } from './pg-migrations.js';
import { inTransaction } from './pg-transaction.js';
import { eachInPages, fromRow, type RecordRow, recordKey, toRow } from './record-rows.js';

/** Rows per INSERT: bounds the size of one statement's arrays. */
const CHUNK_ROWS = 5_000;
/** SQLSTATE deadlock_detected and serialization_failure: another instance won the race; trying again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

/** Rows per page of the replay (eachRecordSince). */
const PAGE_ROWS = 5_000;

// One statement: the records, then one upsert per (host, kind, minute) of those actually added. The minute rows
// are upserted in key order so two instances lock them in the same order (fewer deadlocks to retry). On equal
// instants the record stored later (higher id) is the minute's last, as in SQLite.
const INSERT_RECORDS = `
WITH ins AS (
  INSERT INTO records (key, at, host, kind, a, b, c, extra)
  SELECT key, at, host, kind, a, b, c, extra
  FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::text[])
    WITH ORDINALITY AS u(key, at, host, kind, a, b, c, extra, ord)
  ORDER BY ord
  ON CONFLICT (key) DO NOTHING
  RETURNING id, at, host, kind, a
), m AS (
  SELECT DISTINCT ON (host, kind, minute) host, kind, minute, a AS vlast, at AS last_at,
    max(a) OVER w AS vmax, count(*) OVER w AS n
  FROM (
    SELECT id, at, host, kind, a, ${floorSql('at', String(MINUTE_MS))} AS minute FROM ins
    WHERE kind IN ('webbridge-stats', 'callbridge-stats') AND a IS NOT NULL
  ) r
  WINDOW w AS (PARTITION BY host, kind, minute)
  ORDER BY host, kind, minute, at DESC, id DESC
), up AS (
  INSERT INTO minutes AS o (host, kind, minute, vmax, vlast, last_at, n)
  SELECT host, kind, minute, vmax, vlast, last_at, n FROM m ORDER BY host, kind, minute
  ON CONFLICT (host, kind, minute) DO UPDATE SET
    vmax = greatest(o.vmax, excluded.vmax),
    vlast = CASE WHEN excluded.last_at >= o.last_at THEN excluded.vlast ELSE o.vlast END,
    last_at = greatest(o.last_at, excluded.last_at),
    n = o.n + excluded.n
)
SELECT count(*)::int AS added FROM ins`;

// The shared series query (minute-rows.ts), with each host's minutes read by its own range of the primary key
// (LATERAL): with `host = ANY(…)` over one big minute table PostgreSQL misjudged the share of rows and scanned all
// of them in parallel — 2 s for one cluster's 30 days among 50 clusters; 0.2 s this way (docs/benchmarks.md).
const SERIES = `
WITH g AS (
  SELECT h.host AS host, s.t AS t, s.vmax AS vmax, s.lm AS lm, s.n AS n
  FROM unnest($3::text[]) AS h(host)
  CROSS JOIN LATERAL (
    SELECT ${floorSql('minute', '$1::int8')} AS t, max(vmax) AS vmax, max(minute) AS lm, CAST(sum(n) AS INTEGER) AS n
    FROM minutes
    WHERE host = h.host AND kind = $2 AND minute > $4::int8 - ${MINUTE_MS} AND minute <= $5::int8
    GROUP BY 1
  ) s
)
SELECT g.host AS host, g.t AS t, g.vmax AS vmax, g.n AS n,
  (SELECT l.vlast FROM minutes l WHERE l.host = g.host AND l.kind = $2 AND l.minute = g.lm) AS vlast
FROM g
ORDER BY g.host, g.t`;

// Keyset: after the last (at, id) given; the index on (at, id) serves both the filter and the order.
const RECORD_PAGE =
  'SELECT id, at, host, kind, a, b, c, extra FROM records WHERE at >= $1 AND (at, id) > ($1, $2) ORDER BY at, id LIMIT $3';

export type PgStoreOptions = PgConnectionOptions;

export class PgStore implements AsyncStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #target: PgTarget;
  #closed = false;

  /**
   * Builds the pool; connects lazily (the first call, usually `migrate()`, finds out whether the server answers).
   * @throws SecretError WBGUARD_ERR_SECRET_PLAINTEXT when the URL carries a password
   * @throws StoreError WBGUARD_ERR_STORE_CONNECT when the URL cannot be used
   */
  constructor(options: PgStoreOptions) {
    const { pool, target } = createPgPool(options);
    this.#pool = pool;
    this.#target = target;
  }

  /** Where the store is, without a password: for logs and status. */
  get target(): PgTarget {
    return this.#target;
  }

  async #run<T>(what: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new InvalidStateError(`store closed, cannot ${what} [store:postgres, host:${this.#target.host}]`);
    }
    try {
      return await fn(this.#pool);
    } catch (err) {
      throw storeError(err, what, this.#target);
    }
  }

  migrate(): Promise<number> {
    return this.#run('migrate', (pool) =>
      migratePg(pool, `store:postgres, host:${this.#target.host}, db:${this.#target.database}`),
    );
  }

  schemaVersion(): Promise<number> {
    return this.#run('read the schema version', (pool) => pgSchemaVersion(pool));
  }

  appendRecords(records: readonly CmsRecord[]): Promise<number> {
    return this.#run('append records', async (pool) => {
      if (records.length === 0) {
        return 0;
      }
      const rows = records.map(toRow);
      for (let attempt = 1; ; attempt++) {
        try {
          return await insertRows(pool, rows);
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) {
            throw err;
          }
        }
      }
    });
  }

  recordsSince(at: number): Promise<CmsRecord[]> {
    return this.#run('read records', async (pool) => {
      const r = await pool.query<RecordRow>(
        'SELECT at, host, kind, a, b, c, extra FROM records WHERE at >= $1 ORDER BY at, id',
        [at],
      );
      return r.rows.map(fromRow).filter((x): x is CmsRecord => x !== undefined);
    });
  }

  async eachRecordSince(at: number, fn: (r: CmsRecord) => void): Promise<number> {
    return eachInPages(
      at,
      (after) =>
        this.#run('read records', async (pool) => {
          const r = await pool.query<RecordRow & { id: number }>(RECORD_PAGE, [after.at, after.id, PAGE_ROWS]);
          return r.rows;
        }),
      fn,
    );
  }

  async minuteSeries(
    hosts: readonly string[],
    kind: MinuteKind,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<MinuteSeries[]> {
    checkBucket(bucketMs);
    return this.#run('read the minute series', async (pool) => {
      const r = await pool.query<SeriesRow>(SERIES, [bucketMs, kind, hosts, from, to]);
      return toSeries(hosts, r.rows);
    });
  }

  countRecords(): Promise<number> {
    return this.#run('count records', async (pool) => {
      const r = await pool.query<{ n: number }>('SELECT count(*) AS n FROM records');
      return r.rows[0]?.n ?? 0;
    });
  }

  appendEvent(kind: string, data: unknown, at = new Date().toISOString()): Promise<number> {
    return this.#run('append an event', async (pool) => {
      const r = await pool.query<{ id: number }>(
        'INSERT INTO events (at, kind, data) VALUES ($1, $2, $3) RETURNING id',
        [at, kind, JSON.stringify(data) ?? 'null'],
      );
      return r.rows[0]?.id ?? 0;
    });
  }

  events(limit = 100): Promise<StoredEvent[]> {
    return this.#run('read events', async (pool) => {
      const r = await pool.query<{ id: number; at: string; kind: string; data: string }>(
        'SELECT id, at, kind, data FROM events ORDER BY id DESC LIMIT $1',
        [limit],
      );
      return r.rows.map((e) => ({ ...e, data: JSON.parse(e.data) as unknown }));
    });
  }

  prune(before: number): Promise<number> {
    return this.#run('prune records', async (pool) => {
      const r = await pool.query('DELETE FROM records WHERE at < $1', [before]);
      return r.rowCount ?? 0;
    });
  }

  pruneMinutes(before: number): Promise<number> {
    return this.#run('prune the minute series', async (pool) => {
      const r = await pool.query('DELETE FROM minutes WHERE minute < $1', [before]);
      return r.rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#pool.end();
    }
  }
}

/** One transaction: every chunk is committed, or none. Resolves with how many rows were new. */
function insertRows(pool: pg.Pool, rows: readonly RecordRow[]): Promise<number> {
  return inTransaction(pool, async (client) => {
    let added = 0;
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const chunk = rows.slice(i, i + CHUNK_ROWS);
      const r = await client.query<{ added: number }>(INSERT_RECORDS, [
        chunk.map(recordKey),
        chunk.map((x) => x.at),
        chunk.map((x) => x.host),
        chunk.map((x) => x.kind),
        chunk.map((x) => x.a),
        chunk.map((x) => x.b),
        chunk.map((x) => x.c),
        chunk.map((x) => x.extra),
      ]);
      added += r.rows[0]?.added ?? 0;
    }
    return added;
  });
}
