/**
 * @module adapters/store/sqlite-store
 * The daemon's embedded store (better-sqlite3, WAL): every CMS record received, and the daemon's events. Writes
 * are batched in transactions and acknowledged only once committed, so a crash (even kill -9) loses nothing that
 * was acknowledged. Raw records are kept `retentionDays`; the store sits behind a small interface so PostgreSQL can
 * follow. The schema is migrated on open (sqlite-migrations.ts) and a record equal to one already stored is skipped
 * (a unique index on all its columns; PostgreSQL compares the dedup key of record-rows.ts: the same records are equal). Each batch also updates the per-minute
 * table (minute-rows.ts) from the records it added, in the same transaction, so the two never disagree.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CmsRecord } from '../../core/model.js';
import type { MinuteKind, MinuteSeries, Store, StoredEvent } from '../../ports/store.js';
import { checkBucket, MinuteBatch, type SeriesRow, seriesSql, toSeries } from './minute-rows.js';
import { fromRow, type RecordRow, toRow } from './record-rows.js';
import { sqliteStoreError } from './sqlite-errors.js';
import { migrateSqlite, sqliteSchemaVersion } from './sqlite-migrations.js';

// Unqualified columns in DO UPDATE are the stored row's; SET expressions all read the row as it was.
const UPSERT_MINUTE = `
INSERT INTO minutes (host, kind, minute, vmax, vlast, last_at, n) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (host, kind, minute) DO UPDATE SET
  vmax = max(vmax, excluded.vmax),
  vlast = CASE WHEN excluded.last_at >= last_at THEN excluded.vlast ELSE vlast END,
  last_at = max(last_at, excluded.last_at),
  n = n + excluded.n`;

const SERIES = seriesSql({
  bucket: '@bucket',
  kind: '@kind',
  hostFilter: 'host IN (SELECT value FROM json_each(@hosts))',
  from: '@from',
  to: '@to',
});

/** Rows per page when the async wrapper reads records in pages (eachRecordPage). */
const RECORD_PAGE_ROWS = 5_000;

const RECORD_PAGE =
  'SELECT rowid AS id, at, host, kind, a, b, c, extra FROM records WHERE at >= @at AND (at, rowid) > (@at, @id) ORDER BY at, rowid LIMIT @limit';

/**
 * A read-only connection that pages through the records as SqliteStore.recordPage does (a WAL reader: it never
 * blocks the writer). The worker store replays through one on the main thread: 5,000-row pages cloned over from the
 * worker made the 30-day replay slower (17–19 s against 11–13 s) and the daemon 15–35 MB larger.
 */
export class SqliteRecordReader {
  readonly #db: Database.Database;
  readonly #page: Database.Statement;

  constructor(path: string) {
    this.#db = new Database(path, { readonly: true, fileMustExist: true });
    this.#page = this.#db.prepare(RECORD_PAGE);
  }

  recordPage(afterAt: number, afterId: number, limit = RECORD_PAGE_ROWS): Array<RecordRow & { id: number }> {
    return this.#page.all({ at: afterAt, id: afterId, limit }) as Array<RecordRow & { id: number }>;
  }

  close(): void {
    this.#db.close();
  }
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #upsertMinute: Database.Statement;
  readonly #insertMany: (records: readonly CmsRecord[]) => number;
  readonly #path: string;
  #closed = false;

  constructor(path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      this.#db = new Database(path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('busy_timeout = 2000');
      // Checkpoint the WAL every ~40 MB rather than every 4 MB: appends rewrite the same last pages commit after
      // commit, and a checkpoint copies each once however often it changed (300k appends: 190k/s → 310k/s, medians of
      // 5 interleaved on a loaded machine). A commit is in the WAL either way, so a crash loses nothing committed.
      this.#db.pragma('wal_autocheckpoint = 10000');
      migrateSqlite(this.#db, path);
    } catch (err) {
      throw sqliteStoreError(err, path, 'opening the store');
    }
    this.#path = path;
    // OR IGNORE: the unique index on every column (sqlite-migrations.ts, version 4) makes appending the same record
    // twice a no-op.
    this.#insert = this.#db.prepare(
      'INSERT OR IGNORE INTO records (at, host, kind, a, b, c, extra) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#upsertMinute = this.#db.prepare(UPSERT_MINUTE);
    this.#insertMany = this.#db.transaction((records: readonly CmsRecord[]) => {
      let added = 0;
      const minutes = new MinuteBatch();
      for (const r of records) {
        const row = toRow(r);
        if (this.#insert.run(row.at, row.host, row.kind, row.a, row.b, row.c, row.extra).changes > 0) {
          added += 1;
          minutes.add(r);
        }
      }
      for (const m of minutes.rows()) {
        this.#upsertMinute.run(m.host, m.kind, m.minute, m.vmax, m.vlast, m.lastAt, m.n);
      }
      return added;
    });
  }

  /** Where the database file is (for error messages). */
  get path(): string {
    return this.#path;
  }

  /** Applies missing migrations (done on open too); returns the version. @throws StoreError */
  migrate(): number {
    return migrateSqlite(this.#db, this.#path);
  }

  /** The schema version in the file (migrated on open). */
  schemaVersion(): number {
    return sqliteSchemaVersion(this.#db);
  }

  /** Stores records in one transaction; returns once they are committed. Records already stored are skipped. */
  appendRecords(records: readonly CmsRecord[]): void {
    this.appendNewRecords(records);
  }

  /** As appendRecords, returning how many records were new. */
  appendNewRecords(records: readonly CmsRecord[]): number {
    return records.length > 0 ? this.#insertMany(records) : 0;
  }

  recordsSince(at: number): CmsRecord[] {
    const rows = this.#db
      .prepare('SELECT at, host, kind, a, b, c, extra FROM records WHERE at >= ? ORDER BY at, rowid')
      .all(at) as RecordRow[];
    return rows.map(fromRow).filter((r): r is CmsRecord => r !== undefined);
  }

  eachRecordSince(at: number, fn: (r: CmsRecord) => void): number {
    const rows = this.#db
      .prepare('SELECT at, host, kind, a, b, c, extra FROM records WHERE at >= ? ORDER BY at, rowid')
      .iterate(at) as IterableIterator<RecordRow>;
    let n = 0;
    for (const row of rows) {
      const r = fromRow(row);
      if (r) {
        n += 1;
        fn(r);
      }
    }
    return n;
  }

  /**
   * One page of records after `(afterAt, afterId)` in (at, rowid) order, for a reader that yields between pages
   * (the async wrapper): start at `(from, -1)`, continue from the last row's `at` and `id`. Keyset, not OFFSET,
   * so each page costs the same however deep the read is.
   */
  recordPage(afterAt: number, afterId: number, limit = RECORD_PAGE_ROWS): Array<RecordRow & { id: number }> {
    return this.#db.prepare(RECORD_PAGE).all({ at: afterAt, id: afterId, limit }) as Array<RecordRow & { id: number }>;
  }

  minuteSeries(hosts: readonly string[], kind: MinuteKind, from: number, to: number, bucketMs: number): MinuteSeries[] {
    checkBucket(bucketMs);
    const rows = this.#db
      .prepare(SERIES)
      .all({ bucket: bucketMs, kind, hosts: JSON.stringify(hosts), from, to }) as SeriesRow[];
    return toSeries(hosts, rows);
  }

  countRecords(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  }

  appendEvent(kind: string, data: unknown, at = new Date().toISOString()): number {
    return Number(
      this.#db
        .prepare('INSERT INTO events (at, kind, data) VALUES (?, ?, ?)')
        .run(at, kind, JSON.stringify(data) ?? 'null').lastInsertRowid,
    );
  }

  events(limit = 100): StoredEvent[] {
    return (
      this.#db.prepare('SELECT id, at, kind, data FROM events ORDER BY id DESC LIMIT ?').all(limit) as Array<{
        id: number;
        at: string;
        kind: string;
        data: string;
      }>
    ).map((e) => ({
      ...e,
      data: JSON.parse(e.data) as unknown,
    }));
  }

  /** Deletes raw records older than `before`; the per-minute table is kept. */
  prune(before: number): number {
    return this.#db.prepare('DELETE FROM records WHERE at < ?').run(before).changes;
  }

  pruneMinutes(before: number): number {
    return this.#db.prepare('DELETE FROM minutes WHERE minute < ?').run(before).changes;
  }

  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
  }
}
