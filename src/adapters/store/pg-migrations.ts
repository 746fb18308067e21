/**
 * @module adapters/store/pg-migrations
 * The PostgreSQL schema, one numbered step at a time, recorded in `schema_migrations` as SQLite's is. The tables
 * and columns are SQLite's (records with the same dedup key, events, meta); `id` columns give records and events
 * their insertion order (SQLite's rowid). Version 2 adds what several instances share: the leader lease and the
 * restart locks; version 3 the per-minute table (minute-rows.ts), filled from the raw rows kept, and an index on
 * (at, id) that serves the replay's keyset pages and recordsSince's order. Steps run in one transaction under a transaction-scoped advisory lock, so instances starting
 * together migrate once and the others wait, then find nothing to do.
 */
import type pg from 'pg';
import { StoreError } from '../../errors.js';
import { fillMinutesSql } from './minute-rows.js';
import { inTransaction } from './pg-transaction.js';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, events, meta',
    sql: `
CREATE TABLE records (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL UNIQUE,
  at bigint NOT NULL,
  host text NOT NULL,
  kind text NOT NULL,
  a double precision,
  b double precision,
  c double precision,
  extra text
);
CREATE INDEX records_at ON records (at);
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at text NOT NULL,
  kind text NOT NULL,
  data text NOT NULL
);
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
`,
  },
  {
    version: 2,
    name: 'leader lease, restart locks',
    sql: `
CREATE TABLE leader_lease (
  name text PRIMARY KEY,
  holder text NOT NULL,
  token bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  renewed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE restart_locks (
  cluster text PRIMARY KEY,
  lock_id text NOT NULL,
  node text NOT NULL,
  holder text NOT NULL,
  token bigint NOT NULL,
  pid integer NOT NULL,
  host text NOT NULL,
  since timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'per-minute aggregates, records (at, id)',
    sql: `
CREATE TABLE minutes (
  host text NOT NULL,
  kind text NOT NULL,
  minute bigint NOT NULL,
  vmax double precision NOT NULL,
  vlast double precision NOT NULL,
  last_at bigint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (host, kind, minute)
);
CREATE INDEX minutes_minute ON minutes (minute);
${fillMinutesSql('id')};
CREATE INDEX records_at_id ON records (at, id);
DROP INDEX records_at;
`,
  },
];

/** The schema version this wbguard writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

// Any fixed 64-bit number, the same in every wbguard: the advisory lock that serialises migrations.
const MIGRATION_LOCK_KEY = 0x77_62_67_75_61_72_64n; // "wbguard"

export async function pgSchemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) {
    return 0;
  }
  const r = await db.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/**
 * Applies the missing steps (up to `upTo`: tests build an older database that way); resolves with the version in
 * place.
 * @throws StoreError WBGUARD_ERR_STORE_SCHEMA when the database was written by a newer wbguard
 */
export function migratePg(pool: pg.Pool, where: string, upTo = PG_SCHEMA_VERSION): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const current = await pgSchemaVersion(client);
    if (current > PG_SCHEMA_VERSION) {
      throw new StoreError(
        `the store was written by a newer wbguard [${where}, schema:${current}, supported:${PG_SCHEMA_VERSION}]`,
        { code: 'WBGUARD_ERR_STORE_SCHEMA', hint: 'upgrade wbguard, or point store: at another database' },
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version > current && m.version <= upTo) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
    }
    return pgSchemaVersion(client);
  });
}
