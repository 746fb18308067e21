/**
 * SQLite schema versions: a database written before versioning (no schema_migrations, no dedup key, duplicate
 * rows) is taken up, keyed and de-duplicated without losing a distinct record; a database from a newer wbguard is
 * refused by code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { recordKey, toRow } from '../../../src/adapters/store/record-rows.js';
import { SqliteAsyncStore } from '../../../src/adapters/store/sqlite-async-store.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/adapters/store/sqlite-migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqlite-store.js';
import { AFTER, EXPECTED_AFTER, EXPECTED_CB, EXPECTED_WB, M, OLD_RECORDS, T0 } from './minute-migration-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-sqlite-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The first daemon's schema, verbatim.
const LEGACY = `
CREATE TABLE IF NOT EXISTS records (at INTEGER NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL, a REAL, b REAL, c REAL, extra TEXT);
CREATE INDEX IF NOT EXISTS records_at ON records (at);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

test('a database from before versioning is migrated: keyed, duplicates dropped, distinct rows and events kept', async () => {
  const path = join(dir, 'legacy.db');
  const raw = new Database(path);
  raw.exec(LEGACY);
  const insert = raw.prepare('INSERT INTO records (at, host, kind, a, b, c, extra) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insert.run(1000, 'cms1', 'webbridge-stats', 5, 1, 0, null);
  insert.run(1000, 'cms1', 'webbridge-stats', 5, 1, 0, null); // duplicate
  insert.run(1000, 'cms2', 'webbridge-stats', 5, 1, 0, null);
  // The old writer kept the payload's key order; the same payload in another order is the same record.
  insert.run(2000, 'cms3', 'callbridge-stats', 2, 4, null, '{"legs":1,"CMA":"2/4"}');
  insert.run(2000, 'cms3', 'callbridge-stats', 2, 4, null, '{"CMA":"2/4","legs":1}');
  raw.prepare('INSERT INTO events (at, kind, data) VALUES (?, ?, ?)').run('T1', 'old', '{"n":1}');
  raw.close();

  const store = new SqliteAsyncStore(path);
  try {
    assert.equal(await store.schemaVersion(), SQLITE_SCHEMA_VERSION);
    assert.equal(await store.countRecords(), 3);
    assert.deepEqual(
      (await store.recordsSince(0)).map((r) => `${r.at} ${r.host}`),
      ['1000 cms1', '1000 cms2', '2000 cms3'],
    );
    assert.deepEqual(await store.events(), [{ id: 1, at: 'T1', kind: 'old', data: { n: 1 } }]);
    // The per-minute table is filled from the de-duplicated rows: the duplicate counts once.
    assert.deepEqual(await store.minuteSeries(['cms1', 'cms2'], 'webbridge-stats', 0, 60_000, 60_000), [
      { host: 'cms1', t: [0], max: [5], last: [5], samples: [1] },
      { host: 'cms2', t: [0], max: [5], last: [5], samples: [1] },
    ]);
    assert.deepEqual(await store.minuteSeries(['cms3'], 'callbridge-stats', 0, 60_000, 60_000), [
      { host: 'cms3', t: [0], max: [2], last: [2], samples: [1] },
    ]);
    // The key now guards new appends too.
    assert.equal(
      await store.appendRecords([
        { kind: 'callbridge-stats', at: 2000, host: 'cms3', cma: 2, cmaPeak: 4, raw: { CMA: '2/4', legs: 1 } },
      ]),
      0,
    );
  } finally {
    await store.close();
  }
});

test('a version-2 file gets the per-minute table, filled from its raw rows; new appends fold into it', async () => {
  const path = join(dir, 'v2.db');
  const raw = new Database(path);
  assert.equal(migrateSqlite(raw, path, 2), 2);
  const tables = raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'minutes'").get() as { n: number };
  assert.equal(tables.n, 0, 'version 2 has no minutes table');
  const insert = raw.prepare(
    'INSERT INTO records (key, at, host, kind, a, b, c, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of OLD_RECORDS) {
    const row = toRow(r);
    insert.run(recordKey(row), row.at, row.host, row.kind, row.a, row.b, row.c, row.extra);
  }
  raw.close();

  const store = new SqliteAsyncStore(path);
  try {
    assert.equal(await store.schemaVersion(), SQLITE_SCHEMA_VERSION);
    assert.deepEqual(await store.minuteSeries(['cms1', 'cms2'], 'webbridge-stats', T0, T0 + 5 * M, M), EXPECTED_WB);
    assert.deepEqual(await store.minuteSeries(['cms1'], 'callbridge-stats', T0, T0 + 5 * M, M), EXPECTED_CB);
    assert.equal(await store.appendRecords([AFTER, ...OLD_RECORDS]), 1);
    assert.deepEqual(await store.minuteSeries(['cms1'], 'webbridge-stats', T0, T0 + 5 * M, M), [EXPECTED_AFTER]);
  } finally {
    await store.close();
  }
});

test('a version-3 file is de-duplicated by value: its rows, order and keys kept, a payload in an old key order rewritten', async () => {
  const path = join(dir, 'v3.db');
  const raw = new Database(path);
  assert.equal(migrateSqlite(raw, path, 3), 3);
  const insert = raw.prepare(
    'INSERT INTO records (key, at, host, kind, a, b, c, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const rows = [
    toRow({ kind: 'webbridge-stats', at: 1000, host: 'cms2', active: 5, connects: 1, disconnects: 0 }),
    toRow({ kind: 'webbridge-stats', at: 1000, host: 'cms1', active: 5, connects: 1, disconnects: 0 }),
    toRow({ kind: 'join-refused', at: 1500, host: 'cms1' }),
    toRow({ kind: 'mmp-restart', at: 1600, host: 'cms1', command: 'webbridge restart', user: undefined }),
  ];
  for (const row of rows) {
    insert.run(recordKey(row), row.at, row.host, row.kind, row.a, row.b, row.c, row.extra);
  }
  // Keyed in canonical form by version 2, its text as the old writer left it.
  const cb = toRow({
    kind: 'callbridge-stats',
    at: 2000,
    host: 'cms3',
    cma: 2,
    cmaPeak: 4,
    raw: { legs: 1, CMA: '2/4' },
  });
  insert.run(recordKey(cb), cb.at, cb.host, cb.kind, cb.a, cb.b, cb.c, '{"legs":1,"CMA":"2/4"}');
  // Equal values under another key (no wbguard wrote this; the step must still finish): the first copy is kept.
  const again = rows[1] as (typeof rows)[number];
  insert.run('not-a-key', again.at, again.host, again.kind, again.a, again.b, again.c, again.extra);
  raw.close();

  const store = new SqliteAsyncStore(path);
  try {
    assert.equal(await store.schemaVersion(), 4);
    assert.deepEqual(
      (await store.recordsSince(0)).map((r) => `${r.at} ${r.host} ${r.kind}`),
      [
        '1000 cms2 webbridge-stats',
        '1000 cms1 webbridge-stats',
        '1500 cms1 join-refused',
        '1600 cms1 mmp-restart',
        '2000 cms3 callbridge-stats',
      ],
    );
    // Each stored record again, whatever its NULL columns: none is new; a changed value is.
    assert.equal(
      await store.appendRecords([
        { kind: 'webbridge-stats', at: 1000, host: 'cms1', active: 5, connects: 1, disconnects: 0 },
        { kind: 'join-refused', at: 1500, host: 'cms1' },
        { kind: 'mmp-restart', at: 1600, host: 'cms1', command: 'webbridge restart', user: undefined },
        { kind: 'callbridge-stats', at: 2000, host: 'cms3', cma: 2, cmaPeak: 4, raw: { CMA: '2/4', legs: 1 } },
      ]),
      0,
    );
    assert.equal(
      await store.appendRecords([
        { kind: 'mmp-restart', at: 1600, host: 'cms1', command: 'webbridge restart', user: 'admin' },
        { kind: 'webbridge-stats', at: 1000, host: 'cms1', active: 5, connects: 1, disconnects: 1 },
      ]),
      2,
    );
  } finally {
    await store.close();
  }
  const check = new Database(path, { readonly: true });
  try {
    const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'").all();
    assert.deepEqual(
      indexes.map((i) => (i as { name: string }).name),
      ['records_same'],
    );
  } finally {
    check.close();
  }
});

test('the synchronous store (used by the daemon today) shares the schema and the dedup', () => {
  const path = join(dir, 'sync.db');
  const s = new SqliteStore(path);
  try {
    const r = { kind: 'join-refused', at: 5, host: 'cms1' } as const;
    s.appendRecords([r, r]);
    s.appendRecords([r]);
    assert.equal(s.countRecords(), 1);
    assert.equal(s.schemaVersion(), SQLITE_SCHEMA_VERSION);
  } finally {
    s.close();
  }
});

test('a database written by a newer wbguard is refused with WBGUARD_ERR_STORE_SCHEMA', () => {
  const path = join(dir, 'newer.db');
  new SqliteStore(path).close();
  const raw = new Database(path);
  raw
    .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    .run(SQLITE_SCHEMA_VERSION + 1, 'from the future', 'T');
  raw.close();
  assert.throws(() => new SqliteAsyncStore(path), { name: 'StoreError', code: 'WBGUARD_ERR_STORE_SCHEMA' });
});
