/**
 * The AsyncStore contract (ports/async-store.ts): the cases every store must pass, run against SQLite
 * (sqlite-store.contract.test.ts) and a real PostgreSQL (pg-store.contract.test.ts). Each case gets a fresh,
 * migrated database; `another()` opens a second handle on the same database (a second wbguard instance, or the same
 * one after a restart).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallBridgeStatsRecord, CmsRecord, WebBridgeStatsRecord } from '../../../src/core/model.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import { runHistoryContract } from './store-contract-history.js';

export interface StoreFixture {
  readonly store: AsyncStore;
  /** A new handle on the same database, migrated. The fixture closes it in dispose(). */
  another(): Promise<AsyncStore>;
  dispose(): Promise<void>;
}

export interface StoreContractOptions {
  readonly kind: AsyncStore['kind'];
  open(): Promise<StoreFixture>;
}

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function wb(at: number, host: string, active: number, connects = 5, disconnects = 2): WebBridgeStatsRecord {
  return { kind: 'webbridge-stats', at, host, active, connects, disconnects };
}

function cb(at: number, host: string, cma: number, raw: Record<string, unknown> = { CMA: `${cma}/9` }) {
  return { kind: 'callbridge-stats', at, host, cma, cmaPeak: 9, raw } satisfies CallBridgeStatsRecord;
}

const ALL_KINDS: CmsRecord[] = [
  wb(T0, 'cms1', 12, 40, 28),
  cb(T0 + 1, 'cms2', 3, { CMA: '3/9', callLegs: 7, nested: { x: [1, 2] }, text: 'quote " and \\ and é' }),
  { kind: 'mmp-restart', at: T0 + 2, host: 'cms1', command: 'webbridge restart', user: 'admin' },
  { kind: 'mmp-restart', at: T0 + 3, host: 'cms3', command: 'webbridge3 restart', user: undefined },
  { kind: 'join-refused', at: T0 + 4, host: 'cms2' },
];

async function withStore(options: StoreContractOptions, fn: (f: StoreFixture) => Promise<void>): Promise<void> {
  const f = await options.open();
  try {
    await fn(f);
  } finally {
    await f.dispose();
  }
}

export function runStoreContract(options: StoreContractOptions): void {
  const it = (name: string, fn: (f: StoreFixture) => Promise<void>) =>
    test(`${options.kind} store: ${name}`, () => withStore(options, fn));

  it('is of the kind it says', async ({ store }) => {
    assert.equal(store.kind, options.kind);
  });

  it('migrate() records a schema version and is idempotent, keeping the data', async ({ store }) => {
    const v = await store.migrate();
    assert.ok(Number.isInteger(v) && v > 0, `version ${v}`);
    assert.equal(await store.schemaVersion(), v);
    await store.appendRecords([wb(T0, 'cms1', 1)]);
    assert.equal(await store.migrate(), v);
    assert.equal(await store.schemaVersion(), v);
    assert.equal(await store.countRecords(), 1);
  });

  it('every record kind comes back as it was stored', async ({ store }) => {
    assert.equal(await store.appendRecords(ALL_KINDS), ALL_KINDS.length);
    assert.deepEqual(await store.recordsSince(0), ALL_KINDS);
  });

  it('recordsSince includes its bound, orders by instant, and ties in the order first stored', async ({ store }) => {
    await store.appendRecords([wb(T0 + 20, 'late', 1), wb(T0 + 10, 'b', 2), wb(T0 + 10, 'a', 3)]);
    await store.appendRecords([wb(T0 + 10, 'c', 4), wb(T0 + 5, 'early', 5)]);
    const since10 = await store.recordsSince(T0 + 10);
    assert.deepEqual(
      since10.map((r) => r.host),
      ['b', 'a', 'c', 'late'],
    );
    assert.deepEqual(
      (await store.recordsSince(T0 + 21)).map((r) => r.host),
      [],
    );
    assert.equal((await store.recordsSince(0)).length, 5);
  });

  it('a record equal to one stored is skipped, in the same batch and in later ones', async ({ store }) => {
    const r = wb(T0, 'cms1', 12, 40, 28);
    assert.equal(await store.appendRecords([r, { ...r }, r]), 1);
    assert.equal(await store.appendRecords([r, wb(T0 + 1, 'cms1', 12)]), 1);
    assert.equal(await store.appendRecords(ALL_KINDS), ALL_KINDS.length - 1, 'the first of ALL_KINDS is r');
    assert.equal(await store.appendRecords(ALL_KINDS), 0);
    assert.equal(await store.countRecords(), ALL_KINDS.length + 1);
    assert.equal((await store.recordsSince(0)).length, ALL_KINDS.length + 1);
  });

  it('records differing in any one field are all kept', async ({ store }) => {
    const base = wb(T0, 'cms1', 12, 5, 2);
    const variants: CmsRecord[] = [
      base,
      { ...base, at: T0 + 1 },
      { ...base, host: 'cms2' },
      { ...base, active: 13 },
      { ...base, connects: 6 },
      { ...base, disconnects: 3 },
      cb(T0, 'cms1', 12),
      cb(T0, 'cms1', 12, { CMA: '12/9', other: 1 }),
      { kind: 'mmp-restart', at: T0, host: 'cms1', command: 'webbridge restart', user: 'admin' },
      { kind: 'mmp-restart', at: T0, host: 'cms1', command: 'webbridge restart', user: 'other' },
      { kind: 'join-refused', at: T0, host: 'cms1' },
    ];
    assert.equal(await store.appendRecords(variants), variants.length);
    assert.equal(await store.countRecords(), variants.length);
  });

  it('a Call Bridge payload read with its keys in another order is the same record', async ({ store }) => {
    assert.equal(await store.appendRecords([cb(T0, 'cms2', 3, { CMA: '3/9', legs: 4 })]), 1);
    assert.equal(await store.appendRecords([cb(T0, 'cms2', 3, { legs: 4, CMA: '3/9' })]), 0);
    assert.equal(await store.countRecords(), 1);
  });

  it('two instances appending the same stream at once store each record once', async ({ store, another }) => {
    const peer = await another();
    const stream = Array.from({ length: 600 }, (_, i) => wb(T0 + i * 1000, `cms${i % 3}`, i % 149));
    // Different batch boundaries in each instance, as two daemons flushing on their own timers would have.
    const batches = (size: number) =>
      Array.from({ length: Math.ceil(stream.length / size) }, (_, i) => stream.slice(i * size, (i + 1) * size));
    const added = await Promise.all([
      (async () => {
        let n = 0;
        for (const b of batches(70)) {
          n += await store.appendRecords(b);
        }
        return n;
      })(),
      (async () => {
        let n = 0;
        for (const b of batches(110)) {
          n += await peer.appendRecords(b);
        }
        return n;
      })(),
    ]);
    assert.equal(added[0] + added[1], stream.length, `added ${added.join(' + ')}`);
    assert.equal(await store.countRecords(), stream.length);
    assert.deepEqual(await peer.recordsSince(0), stream);
  });

  it('appending nothing is a no-op', async ({ store }) => {
    assert.equal(await store.appendRecords([]), 0);
    assert.equal(await store.countRecords(), 0);
  });

  it('a large batch goes in whole (more rows than one statement takes)', async ({ store }) => {
    const many = Array.from({ length: 12_001 }, (_, i) => wb(T0 + i, `cms${i % 5}`, i % 150));
    assert.equal(await store.appendRecords(many), many.length);
    assert.equal(await store.countRecords(), many.length);
    const back = await store.recordsSince(T0 + 12_000);
    assert.deepEqual(back, [many[12_000]]);
  });

  it('numbers come back as numbers, 64-bit instants and counts included', async ({ store }) => {
    const far = Date.UTC(2100, 0, 1);
    await store.appendRecords([wb(far, 'cms1', 148, 2 ** 40, 0)]);
    const [r] = await store.recordsSince(far);
    assert.equal(typeof r?.at, 'number');
    assert.deepEqual(r, wb(far, 'cms1', 148, 2 ** 40, 0));
    const n = await store.countRecords();
    assert.equal(typeof n, 'number');
    assert.equal(n, 1);
    const id = await store.appendEvent('x', {});
    assert.equal(typeof id, 'number');
  });

  it('events: increasing ids, newest first, limited, data as stored', async ({ store }) => {
    const a = await store.appendEvent('restart:decided', { node: 'cms1', reasons: ['idle', 'leak 12'] }, 'T1');
    const b = await store.appendEvent('restart:completed', { node: 'cms1', ok: true, n: 1.5, none: null }, 'T2');
    const c = await store.appendEvent('note', 'just text');
    const d = await store.appendEvent('nothing', undefined, 'T4');
    assert.ok(a < b && b < c && c < d, `${a} ${b} ${c} ${d}`);
    const all = await store.events();
    assert.deepEqual(
      all.map((e) => e.id),
      [d, c, b, a],
    );
    assert.deepEqual(all[2], {
      id: b,
      at: 'T2',
      kind: 'restart:completed',
      data: { node: 'cms1', ok: true, n: 1.5, none: null },
    });
    assert.equal(all[1]?.data, 'just text');
    assert.ok(!Number.isNaN(Date.parse(all[1]?.at ?? '')), 'default at is an ISO instant');
    assert.equal(all[0]?.data, null, 'undefined data is stored as null');
    assert.deepEqual(
      (await store.events(2)).map((e) => e.id),
      [d, c],
    );
  });

  it('prune deletes the records before its bound, and only those', async ({ store }) => {
    await store.appendRecords([wb(T0, 'a', 1), wb(T0 + 1, 'b', 1), wb(T0 + 2, 'c', 1), wb(T0 + 3, 'd', 1)]);
    assert.equal(await store.prune(T0 + 2), 2);
    assert.deepEqual(
      (await store.recordsSince(0)).map((r) => r.host),
      ['c', 'd'],
    );
    assert.equal(await store.prune(T0 + 2), 0);
  });

  it('what was acknowledged is there for the next instance (after close)', async ({ store, another }) => {
    await store.appendRecords(ALL_KINDS);
    const id = await store.appendEvent('kept', { n: 1 }, 'T1');
    await store.close();
    const next = await another();
    assert.deepEqual(await next.recordsSince(0), ALL_KINDS);
    assert.deepEqual(await next.events(), [{ id, at: 'T1', kind: 'kept', data: { n: 1 } }]);
    assert.equal(await next.appendRecords(ALL_KINDS), 0);
  });

  it('close() is idempotent and later calls reject as InvalidStateError', async ({ store }) => {
    await store.close();
    await store.close();
    for (const call of [
      () => store.appendRecords([wb(T0, 'a', 1)]),
      () => store.recordsSince(0),
      () => store.countRecords(),
      () => store.appendEvent('x', {}),
      () => store.events(),
      () => store.prune(0),
      () => store.eachRecordSince(0, () => undefined),
      () => store.minuteSeries(['a'], 'webbridge-stats', 0, 1, 60_000),
      () => store.pruneMinutes(0),
      () => store.migrate(),
      () => store.schemaVersion(),
    ]) {
      await assert.rejects(call(), { name: 'InvalidStateError', code: 'WBGUARD_ERR_INVALID_STATE' });
    }
  });

  runHistoryContract(it);
}
