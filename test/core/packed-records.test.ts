/**
 * Records packed for a trip between threads (core/packed-records.ts): whatever the records, hosts and cuts between
 * batches, each batch unpacks to the records added to it, in order; a batch names each host once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CmsRecord } from '../../src/core/model.js';
import { PackedRecordsBuilder, packRecords, type SpareBuffers, unpackRecords } from '../../src/core/packed-records.js';

/** Up to 20 hosts: a batch then names more than are searched in its array (a map takes over past 8). */
const host = fc.integer({ min: 0, max: 19 }).map((i) => `cms${i}`);
const at = fc.integer({ min: 0, max: 2 ** 41 }).map((ms) => ms + 0.5);
const count = fc.integer({ min: 0, max: 200 });

/** As plain objects (fast-check makes them without a prototype, which a strict deep comparison tells apart). */
const plain = (r: CmsRecord): CmsRecord => (r.kind === 'callbridge-stats' ? { ...r, raw: { ...r.raw } } : { ...r });

const record: fc.Arbitrary<CmsRecord> = fc
  .oneof(
    fc.record({
      kind: fc.constant('webbridge-stats' as const),
      at,
      host,
      active: count,
      connects: count,
      disconnects: count,
    }),
    fc.record({
      kind: fc.constant('callbridge-stats' as const),
      at,
      host,
      cma: count,
      cmaPeak: count,
      raw: fc.dictionary(fc.string({ maxLength: 4 }), fc.integer()),
    }),
    fc.record({
      kind: fc.constant('mmp-restart' as const),
      at,
      host,
      command: fc.constantFrom('webbridge restart' as const, 'webbridge3 restart' as const),
      user: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('join-refused' as const), at, host }),
  )
  .map(plain);

/** Batches of tens of records, so that many name more hosts than are searched in an array. */
const records = fc.array(record, { minLength: 1, maxLength: 150, size: 'large' });
const cuts = fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 5 });

test('each batch unpacks to the records added to it, in order, whatever the hosts and cuts', () => {
  fc.assert(
    fc.property(records, cuts, (records, cuts) => {
      const builder = new PackedRecordsBuilder({}, 4);
      const cutAt = new Set(cuts);
      const batches: CmsRecord[][] = [];
      let current: CmsRecord[] = [];
      const take = () => {
        const packed = builder.take();
        assert.deepEqual(unpackRecords(packed), current);
        assert.equal(new Set(packed.hosts).size, packed.hosts.length, 'each host once a batch');
        batches.push(current);
        current = [];
      };
      for (const [i, r] of records.entries()) {
        if (cutAt.has(i)) {
          take();
        }
        if (r.kind === 'webbridge-stats') {
          builder.addWebBridgeStats(r.host, r.at, r.active, r.connects, r.disconnects);
        } else {
          builder.add(r);
        }
        current.push(r);
      }
      take();
      assert.deepEqual(batches.flat(), records);
    }),
    { numRuns: 300 },
  );
});

test('without raw, a Call Bridge record comes back with an empty JSON; a pack without extras shares none', () => {
  const records: CmsRecord[] = [
    { kind: 'callbridge-stats', at: 1, host: 'cb1', cma: 3, cmaPeak: 4, raw: { CMA: 3 } },
    { kind: 'webbridge-stats', at: 2, host: 'cms1', active: 1, connects: 2, disconnects: 1 },
  ];
  assert.deepEqual(unpackRecords(packRecords(records, { raw: false })), [{ ...records[0], raw: {} }, records[1]]);
  const plain = packRecords([records[1] as CmsRecord]);
  assert.equal(plain.extras.length, 0);
  assert.ok(Object.isFrozen(plain.extras), 'the shared empty extras cannot be written to');
});

test("a batch's array starts small and grows past the builder's capacity, keeping every record", () => {
  const builder = new PackedRecordsBuilder({}, 512);
  for (let i = 0; i < 3; i++) {
    builder.addWebBridgeStats('cms1', i, i, 0, 0);
  }
  // A small file's batch: room for 32 records made, not the 512 a full batch may hold.
  assert.equal(builder.capacity, 32);
  assert.equal(builder.take().numbers.length, 3 * 6);
  for (let i = 0; i < 600; i++) {
    builder.addWebBridgeStats('cms1', i, i, 0, 0);
  }
  assert.ok(builder.capacity >= 600, `grown (${builder.capacity})`);
  const records = unpackRecords(builder.take());
  assert.equal(records.length, 600);
  assert.deepEqual(
    records.map((r) => r.at),
    Array.from({ length: 600 }, (_, i) => i),
  );
  // After a batch of 600, the next starts at the builder's capacity (512), not at 32; after a small one, small again.
  builder.addWebBridgeStats('cms1', 1, 1, 0, 0);
  assert.equal(builder.capacity, 512);
  assert.equal(builder.take().numbers.length, 6);
  builder.addWebBridgeStats('cms1', 1, 1, 0, 0);
  assert.equal(builder.capacity, 32);
  for (let i = 0; i < 99; i++) {
    builder.addWebBridgeStats('cms1', i, i, 0, 0);
  }
  assert.equal(builder.take().numbers.length, 100 * 6);
  builder.addWebBridgeStats('cms1', 1, 1, 0, 0);
  assert.equal(builder.capacity, 100, 'the last batch held 100 records');
});

/** Spare memory that records what it lends and is given (core/packed-records.ts SpareBuffers). */
class RecordingSpares implements SpareBuffers {
  readonly buffers: ArrayBuffer[] = [];
  readonly lent = new Set<ArrayBuffer>();
  take(bytes: number): ArrayBuffer | undefined {
    const i = this.buffers.findIndex((b) => b.byteLength >= bytes);
    const [b] = i < 0 ? [] : this.buffers.splice(i, 1);
    if (b) {
      this.lent.add(b);
    }
    return b;
  }
  give(buffer: ArrayBuffer): void {
    this.buffers.push(buffer);
  }
}

test('packed into spare memory that holds other numbers, each batch has the numbers it would have in new memory', () => {
  fc.assert(
    fc.property(records, cuts, (records, cuts) => {
      const fresh = new PackedRecordsBuilder({}, 4);
      const spares = new RecordingSpares();
      // Spares of several sizes, every number in them already written (an earlier batch's, as a worker's are).
      for (const n of [4, 16, 64, 512]) {
        spares.give(new Float64Array(n * 6).fill(999).buffer);
      }
      const reusing = new PackedRecordsBuilder({}, 4, spares);
      const cutAt = new Set(cuts);
      const take = () => {
        const expected = fresh.take();
        const packed = reusing.take();
        assert.deepEqual(Array.from(packed.numbers), Array.from(expected.numbers));
        assert.deepEqual(packed.hosts, expected.hosts);
        // Merged: its memory goes back to be used again.
        spares.give(packed.numbers.buffer);
      };
      for (const [i, r] of records.entries()) {
        if (cutAt.has(i)) {
          take();
        }
        fresh.add(r);
        reusing.add(r);
      }
      take();
      assert.ok(spares.lent.size > 0, 'records were packed in spare memory');
    }),
    { numRuns: 300 },
  );
});
