/**
 * @module adapters/store/sqlite-store
 * The daemon's embedded store (better-sqlite3, WAL): every CMS record received, and the daemon's events. Writes
 * are batched in transactions and acknowledged only once committed, so a crash (even kill -9) loses nothing that
 * was acknowledged. Raw records are kept `retentionDays`; the store sits behind a small interface so PostgreSQL can
 * follow.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CmsRecord } from '../../core/model.js';
import { StoreError } from '../../errors.js';
import type { Store, StoredEvent } from '../../ports/store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (at INTEGER NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL, a REAL, b REAL, c REAL, extra TEXT);
CREATE INDEX IF NOT EXISTS records_at ON records (at);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

function toRow(r: CmsRecord): [number, string, string, number | null, number | null, number | null, string | null] {
  switch (r.kind) {
    case 'webbridge-stats':
      return [r.at, r.host, r.kind, r.active, r.connects, r.disconnects, null];
    case 'callbridge-stats':
      return [r.at, r.host, r.kind, r.cma, r.cmaPeak, null, JSON.stringify(r.raw)];
    case 'mmp-restart':
      return [r.at, r.host, r.kind, null, null, null, JSON.stringify({ command: r.command, user: r.user ?? null })];
    case 'join-refused':
      return [r.at, r.host, r.kind, null, null, null, null];
  }
}

function fromRow(row: {
  at: number;
  host: string;
  kind: string;
  a: number | null;
  b: number | null;
  c: number | null;
  extra: string | null;
}): CmsRecord | undefined {
  switch (row.kind) {
    case 'webbridge-stats':
      return {
        kind: 'webbridge-stats',
        at: row.at,
        host: row.host,
        active: row.a ?? 0,
        connects: row.b ?? 0,
        disconnects: row.c ?? 0,
      };
    case 'callbridge-stats':
      return {
        kind: 'callbridge-stats',
        at: row.at,
        host: row.host,
        cma: row.a ?? 0,
        cmaPeak: row.b ?? 0,
        raw: row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : {},
      };
    case 'mmp-restart': {
      const x = row.extra
        ? (JSON.parse(row.extra) as { command: 'webbridge restart' | 'webbridge3 restart'; user: string | null })
        : { command: 'webbridge restart' as const, user: null };
      return { kind: 'mmp-restart', at: row.at, host: row.host, command: x.command, user: x.user ?? undefined };
    }
    case 'join-refused':
      return { kind: 'join-refused', at: row.at, host: row.host };
    default:
      return undefined;
  }
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #insertMany: (records: readonly CmsRecord[]) => void;
  #closed = false;

  constructor(path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      this.#db = new Database(path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('busy_timeout = 2000');
      this.#db.exec(SCHEMA);
    } catch (err) {
      throw new StoreError(`cannot open the store [path:${path}]: ${(err as Error).message}`, { cause: err });
    }
    this.#insert = this.#db.prepare(
      'INSERT INTO records (at, host, kind, a, b, c, extra) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertMany = this.#db.transaction((records: readonly CmsRecord[]) => {
      for (const r of records) {
        this.#insert.run(...toRow(r));
      }
    });
  }

  /** Stores records in one transaction; returns once they are committed. */
  appendRecords(records: readonly CmsRecord[]): void {
    if (records.length > 0) {
      this.#insertMany(records);
    }
  }

  recordsSince(at: number): CmsRecord[] {
    const rows = this.#db
      .prepare('SELECT at, host, kind, a, b, c, extra FROM records WHERE at >= ? ORDER BY at, rowid')
      .all(at) as Parameters<typeof fromRow>[0][];
    return rows.map(fromRow).filter((r): r is CmsRecord => r !== undefined);
  }

  countRecords(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  }

  appendEvent(kind: string, data: unknown, at = new Date().toISOString()): number {
    return Number(
      this.#db.prepare('INSERT INTO events (at, kind, data) VALUES (?, ?, ?)').run(at, kind, JSON.stringify(data))
        .lastInsertRowid,
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

  /** Deletes raw records older than `before`. */
  prune(before: number): number {
    return this.#db.prepare('DELETE FROM records WHERE at < ?').run(before).changes;
  }

  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
  }
}
