import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BatchFeed, mergeByTime } from '../../../src/adapters/logfiles/merge-by-time.js';
import type { RecordBatch } from '../../../src/adapters/logfiles/read-batches.js';
import type { CmsRecord } from '../../../src/core/model.js';
import {
  PackedRecordsBuilder,
  type PackOptions,
  packedAt,
  packedLength,
  packRecords,
  unpackRecord,
  visitPacked,
} from '../../../src/core/packed-records.js';

const RECORDS: CmsRecord[] = [
  { kind: 'webbridge-stats', at: 1_763_600_000_000, host: 'cms1', active: 12, connects: 2 ** 52, disconnects: 0 },
  { kind: 'callbridge-stats', at: 1_763_600_000_050, host: 'cb1', cma: 3, cmaPeak: 5, raw: { CMA: '3/5', x: [1] } },
  { kind: 'mmp-restart', at: 1_763_600_000_100, host: 'cms1', command: 'webbridge restart', user: 'admin' },
  { kind: 'mmp-restart', at: 1_763_600_000_101, host: 'cms2', command: 'webbridge3 restart', user: undefined },
  { kind: 'join-refused', at: 1_763_600_000_200, host: 'cms2' },
  { kind: 'webbridge-stats', at: 1_763_600_000_300, host: 'cms2', active: 0, connects: 7, disconnects: 7 },
];

function batch(records: CmsRecord[], extra: Partial<RecordBatch> = {}, options: PackOptions = {}): RecordBatch {
  return {
    ...packRecords(records, options),
    lines: records.length * 10,
    malformed: 1,
    bytes: 999,
    errors: [],
    ...extra,
  };
}

function feed(path: string, batches: RecordBatch[], failAfter?: number): BatchFeed {
  let i = 0;
  return {
    source: { kind: 'plain', path, mtimeMs: 0, size: 0 },
    async next() {
      if (failAfter !== undefined && i === failAfter) {
        throw new Error('disk on fire');
      }
      return batches[i++];
    },
  };
}

describe('packed batches', () => {
  test('every record kind comes back as it went in (but a Call Bridge JSON), with the counts, hosts stored once', () => {
    const p = batch(RECORDS, { errors: [{ path: 'a.tar:x', message: 'bad' }] }, { raw: false });
    assert.equal(packedLength(p), RECORDS.length);
    assert.deepEqual(p.hosts, ['cms1', 'cb1', 'cms2']);
    // Without Call Bridge JSON (analyze's analysis never reads it, so its workers do not send it).
    assert.equal(p.extras.length, 2, 'only the restart records have fields besides numbers');
    assert.deepEqual(
      RECORDS.map((_, i) => unpackRecord(p, i)),
      RECORDS.map((r) => (r.kind === 'callbridge-stats' ? { ...r, raw: {} } : r)),
    );
    // The store's worker packs with them (the default).
    const withRaw = packRecords(RECORDS);
    assert.deepEqual(
      RECORDS.map((_, i) => unpackRecord(withRaw, i)),
      RECORDS,
    );
    assert.deepEqual(
      RECORDS.map((_, i) => packedAt(p, i)),
      RECORDS.map((r) => r.at),
    );
    assert.deepEqual([p.lines, p.malformed, p.bytes, p.errors], [60, 1, 999, [{ path: 'a.tar:x', message: 'bad' }]]);
    // The numbers are what a worker transfers: a plain ArrayBuffer.
    assert.ok(p.numbers.buffer instanceof ArrayBuffer);
  });

  test('visitPacked hands on Web Bridge Stats records by their fields, the others as records', () => {
    const p = packRecords(RECORDS);
    const seen: unknown[] = [];
    for (let i = 0; i < RECORDS.length; i++) {
      visitPacked(
        p,
        i,
        (host, at, active, connects, disconnects) =>
          seen.push({ kind: 'webbridge-stats', at, host, active, connects, disconnects }),
        (record) => seen.push(record),
      );
    }
    assert.deepEqual(seen, RECORDS);
  });

  test('the builder packs records added one by one, Web Bridge Stats by their fields, as packRecords does', () => {
    const builder = new PackedRecordsBuilder({}, 1);
    for (const r of RECORDS) {
      if (r.kind === 'webbridge-stats') {
        builder.addWebBridgeStats(r.host, r.at, r.active, r.connects, r.disconnects);
      } else {
        builder.add(r);
      }
    }
    assert.equal(builder.length, RECORDS.length);
    const p = builder.take();
    assert.deepEqual(p, packRecords(RECORDS));
    assert.equal(p.numbers.length, RECORDS.length * 6, 'exactly the records, grown from room for one');
    // Taken, it starts again empty (hosts indexed anew), and holds no room until the next record: every source of
    // a merge has a builder waiting between batches.
    assert.equal(builder.length, 0);
    assert.equal(builder.capacity, 0);
    builder.add(RECORDS[2] as CmsRecord);
    assert.equal(builder.capacity, 1, 'room for its first capacity again');
    assert.deepEqual(builder.take().hosts, ['cms1']);
  });

  test('an empty batch still carries its counts', () => {
    const p = batch([]);
    assert.equal(packedLength(p), 0);
    assert.equal(p.lines, 0);
    assert.equal(p.bytes, 999);
  });
});

describe('mergeByTime', () => {
  const at = (t: number, host: string): CmsRecord => ({ kind: 'join-refused', at: t, host });

  test('interleaves sources by time across batch ends and empty batches; a failing source is reported', async () => {
    const seen: string[] = [];
    const counted: string[] = [];
    const errors: string[] = [];
    await mergeByTime(
      [
        feed('a', [batch([at(1, 'a'), at(4, 'a')]), batch([]), batch([at(6, 'a')])]),
        feed('b', [batch([at(2, 'b')]), batch([at(3, 'b'), at(9, 'b')])]),
        feed('c', [batch([at(5, 'c')])], 1),
        feed('d', []),
      ],
      {
        onRecord: (r) => seen.push(`${r.host}${r.at}`),
        onBatch: (b, source) => counted.push(`${source}:${b.lines}`),
        onError: (path, message) => errors.push(`${path}: ${message}`),
      },
    );
    assert.deepEqual(seen, ['a1', 'b2', 'b3', 'a4', 'c5', 'a6', 'b9']);
    assert.deepEqual(errors, ['c: disk on fire']);
    assert.deepEqual(counted.sort(), ['a:0', 'a:10', 'a:20', 'b:10', 'b:20', 'c:10']);
  });

  test('any number of sources, ties, out-of-order and empty batches: the order of picking the earliest head each time', async () => {
    // The reference: every time, the head (a source's next record) at the earliest instant, of those the first
    // source's; a source's records in its own order, whatever their instants.
    const reference = (sources: number[][][]): string[] => {
      const queues = sources.map((batches) => batches.flat());
      const out: string[] = [];
      for (;;) {
        let best = -1;
        for (let s = 0; s < queues.length; s++) {
          const q = queues[s] as number[];
          if (q.length > 0 && (best < 0 || (q[0] as number) < ((queues[best] as number[])[0] as number))) {
            best = s;
          }
        }
        if (best < 0) {
          return out;
        }
        out.push(`s${best}@${(queues[best] as number[]).shift()}`);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }), { maxLength: 5 }), {
          maxLength: 40,
        }),
        async (sources) => {
          const seen: string[] = [];
          await mergeByTime(
            sources.map((batches, s) =>
              feed(
                `s${s}`,
                batches.map((times) => batch(times.map((t) => at(t, `s${s}`)))),
              ),
            ),
            { onRecord: (r) => seen.push(`${r.host}@${r.at}`), onBatch: () => {}, onError: () => {} },
          );
          assert.deepEqual(seen, reference(sources));
        },
      ),
      { numRuns: 400 },
    );
  });
});
