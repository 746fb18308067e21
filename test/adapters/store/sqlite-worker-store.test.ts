/**
 * The SQLite store in a worker thread, beyond the shared contract: errors cross the thread with their class and
 * code, close() answers every call made before it, a worker that dies rejects what waited on it (never a silent
 * success) and the next call starts a new one on the same file, and records cross packed without losing a field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_SCHEMA_VERSION } from '../../../src/adapters/store/sqlite-migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqlite-store.js';
import { packRecords, unpackRecords } from '../../../src/adapters/store/sqlite-worker-protocol.js';
import { kWorker, SqliteWorkerStore } from '../../../src/adapters/store/sqlite-worker-store.js';
import type { CmsRecord } from '../../../src/core/model.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-sqlite-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `w${++files}.db`);

const wb = (at: number, host = 'cms1', active = 3): CmsRecord => ({
  kind: 'webbridge-stats',
  at,
  host,
  active,
  connects: at,
  disconnects: 1,
});

test('records cross the thread packed, every kind and field as it was', () => {
  const records: CmsRecord[] = [
    wb(1, 'cms1', 12),
    { kind: 'callbridge-stats', at: 2, host: 'cms2', cma: 3, cmaPeak: 9, raw: { CMA: '3/9', nested: { x: [1, 2] } } },
    { kind: 'mmp-restart', at: 3, host: 'cms1', command: 'webbridge3 restart', user: 'admin' },
    { kind: 'mmp-restart', at: 4, host: 'cms3', command: 'webbridge restart', user: undefined },
    { kind: 'join-refused', at: -5, host: 'cms2' },
    wb(1.764e12 + 123, 'cms1', 148),
  ];
  const packed = packRecords(records);
  assert.deepEqual(packed.hosts, ['cms1', 'cms2', 'cms3']);
  assert.deepEqual(unpackRecords(structuredClone(packed)), records);
});

test('errors come back with their class and code', async (t) => {
  const store = new SqliteWorkerStore(freshPath());
  t.after(() => store.close());
  await store.migrate();
  await assert.rejects(store.minuteSeries(['cms1'], 'webbridge-stats', 0, 1, 1), RangeError);

  const newer = freshPath();
  new SqliteStore(newer).close();
  const raw = new Database(newer);
  raw
    .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    .run(SQLITE_SCHEMA_VERSION + 1, 'from the future', 'T');
  raw.close();
  const refused = new SqliteWorkerStore(newer);
  await assert.rejects(refused.migrate(), { name: 'StoreError', code: 'WBGUARD_ERR_STORE_SCHEMA' });
  await refused.close();

  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'not a folder');
  const unopenable = new SqliteWorkerStore(join(blocker, 'wbguard.db'));
  await assert.rejects(unopenable.countRecords(), {
    name: 'StoreError',
    message: /opening the store failed \[path:.*, code:EEXIST\]/,
  });
  await unopenable.close();
  await assert.rejects(unopenable.countRecords(), { name: 'InvalidStateError' });
});

test('close() commits every append made before it, then later calls are refused', async () => {
  const path = freshPath();
  const store = new SqliteWorkerStore(path);
  const appends = [0, 1, 2, 3].map((k) => store.appendRecords(Array.from({ length: 500 }, (_, i) => wb(k * 500 + i))));
  await store.close();
  assert.deepEqual(await Promise.all(appends), [500, 500, 500, 500]);
  await assert.rejects(store.appendRecords([wb(1)]), { name: 'InvalidStateError' });
  await assert.rejects(store.appendRecords([]), { name: 'InvalidStateError' });
  const again = new SqliteStore(path);
  assert.equal(again.countRecords(), 2000);
  again.close();
});

test('a worker that dies rejects what waited on it; the next call starts another on the same file', async (t) => {
  const store = new SqliteWorkerStore(freshPath());
  t.after(() => store.close());
  assert.equal(await store.appendRecords([wb(1), wb(2)]), 2);
  const worker = store[kWorker]();
  assert.ok(worker);
  const inFlight = store.appendRecords(Array.from({ length: 20_000 }, (_, i) => wb(10 + i)));
  await worker.terminate();
  await assert.rejects(inFlight, { name: 'StoreError', message: /store worker stopped/ });
  // Committed before the crash: there. In flight: all or nothing (one transaction), and stored once when retried.
  const count = await store.countRecords();
  assert.ok(count === 2 || count === 20_002, `count ${count}`);
  assert.notEqual(store[kWorker](), worker);
  assert.equal(await store.appendRecords(Array.from({ length: 20_000 }, (_, i) => wb(10 + i))), 20_002 - count);
  assert.equal(await store.countRecords(), 20_002);
});

test('eachRecordSince pages through a read-only connection of this thread, in recordsSince order', async (t) => {
  const store = new SqliteWorkerStore(freshPath());
  t.after(() => store.close());
  // More than two pages, with equal instants across a page boundary.
  const records = Array.from({ length: 12_345 }, (_, i) => wb(Math.floor(i / 3), `cms${i % 3}`, i % 149));
  assert.equal(await store.appendRecords(records), records.length);
  const seen: CmsRecord[] = [];
  assert.equal(await store.eachRecordSince(100, (r) => seen.push(r)), records.length - 300);
  assert.deepEqual(seen, await store.recordsSince(100));
});
