/**
 * The AsyncStore contract, continued: the streaming replay (eachRecordSince) and the per-minute history
 * (minuteSeries, pruneMinutes). Registered by runStoreContract (store-contract.ts), so it runs against SQLite and a
 * real PostgreSQL alike. Expected values are worked out by hand or by a plain fold in the test, never by the
 * store's own code.
 */
import assert from 'node:assert/strict';
import type { CmsRecord, WebBridgeStatsRecord } from '../../../src/core/model.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import type { StoreFixture } from './store-contract.js';

// 12:00 UTC: a multiple of a minute, 2 and 5 minutes and an hour, so the buckets below start at T0.
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const S = 1000;
const M = 60_000;

function wb(at: number, host: string, active: number, connects = 5): WebBridgeStatsRecord {
  return { kind: 'webbridge-stats', at, host, active, connects, disconnects: 2 };
}

function cb(at: number, host: string, cma: number): CmsRecord {
  return { kind: 'callbridge-stats', at, host, cma, cmaPeak: cma, raw: { CMA: `${cma}/${cma}` } };
}

async function collect(store: AsyncStore, at: number): Promise<{ n: number; records: CmsRecord[] }> {
  const records: CmsRecord[] = [];
  const n = await store.eachRecordSince(at, (r) => records.push(r));
  return { n, records };
}

/** wb1: minute 0 → 5, 9, 3 (max 9, last 3); minute 1 → 2, 4; minute 3 → 7. wb2: minute 0 → 1. cb for wb1: 100. */
const SAMPLE: CmsRecord[] = [
  wb(T0, 'wb1', 5),
  wb(T0 + 10 * S, 'wb1', 9),
  cb(T0 + 20 * S, 'wb1', 100),
  wb(T0 + 50 * S, 'wb1', 3),
  wb(T0 + 30 * S, 'wb2', 1),
  wb(T0 + 70 * S, 'wb1', 2),
  wb(T0 + 110 * S, 'wb1', 4),
  wb(T0 + 190 * S, 'wb1', 7),
  { kind: 'join-refused', at: T0 + 15 * S, host: 'wb1' },
];

export function runHistoryContract(it: (name: string, fn: (f: StoreFixture) => Promise<void>) => void): void {
  it('eachRecordSince gives what recordsSince gives, in order, from its bound, and the count', async ({ store }) => {
    await store.appendRecords(SAMPLE);
    const all = await collect(store, 0);
    assert.equal(all.n, SAMPLE.length);
    assert.deepEqual(all.records, await store.recordsSince(0));
    const late = await collect(store, T0 + 70 * S);
    assert.deepEqual(
      late.records.map((r) => r.at - T0),
      [70 * S, 110 * S, 190 * S],
    );
    assert.equal(late.n, 3);
    assert.deepEqual(await collect(store, T0 + 191 * S), { n: 0, records: [] });
  });

  it('eachRecordSince reads past page boundaries, equal instants spanning them', async ({ store }) => {
    // 7 records per instant, 12,003 in all: more than two pages, and pages end in the middle of an instant.
    const many = Array.from({ length: 12_003 }, (_, i) => wb(T0 + Math.floor(i / 7), `cms${i % 7}`, i % 150, i));
    for (let i = 0; i < many.length; i += 4_000) {
      await store.appendRecords(many.slice(i, i + 4_000));
    }
    const all = await collect(store, 0);
    assert.equal(all.n, many.length);
    assert.deepEqual(all.records, many);
    const tail = await collect(store, T0 + 1000);
    assert.deepEqual(tail.records, many.slice(7000));
  });

  it('equal instants spanning pages come in the order stored, not in the order of their values', async ({ store }) => {
    // Per instant, hosts and counts run downwards; stored in three batches out of time order, one instant split
    // between the second (its later records) and the third (its first ones).
    const many = Array.from({ length: 11_000 }, (_, i) =>
      wb(T0 + Math.floor(i / 11), `cms${10 - (i % 11)}`, 149 - (i % 11), 11_000 - i),
    );
    const batches = [many.slice(5_500), many.slice(1_995, 5_500), many.slice(0, 1_995)];
    for (const b of batches) {
      await store.appendRecords(b);
    }
    const expected = batches.flat().sort((x, y) => x.at - y.at); // stable: ties stay in the order stored
    const all = await collect(store, 0);
    assert.deepEqual(all.records, expected);
    assert.deepEqual(await store.recordsSince(0), expected);
  });

  it('minuteSeries: max, last and samples per minute, one kind, hosts in the order asked', async ({ store }) => {
    await store.appendRecords(SAMPLE);
    const [wb2, none, wb1] = await store.minuteSeries(['wb2', 'nobody', 'wb1'], 'webbridge-stats', T0, T0 + 10 * M, M);
    assert.deepEqual(wb1, {
      host: 'wb1',
      t: [T0, T0 + M, T0 + 3 * M],
      max: [9, 4, 7],
      last: [3, 4, 7],
      samples: [3, 2, 1],
    });
    assert.deepEqual(wb2, { host: 'wb2', t: [T0], max: [1], last: [1], samples: [1] });
    assert.deepEqual(none, { host: 'nobody', t: [], max: [], last: [], samples: [] });
    assert.deepEqual(await store.minuteSeries(['wb1'], 'callbridge-stats', T0, T0 + 10 * M, M), [
      { host: 'wb1', t: [T0], max: [100], last: [100], samples: [1] },
    ]);
  });

  it('minuteSeries aggregates to larger buckets: max of maxima, last of the latest minute', async ({ store }) => {
    await store.appendRecords(SAMPLE);
    const series = (bucket: number) => store.minuteSeries(['wb1'], 'webbridge-stats', T0, T0 + 10 * M, bucket);
    assert.deepEqual(await series(2 * M), [
      { host: 'wb1', t: [T0, T0 + 2 * M], max: [9, 7], last: [4, 7], samples: [5, 1] },
    ]);
    assert.deepEqual(await series(5 * M), [{ host: 'wb1', t: [T0], max: [9], last: [7], samples: [6] }]);
    // Buckets sit on multiples of their size (12:00 is one of 3 minutes): minutes 0–2 in one bucket, 3 in the next.
    assert.deepEqual(await series(3 * M), [
      { host: 'wb1', t: [T0, T0 + 3 * M], max: [9, 7], last: [4, 7], samples: [5, 1] },
    ]);
    // Bucket starts are multiples of the bucket size even when `from` is not one.
    assert.deepEqual(await store.minuteSeries(['wb1'], 'webbridge-stats', T0 + M, T0 + 10 * M, 2 * M), [
      { host: 'wb1', t: [T0, T0 + 2 * M], max: [4, 7], last: [4, 7], samples: [2, 1] },
    ]);
    await assert.rejects(series(M - 1), RangeError);
    await assert.rejects(series(M + 0.5), RangeError);
  });

  it('minuteSeries keeps the minutes that overlap [from, to]', async ({ store }) => {
    await store.appendRecords(SAMPLE);
    const t = async (from: number, to: number) =>
      (await store.minuteSeries(['wb1'], 'webbridge-stats', from, to, M))[0]?.t.map((x) => (x - T0) / M);
    assert.deepEqual(await t(T0 + M, T0 + 2 * M), [1]);
    assert.deepEqual(await t(T0 + 30 * S, T0 + M + 30 * S), [0, 1]);
    assert.deepEqual(await t(T0 + 3 * M, T0 + 3 * M), [3]);
    assert.deepEqual(await t(T0 + 4 * M, T0 + 9 * M), []);
  });

  it('minutes fold across batches: out of order, equal instants, the later stored wins the tie', async ({ store }) => {
    await store.appendRecords([wb(T0 + 50 * S, 'wb1', 3), wb(T0 + 10 * S, 'wb1', 9)]);
    // Later batch, earlier instant and a larger count: max moves, last stays the 50 s sample's.
    await store.appendRecords([wb(T0 + 5 * S, 'wb1', 20)]);
    // Equal instant, different values (a distinct record): stored later, so it becomes last.
    await store.appendRecords([wb(T0 + 50 * S, 'wb1', 4, 6)]);
    // Same batch, equal instants: the second one is last.
    await store.appendRecords([wb(T0 + M, 'wb1', 8, 1), wb(T0 + M, 'wb1', 6, 2)]);
    assert.deepEqual(await store.minuteSeries(['wb1'], 'webbridge-stats', T0, T0 + M, M), [
      { host: 'wb1', t: [T0, T0 + M], max: [20, 8], last: [4, 6], samples: [4, 2] },
    ]);
  });

  it('a duplicate the store skips is not counted in the minutes', async ({ store }) => {
    assert.equal(await store.appendRecords(SAMPLE), SAMPLE.length);
    assert.equal(await store.appendRecords(SAMPLE), 0);
    assert.equal(await store.appendRecords([wb(T0 + 50 * S, 'wb1', 3), wb(T0 + 50 * S, 'wb1', 3)]), 0);
    const [wb1] = await store.minuteSeries(['wb1'], 'webbridge-stats', T0, T0 + 10 * M, M);
    assert.deepEqual(wb1?.samples, [3, 2, 1]);
    assert.deepEqual(wb1?.last, [3, 4, 7]);
  });

  it('two instances appending the same stream at once: each sample counted once', async ({ store, another }) => {
    const peer = await another();
    // 3 hosts, a sample every 7 s for 91 minutes, values that go up and down.
    const stream = Array.from({ length: 780 }, (_, i) => wb(T0 + i * 7 * S, `wb${i % 3}`, (i * 37) % 149));
    const expected = new Map<string, { max: number; last: number; n: number }>();
    for (const r of stream) {
      const k = `${r.host} ${r.at - (r.at % M)}`;
      const e = expected.get(k);
      expected.set(k, { max: Math.max(e?.max ?? -1, r.active), last: r.active, n: (e?.n ?? 0) + 1 });
    }
    const feed = async (s: AsyncStore, size: number) => {
      for (let i = 0; i < stream.length; i += size) {
        await s.appendRecords(stream.slice(i, i + size));
      }
    };
    await Promise.all([feed(store, 50), feed(peer, 80)]);
    const series = await peer.minuteSeries(['wb0', 'wb1', 'wb2'], 'webbridge-stats', T0, T0 + 120 * M, M);
    const got = new Map<string, { max: number; last: number; n: number }>();
    for (const s of series) {
      s.t.forEach((t, i) => {
        got.set(`${s.host} ${t}`, { max: s.max[i] as number, last: s.last[i] as number, n: s.samples[i] as number });
      });
    }
    assert.deepEqual(got, expected);
  });

  it('prune drops raw records and keeps the minutes; pruneMinutes drops minutes before its bound', async ({
    store,
  }) => {
    await store.appendRecords(SAMPLE);
    assert.equal(await store.prune(T0 + 10 * M), SAMPLE.length);
    assert.equal(await store.countRecords(), 0);
    const before = await store.minuteSeries(['wb1', 'wb2'], 'webbridge-stats', T0, T0 + 10 * M, M);
    assert.deepEqual(
      before.map((s) => s.t.length),
      [3, 1],
    );
    // Minute 0 holds wb1 and wb2 Web Bridge rows and wb1's Call Bridge row: 3 rows, all before T0 + 30 s.
    assert.equal(await store.pruneMinutes(T0 + 30 * S), 3);
    assert.deepEqual(await store.minuteSeries(['wb1', 'wb2'], 'webbridge-stats', T0, T0 + 10 * M, M), [
      { host: 'wb1', t: [T0 + M, T0 + 3 * M], max: [4, 7], last: [4, 7], samples: [2, 1] },
      { host: 'wb2', t: [], max: [], last: [], samples: [] },
    ]);
    assert.equal(await store.pruneMinutes(T0 + 30 * S), 0);
    assert.equal(await store.pruneMinutes(T0 + 3 * M + 1), 2);
  });
}
