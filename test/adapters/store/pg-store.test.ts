/**
 * What only the PostgreSQL store has: the password by reference (never in the URL, never in an error), login and
 * connection failures by code, migrations racing between instances, a newer schema refused, an older one migrated. Against a real
 * PostgreSQL on 127.0.0.1 (test/helpers/postgres.ts); TLS has its own file (pg-store-tls.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { createPgPool, pgPoolConfig } from '../../../src/adapters/store/pg-connection.js';
import { migratePg, PG_SCHEMA_VERSION } from '../../../src/adapters/store/pg-migrations.js';
import { PgStore } from '../../../src/adapters/store/pg-store.js';
import { recordKey, toRow } from '../../../src/adapters/store/record-rows.js';
import { Secret } from '../../../src/app/config/secrets.js';
import { freePort } from '../../helpers/free-port.js';
import { type Postgres, startPostgres } from '../../helpers/postgres.js';
import { AFTER, EXPECTED_AFTER, EXPECTED_CB, EXPECTED_WB, M, OLD_RECORDS, T0 } from './minute-migration-fixture.js';

let server: Postgres;

before(async () => {
  server = await startPostgres();
});

after(async () => {
  await server?.stop();
});

/** Everything an error could show a user or a log: message, hint, stack, cause chain, inspect output. */
function allText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { message?: unknown; hint?: unknown; stack?: unknown; cause?: unknown };
    parts.push(String(x.message), String(x.hint), String(x.stack));
    e = x.cause;
  }
  parts.push(inspect(err, { depth: 5 }), JSON.stringify(err));
  return parts.join('\n');
}

test('the password comes by reference: a wrong one fails with WBGUARD_ERR_STORE_CONNECT and is never shown', async () => {
  const wrong = 'not-the-Password-7f3a9c';
  const store = new PgStore({ url: server.url('postgres'), password: Secret.of(wrong) });
  try {
    const err = await store.migrate().then(
      () => assert.fail('logged in with a wrong password'),
      (e: unknown) => e,
    );
    assert.equal((err as { code?: string }).code, 'WBGUARD_ERR_STORE_CONNECT');
    assert.match((err as Error).message, /127\.0\.0\.1/);
    assert.match((err as Error).message, /28P01/, 'SQLSTATE invalid_password');
    const text = allText(err);
    assert.ok(!text.includes(wrong), 'the wrong password appears in the error');
    assert.ok(!text.includes(server.password), 'the real password appears in the error');
  } finally {
    await store.close();
  }
});

test('no password where the server asks for one: WBGUARD_ERR_STORE_CONNECT', async () => {
  const store = new PgStore({ url: server.url('postgres') });
  try {
    await assert.rejects(store.migrate(), { name: 'StoreError', code: 'WBGUARD_ERR_STORE_CONNECT' });
  } finally {
    await store.close();
  }
});

test('the right password logs in, and the pool options do not hold it', async () => {
  const secret = Secret.of(server.password);
  const { config } = pgPoolConfig({ url: server.url('postgres'), password: secret });
  assert.equal(typeof config.password, 'function');
  assert.ok(!JSON.stringify(config).includes(server.password));
  const database = await server.createDatabase();
  const store = new PgStore({ url: server.url(database), password: secret });
  try {
    assert.equal(await store.migrate(), PG_SCHEMA_VERSION);
  } finally {
    await store.close();
  }
});

test('a password in the URL is refused before any connection (WBGUARD_ERR_SECRET_PLAINTEXT)', () => {
  for (const url of [
    `postgres://postgres:hunter2@127.0.0.1:${server.port}/postgres`,
    `postgres://postgres@127.0.0.1:${server.port}/postgres?password=hunter2`,
  ]) {
    let caught: unknown;
    try {
      new PgStore({ url });
    } catch (err) {
      caught = err;
    }
    assert.equal((caught as { code?: string })?.code, 'WBGUARD_ERR_SECRET_PLAINTEXT', url.replace('hunter2', '…'));
    assert.ok(!allText(caught).includes('hunter2'));
  }
});

test('URLs that cannot be used are refused by name (WBGUARD_ERR_STORE_CONNECT)', () => {
  for (const url of [
    'mysql://u@127.0.0.1/db',
    'postgres://127.0.0.1/db',
    'postgres://u@127.0.0.1/db?sslmode=prefer',
    'postgres://u@127.0.0.1/db?connect_timeout=3',
    'postgres://u@%2Ftmp%2Fsock/db?sslmode=require',
  ]) {
    assert.throws(() => pgPoolConfig({ url }), { name: 'StoreError', code: 'WBGUARD_ERR_STORE_CONNECT' }, url);
  }
});

test('TLS defaults: verified on TCP, off on a Unix socket; sslmode and insecure change it', () => {
  const tls = (url: string, o: { insecure?: boolean; ca?: string } = {}) => pgPoolConfig({ url, ...o }).target.tls;
  assert.equal(tls('postgres://u@db.example/db'), 'verify-full');
  assert.equal(tls('postgres://u@db.example/db', { ca: 'PEM' }), 'verify-full');
  assert.equal(tls('postgres://u@db.example/db?sslmode=verify-ca'), 'verify-ca');
  assert.equal(tls('postgres://u@db.example/db?sslmode=require'), 'unverified');
  assert.equal(tls('postgres://u@db.example/db', { insecure: true }), 'unverified');
  assert.equal(tls('postgres://u@db.example/db?sslmode=disable'), 'off');
  assert.equal(tls('postgres://u@%2Fvar%2Frun%2Fpostgresql/db'), 'off');
  assert.equal(pgPoolConfig({ url: 'postgres://u@%2Fvar%2Frun%2Fpostgresql/db' }).config.host, '/var/run/postgresql');
  assert.equal(pgPoolConfig({ url: 'postgres://u@db.example/' }).config.database, 'u');
});

test('the default (TLS verified) against a server without TLS fails clearly rather than falling back', async () => {
  const store = new PgStore({
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    password: Secret.of(server.password),
  });
  try {
    await assert.rejects(store.migrate(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'WBGUARD_ERR_STORE_CONNECT');
      assert.match(err.message, /tls:verify-full/);
      return true;
    });
  } finally {
    await store.close();
  }
});

test('nothing listening: WBGUARD_ERR_STORE_CONNECT naming host and port', async () => {
  const port = await freePort();
  const store = new PgStore({
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    password: Secret.of('x'),
    connectTimeoutMs: 2000,
  });
  try {
    await assert.rejects(store.migrate(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'WBGUARD_ERR_STORE_CONNECT');
      assert.match(err.message, new RegExp(`port:${port}`));
      return true;
    });
  } finally {
    await store.close();
  }
});

test('instances migrating one new database at once: each step runs once, all agree on the version', async () => {
  const database = await server.createDatabase();
  const stores = Array.from(
    { length: 4 },
    () => new PgStore({ url: server.url(database), password: Secret.of(server.password) }),
  );
  try {
    const versions = await Promise.all(stores.map((s) => s.migrate()));
    assert.deepEqual(versions, [PG_SCHEMA_VERSION, PG_SCHEMA_VERSION, PG_SCHEMA_VERSION, PG_SCHEMA_VERSION]);
    const rows = await server.query<{ version: number }>(
      database,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('a database written by a newer wbguard is refused with WBGUARD_ERR_STORE_SCHEMA', async () => {
  const database = await server.createDatabase();
  const store = new PgStore({ url: server.url(database), password: Secret.of(server.password) });
  try {
    await store.migrate();
    await server.query(database, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [
      PG_SCHEMA_VERSION + 1,
    ]);
    await assert.rejects(store.migrate(), { name: 'StoreError', code: 'WBGUARD_ERR_STORE_SCHEMA' });
  } finally {
    await store.close();
  }
});

test('a version-2 database gets the per-minute table, filled from its raw rows; new appends fold into it', async () => {
  const database = await server.createDatabase();
  const { pool } = createPgPool({ url: server.url(database), password: Secret.of(server.password) });
  try {
    assert.equal(await migratePg(pool, 'test', 2), 2);
  } finally {
    await pool.end();
  }
  const tables = await server.query<{ t: string | null }>(database, "SELECT to_regclass('minutes')::text AS t");
  assert.equal(tables[0]?.t, null, 'version 2 has no minutes table');
  for (const r of OLD_RECORDS) {
    const row = toRow(r);
    await server.query(
      database,
      'INSERT INTO records (key, at, host, kind, a, b, c, extra) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [recordKey(row), row.at, row.host, row.kind, row.a, row.b, row.c, row.extra],
    );
  }
  const store = new PgStore({ url: server.url(database), password: Secret.of(server.password) });
  try {
    assert.equal(await store.migrate(), 3);
    assert.deepEqual(await store.minuteSeries(['cms1', 'cms2'], 'webbridge-stats', T0, T0 + 5 * M, M), EXPECTED_WB);
    assert.deepEqual(await store.minuteSeries(['cms1'], 'callbridge-stats', T0, T0 + 5 * M, M), EXPECTED_CB);
    assert.equal(await store.appendRecords([AFTER, ...OLD_RECORDS]), 1);
    assert.deepEqual(await store.minuteSeries(['cms1'], 'webbridge-stats', T0, T0 + 5 * M, M), [EXPECTED_AFTER]);
    const indexes = await server.query<{ name: string }>(
      database,
      "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'records' ORDER BY 1",
    );
    assert.deepEqual(
      indexes.map((i) => i.name),
      ['records_at_id', 'records_key_key', 'records_pkey'],
    );
  } finally {
    await store.close();
  }
});
