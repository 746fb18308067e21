/**
 * @module adapters/store/pg-store
 * The PostgreSQL store, for several wbguard instances sharing one state: the same tables, dedup key and behaviour
 * as SQLite (ports/async-store.ts, checked by the same contract suite). Records go in with one `unnest` statement
 * per chunk, inside one transaction, and `ON CONFLICT DO NOTHING` on the dedup key stores a record sent to two
 * instances once. A deadlock between two instances inserting overlapping batches is retried, a bounded number of
 * times.
 */
import type pg from 'pg';
import type { CmsRecord } from '../../core/model.js';
import { InvalidStateError } from '../../errors.js';
import type { AsyncStore, StoredEvent } from '../../ports/async-store.js';
import { createPgPool, type PgConnectionOptions, type PgTarget, storeError } from './pg-connection.js';
import { migratePg, pgSchemaVersion } from './pg-migrations.js';
import { inTransaction } from './pg-transaction.js';
import { fromRow, type RecordRow, recordKey, toRow } from './record-rows.js';

/** Rows per INSERT: bounds the size of one statement's arrays. */
const CHUNK_ROWS = 5_000;
/** SQLSTATE deadlock_detected and serialization_failure: another instance won the race; trying again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

const INSERT_RECORDS = `
INSERT INTO records (key, at, host, kind, a, b, c, extra)
SELECT key, at, host, kind, a, b, c, extra
FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::text[])
  WITH ORDINALITY AS u(key, at, host, kind, a, b, c, extra, ord)
ORDER BY ord
ON CONFLICT (key) DO NOTHING`;

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
      const r = await client.query(INSERT_RECORDS, [
        chunk.map(recordKey),
        chunk.map((x) => x.at),
        chunk.map((x) => x.host),
        chunk.map((x) => x.kind),
        chunk.map((x) => x.a),
        chunk.map((x) => x.b),
        chunk.map((x) => x.c),
        chunk.map((x) => x.extra),
      ]);
      added += r.rowCount ?? 0;
    }
    return added;
  });
}
