/**
 * The synchronous SqliteStore's own paths (the daemon holds it today): the streaming replay through
 * better-sqlite3's iterate(), and the per-minute history. The async contract covers the same store through its
 * paged wrapper; these cases pin the synchronous methods the daemon calls directly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteStore } from '../../../src/adapters/store/sqlite-store.js';
import type { CmsRecord } from '../../../src/core/model.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-sqlite-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const M = 60_000;
let files = 0;

function open(): SqliteStore {
  files += 1;
  return new SqliteStore(join(dir, `s${files}.db`));
}

function wb(at: number, host: string, active: number, connects = 0): CmsRecord {
  return { kind: 'webbridge-stats', at, host, active, connects, disconnects: 0 };
}

test('eachRecordSince hands every record from its bound, in recordsSince order, and returns the count', () => {
  const s = open();
  try {
    // Equal instants across batches: order is instant, then first stored.
    s.appendRecords([wb(T0 + 2, 'c', 3), wb(T0 + 1, 'b', 2), wb(T0, 'a', 1)]);
    s.appendRecords([wb(T0 + 1, 'd', 4), { kind: 'join-refused', at: T0 + 1, host: 'b' }]);
    const seen: CmsRecord[] = [];
    assert.equal(
      s.eachRecordSince(T0 + 1, (r) => seen.push(r)),
      4,
    );
    assert.deepEqual(seen, s.recordsSince(T0 + 1));
    assert.deepEqual(
      seen.map((r) => r.host),
      ['b', 'd', 'b', 'c'],
    );
    assert.equal(
      s.eachRecordSince(T0 + 3, () => assert.fail('no record after the last')),
      0,
    );
  } finally {
    s.close();
  }
});

test('eachRecordSince over many records matches recordsSince exactly', () => {
  const s = open();
  try {
    const many = Array.from({ length: 20_000 }, (_, i) => wb(T0 + Math.floor(i / 3), `cms${i % 3}`, i % 149, i));
    s.appendRecords(many);
    let i = 0;
    const n = s.eachRecordSince(0, (r) => {
      assert.deepEqual(r, many[i]);
      i += 1;
    });
    assert.equal(n, many.length);
    assert.equal(i, many.length);
  } finally {
    s.close();
  }
});

test('minuteSeries and pruneMinutes on the synchronous store; prune keeps the minutes', () => {
  const s = open();
  try {
    s.appendRecords([wb(T0, 'a', 5), wb(T0 + 30_000, 'a', 2), wb(T0 + M, 'a', 7), wb(T0 + 2 * M, 'b', 1)]);
    s.appendRecords([wb(T0, 'a', 5)]); // a duplicate: skipped, not counted
    assert.deepEqual(s.minuteSeries(['a', 'b'], 'webbridge-stats', T0, T0 + 2 * M, M), [
      { host: 'a', t: [T0, T0 + M], max: [5, 7], last: [2, 7], samples: [2, 1] },
      { host: 'b', t: [T0 + 2 * M], max: [1], last: [1], samples: [1] },
    ]);
    assert.deepEqual(s.minuteSeries(['a'], 'webbridge-stats', T0, T0 + 2 * M, 2 * M), [
      { host: 'a', t: [T0], max: [7], last: [7], samples: [3] },
    ]);
    assert.deepEqual(s.minuteSeries(['a'], 'callbridge-stats', T0, T0 + 2 * M, M), [
      { host: 'a', t: [], max: [], last: [], samples: [] },
    ]);
    assert.throws(() => s.minuteSeries(['a'], 'webbridge-stats', T0, T0 + M, 1000), RangeError);
    assert.equal(s.prune(T0 + 3 * M), 4);
    assert.equal(s.minuteSeries(['a'], 'webbridge-stats', T0, T0 + 2 * M, M)[0]?.t.length, 2);
    assert.equal(s.pruneMinutes(T0 + M), 1);
    assert.deepEqual(s.minuteSeries(['a'], 'webbridge-stats', T0, T0 + 2 * M, M)[0]?.t, [T0 + M]);
  } finally {
    s.close();
  }
});
