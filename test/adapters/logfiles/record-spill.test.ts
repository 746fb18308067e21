/**
 * A source's batches kept in a temporary file (record-spill.ts): read back in order and equal, the file unlinked at
 * once and closed with the last spill, and batches kept in memory where no file can be made.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RecordBatch } from '../../../src/adapters/logfiles/read-batches.js';
import { RecordSpill, spilledBatches, spillFileOpen } from '../../../src/adapters/logfiles/record-spill.js';
import { SpareBufferList } from '../../../src/adapters/logfiles/spare-buffers.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { packRecords, unpackRecords } from '../../../src/core/packed-records.js';
import { scratchTmpdir } from '../../helpers/tmpdir.js';

const dir = scratchTmpdir('wbguard-spill-test-');

/** A batch of every kind of record, `n` of them, its counts from `k`. */
function batchOf(k: number, n: number): RecordBatch {
  const records: CmsRecord[] = [];
  for (let i = 0; i < n; i++) {
    const at = Date.UTC(2026, 10, 20) + k * 1_000_000 + i * 1000 + 0.5;
    if (i % 3 === 0) {
      records.push({ kind: 'webbridge-stats', at, host: `cms${k % 4}`, active: i, connects: i * 2, disconnects: i });
    } else if (i % 3 === 1) {
      records.push({
        kind: 'mmp-restart',
        at,
        host: `cmsé${k}`,
        command: 'webbridge3 restart',
        user: k % 2 ? 'admin' : undefined,
      });
    } else {
      records.push({
        kind: 'callbridge-stats',
        at,
        host: `cb${i}`,
        cma: i,
        cmaPeak: i + 1,
        raw: { CMA: i, b: [1, 'x'] },
      });
    }
  }
  return { ...packRecords(records), lines: k * 10 + 1, malformed: k % 2, bytes: k * 1000, errors: [] };
}

test('batches come back in the order written, every record and count equal; the file is unlinked and closed', () => {
  process.env.TMPDIR = dir;
  const written = Array.from({ length: 40 }, (_, k) => batchOf(k, (k * 7) % 50));
  // Numbers that are a view into larger memory are written as the view, not its whole buffer.
  const viewed = written[5] as RecordBatch;
  const larger = new Float64Array(viewed.numbers.length + 16).fill(-7);
  larger.set(viewed.numbers, 8);
  written[5] = { ...viewed, numbers: larger.subarray(8, 8 + viewed.numbers.length) };
  const before = spilledBatches();
  const a = new RecordSpill();
  const b = new RecordSpill();
  // Two sources of one thread interleaved, as a merge's drains are: one file shared.
  for (const [k, batch] of written.entries()) {
    (k % 2 === 0 ? a : b).write(batch);
  }
  assert.equal(spilledBatches() - before, 40, 'each batch written to the file');
  assert.deepEqual(readdirSync(dir), [], 'the file and its folder unlinked at once');
  assert.ok(spillFileOpen());
  for (const [spill, parity] of [
    [a, 0],
    [b, 1],
  ] as const) {
    const expected = written.filter((_, k) => k % 2 === parity);
    for (const want of expected) {
      const got = spill.shift();
      assert.ok(got);
      assert.deepEqual(unpackRecords(got), unpackRecords(want));
      assert.deepEqual(
        { lines: got.lines, malformed: got.malformed, bytes: got.bytes, errors: got.errors },
        { lines: want.lines, malformed: want.malformed, bytes: want.bytes, errors: want.errors },
      );
      // Its numbers theirs to move (a scan worker moves them to the main thread): at the start of memory of their
      // own, never in Node's shared pool, which the Buffers made meanwhile use.
      assert.equal(got.numbers.byteOffset, 0);
      const pooled = Buffer.from('still here');
      const moved = structuredClone(got, { transfer: [got.numbers.buffer] });
      assert.equal(pooled.toString(), 'still here');
      assert.equal(got.numbers.length, 0, 'moved');
      assert.deepEqual(unpackRecords(moved), unpackRecords(want));
    }
    assert.equal(spill.shift(), undefined);
  }
  a.close();
  assert.ok(spillFileOpen(), 'still used by the other source');
  b.close();
  b.close();
  assert.equal(spillFileOpen(), false, 'closed with the last source using it');
});

test("a spill with a file of its own frees it when closed, while the thread's file stays with its spill", () => {
  process.env.TMPDIR = dir;
  /** This process' temporary files of records, open now (unlinked: their targets say so). */
  const openFiles = () =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
      } catch {
        return false;
      }
    }).length;
  const before = openFiles();
  const sharing = new RecordSpill();
  const own = new RecordSpill({ ownFile: true });
  const alsoSharing = new RecordSpill();
  sharing.write(batchOf(1, 5));
  own.write(batchOf(2, 6));
  alsoSharing.write(batchOf(3, 7));
  assert.equal(openFiles() - before, 2, "the thread's file and the one of its own");
  assert.deepEqual(unpackRecords(own.shift() as RecordBatch), unpackRecords(batchOf(2, 6)));
  own.close();
  assert.equal(openFiles() - before, 1, 'its own file closed with it');
  assert.ok(spillFileOpen(), "the thread's file still open for the others");
  assert.deepEqual(unpackRecords(alsoSharing.shift() as RecordBatch), unpackRecords(batchOf(3, 7)));
  assert.deepEqual(unpackRecords(sharing.shift() as RecordBatch), unpackRecords(batchOf(1, 5)));
  sharing.close();
  alsoSharing.close();
  assert.equal(openFiles(), before);
  assert.equal(spillFileOpen(), false);
});

test('every field comes back as written: plain batches (JSON) and those with more (the serializer) alike', () => {
  process.env.TMPDIR = dir;
  const stats = (host: string, at: number): CmsRecord => ({
    kind: 'webbridge-stats',
    at,
    host,
    active: 3,
    connects: 9,
    disconnects: 6,
  });
  // Hosts JSON must give back exactly: Latin-1, a lone surrogate, a quote, a backslash, a control character.
  const plain: RecordBatch = {
    ...packRecords([stats('cmsé1', 1.5), stats('cms\ud800"x\\y', 2), stats('a\u0001b', 3)]),
    lines: 2 ** 40,
    malformed: 0,
    bytes: 123_456_789,
    errors: [],
  };
  const withStamp: RecordBatch = {
    ...plain,
    firstStamp: { month: 12, year: 2026 },
    yearEnd: { year: 2027, lastMonth: 1 },
  };
  const withErrors: RecordBatch = { ...plain, errors: [{ path: 'a.tar', message: 'bad entry' }] };
  const odd = { ...plain, lines: 0.5, malformed: -0 };
  const spill = new RecordSpill();
  const spares = new SpareBufferList();
  for (const batch of [plain, withStamp, withErrors, odd, plain]) {
    spill.write(batch);
  }
  for (const [i, want] of [plain, withStamp, withErrors, odd, plain].entries()) {
    // The last one read back into spare memory.
    if (i === 4) {
      spares.give(new ArrayBuffer(want.numbers.byteLength));
    }
    const got = spill.shift(i === 4 ? spares : undefined) as RecordBatch;
    assert.deepEqual({ ...got, numbers: [...got.numbers] }, { ...want, numbers: [...want.numbers] }, `batch ${i}`);
  }
  spill.close();
});

test('where no temporary file can be made, batches stay in memory: nothing is lost', () => {
  const notAFolder = join(dir, 'a-file');
  writeFileSync(notAFolder, '');
  process.env.TMPDIR = notAFolder;
  const before = spilledBatches();
  const spill = new RecordSpill();
  const written = Array.from({ length: 5 }, (_, k) => batchOf(k, 9));
  for (const batch of written) {
    assert.equal(spill.write(batch), false, 'kept in memory: its buffer not to be used again');
  }
  assert.equal(spilledBatches(), before, 'nothing written to a file');
  assert.equal(spillFileOpen(), false);
  for (const want of written) {
    assert.deepEqual(unpackRecords(spill.shift() as RecordBatch), unpackRecords(want));
  }
  assert.equal(spill.shift(), undefined);
  spill.close();
  // Made again for the next spill once it can be.
  process.env.TMPDIR = dir;
  const next = new RecordSpill();
  next.write(batchOf(1, 3));
  assert.equal(spilledBatches(), before + 1);
  assert.deepEqual(unpackRecords(next.shift() as RecordBatch), unpackRecords(batchOf(1, 3)));
  next.close();
  assert.equal(spillFileOpen(), false);
});

test('read back into spare memory holding other numbers: the same records, in the spare buffer, the rest apart', () => {
  process.env.TMPDIR = dir;
  const spill = new RecordSpill();
  const written = Array.from({ length: 6 }, (_, k) => batchOf(k, 20 + k));
  for (const batch of written) {
    assert.equal(spill.write(batch), true, 'on disk: its buffer may be used again');
  }
  const spares = new SpareBufferList();
  // The largest batch's numbers: 25 records of 6 numbers.
  const large = new Float64Array(25 * 6 + 4).fill(-3).buffer;
  const small = new Float64Array(6).fill(-3).buffer;
  spares.give(large);
  spares.give(small);
  const first = spill.shift(spares) as RecordBatch;
  assert.equal(first.numbers.buffer, large, 'its numbers read into the spare large enough (the smaller let go)');
  assert.equal(spares.count, 0);
  assert.deepEqual(unpackRecords(first), unpackRecords(written[0] as RecordBatch));
  assert.deepEqual(
    { lines: first.lines, malformed: first.malformed, bytes: first.bytes },
    { lines: 1, malformed: 0, bytes: 0 },
  );
  for (const want of written.slice(1)) {
    // Merged, its memory given back, and the next read into it.
    spares.give(large);
    const got = spill.shift(spares) as RecordBatch;
    assert.equal(got.numbers.buffer, large);
    assert.deepEqual(unpackRecords(got), unpackRecords(want));
    assert.equal(got.lines, want.lines);
  }
  // Without a spare large enough, memory of its own.
  spill.write(batchOf(7, 40));
  spares.give(small);
  const own = spill.shift(spares) as RecordBatch;
  assert.notEqual(own.numbers.buffer, small);
  assert.deepEqual(unpackRecords(own), unpackRecords(batchOf(7, 40)));
  spill.close();
});
