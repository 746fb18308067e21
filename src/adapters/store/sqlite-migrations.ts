/**
 * @module adapters/store/sqlite-migrations
 * The SQLite schema, one numbered step at a time, recorded in `schema_migrations`. Version 1 is the schema the
 * first daemon created without a version table (its statements are idempotent, so a database from before
 * versioning is taken up as it is); version 2 adds the dedup key, filling it for rows already there and dropping
 * their duplicates; version 3 adds the per-minute table (minute-rows.ts) and fills it from the raw rows kept; version 4
 * de-duplicates by the values themselves (a unique index on the columns, instant first, which also serves the range
 * reads) instead of the key text, which cost a second copy of every row in the table and in its index
 * (docs/benchmarks.md, syslog ingest). The steps run in one
 * IMMEDIATE transaction, so two processes opening the file at once cannot both migrate it.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import { fillMinutesSql } from './minute-rows.js';
import { fromRow, type RecordRow, recordKey, toRow } from './record-rows.js';

/**
 * What makes two rows the same record: every column. NULLs are mapped to a value of another type (`''` for the REAL
 * columns, an empty blob for the TEXT one), because a unique index holds any number of rows that differ only by NULLs.
 */
const SAME_COLUMNS = "at, host, kind, coalesce(a, ''), coalesce(b, ''), coalesce(c, ''), coalesce(extra, x'')";
const CREATE_RECORDS_SAME = `CREATE UNIQUE INDEX records_same ON records (${SAME_COLUMNS})`;

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, events, meta',
    up: (db) =>
      db.exec(`
CREATE TABLE IF NOT EXISTS records (at INTEGER NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL, a REAL, b REAL, c REAL, extra TEXT);
CREATE INDEX IF NOT EXISTS records_at ON records (at);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`),
  },
  {
    version: 2,
    name: 'record dedup key',
    up: (db) => {
      db.exec('ALTER TABLE records ADD COLUMN key TEXT');
      const rows = db.prepare('SELECT rowid AS id, at, host, kind, a, b, c, extra FROM records').iterate() as Iterable<
        RecordRow & { id: number }
      >;
      const set = db.prepare('UPDATE records SET key = ? WHERE rowid = ?');
      const updates: Array<[string, number]> = [];
      for (const row of rows) {
        // Through the record and back, so rows written before the key have the same canonical form as new ones.
        const record = fromRow(row);
        updates.push([recordKey(record ? toRow(record) : row), row.id]);
      }
      for (const [key, id] of updates) {
        set.run(key, id);
      }
      db.exec('DELETE FROM records WHERE rowid NOT IN (SELECT min(rowid) FROM records GROUP BY key)');
      db.exec('CREATE UNIQUE INDEX records_key ON records (key)');
    },
  },
  {
    version: 3,
    name: 'per-minute aggregates',
    up: (db) => {
      // WITHOUT ROWID: the key is the row's identity and the series query reads by it, so no second b-tree.
      db.exec(`
CREATE TABLE minutes (
  host TEXT NOT NULL, kind TEXT NOT NULL, minute INTEGER NOT NULL,
  vmax REAL NOT NULL, vlast REAL NOT NULL, last_at INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (host, kind, minute)
) WITHOUT ROWID;
CREATE INDEX minutes_minute ON minutes (minute);
`);
      db.exec(fillMinutesSql('rowid'));
    },
  },
  {
    version: 4,
    name: 'record dedup by value',
    up: (db) => {
      db.exec('DROP INDEX records_key');
      // Version 2 keyed rows by their canonical form but left an old writer's payload text as it was: rewrite those,
      // so a row and a new record of the same canonical form are equal column for column.
      const rows = db
        .prepare('SELECT rowid AS id, at, host, kind, a, b, c, extra FROM records WHERE extra IS NOT NULL')
        .iterate() as Iterable<RecordRow & { id: number }>;
      const updates: Array<[string | null, number]> = [];
      for (const row of rows) {
        const record = fromRow(row);
        const extra = record ? toRow(record).extra : row.extra;
        if (extra !== row.extra) {
          updates.push([extra, row.id]);
        }
      }
      const set = db.prepare('UPDATE records SET extra = ? WHERE rowid = ?');
      for (const [extra, id] of updates) {
        set.run(extra, id);
      }
      try {
        db.exec(CREATE_RECORDS_SAME);
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') {
          throw err;
        }
        // Equal keys meant equal values, so this should not happen; if it does, the first stored copy is kept.
        db.exec(`DELETE FROM records WHERE rowid NOT IN (SELECT min(rowid) FROM records GROUP BY ${SAME_COLUMNS})`);
        db.exec(CREATE_RECORDS_SAME);
      }
      // The key column stays (dropping it rewrites the whole table); new rows leave it NULL.
      // The new index leads with the instant, so it also serves the range reads and the pruning; the (at, rowid) order
      // is still what they return (ORDER BY at, rowid: SQLite sorts each instant's few rows by rowid).
      db.exec('DROP INDEX records_at');
    },
  },
];

/** The schema version this wbguard writes. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function sqliteSchemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) {
    return 0;
  }
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}

/**
 * Applies the missing steps (up to `upTo`: tests build an older file that way); returns the version in place.
 * @throws StoreError WBGUARD_ERR_STORE_SCHEMA when the file was written by a newer wbguard
 */
export function migrateSqlite(db: Database.Database, path: string, upTo = SQLITE_SCHEMA_VERSION): number {
  const run = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const current = sqliteSchemaVersion(db);
    if (current > SQLITE_SCHEMA_VERSION) {
      throw new StoreError(
        `the store was written by a newer wbguard [path:${path}, schema:${current}, supported:${SQLITE_SCHEMA_VERSION}]`,
        { code: 'WBGUARD_ERR_STORE_SCHEMA', hint: 'upgrade wbguard, or point store: at another database' },
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version > current && m.version <= upTo) {
        m.up(db);
        record.run(m.version, m.name, new Date().toISOString());
      }
    }
    return sqliteSchemaVersion(db);
  });
  return run.immediate();
}
