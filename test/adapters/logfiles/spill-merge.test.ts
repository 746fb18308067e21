/**
 * Feeds merged by time into a temporary file of records and read back (spill-merge.ts), in memory used again: each
 * batch written gives its memory to the next one packed, and a feed of the file reads each batch into the memory of
 * the one before, once the merge asks for the next. The records are those a merge in memory gives.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { BatchFeed } from '../../../src/adapters/logfiles/merge-by-time.js';
import type { RecordBatch } from '../../../src/adapters/logfiles/read-batches.js';
import { RecordSpill } from '../../../src/adapters/logfiles/record-spill.js';
import { SpareBufferList } from '../../../src/adapters/logfiles/spare-buffers.js';
import { mergeIntoSpill, spillFeed } from '../../../src/adapters/logfiles/spill-merge.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { packRecords, unpackRecords } from '../../../src/core/packed-records.js';
import { scratchTmpdir } from '../../helpers/tmpdir.js';

const dir = scratchTmpdir('wbguard-spill-merge-test-');
before(() => {
  process.env.TMPDIR = dir;
});

/** Spare memory that counts what it lends. */
class CountingSpares extends SpareBufferList {
  lent = 0;
  override take(bytes: number): ArrayBuffer | undefined {
    const buffer = super.take(bytes);
    this.lent += buffer ? 1 : 0;
    return buffer;
  }
}

/** Web Bridge Stats records of `host` at `first`, `first + step`, …, `count` of them. */
function records(host: string, first: number, step: number, count: number): CmsRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'webbridge-stats' as const,
    at: first + i * step,
    host,
    active: i % 150,
    connects: i,
    disconnects: i >> 1,
  }));
}

/** A feed of `all` in batches of `size`. */
function feedOf(all: CmsRecord[], size: number): BatchFeed {
  let at = 0;
  return {
    source: { kind: 'plain', path: 'test', mtimeMs: 0, size: 0 },
    next: async () => {
      if (at >= all.length) {
        return undefined;
      }
      const batch: RecordBatch = {
        ...packRecords(all.slice(at, at + size)),
        lines: 0,
        malformed: 0,
        bytes: 0,
        errors: [],
      };
      at += size;
      return batch;
    },
  };
}

test('merged into a file, each batch packed into the memory of the one written before it: the records in time order', async () => {
  const a = records('cms1', 1000, 2, 3000);
  const b = records('cms2', 1001, 2, 3000);
  const spill = new RecordSpill();
  const spares = new CountingSpares();
  await mergeIntoSpill(
    [feedOf(a, 500), feedOf(b, 700)],
    spill,
    { batchRecords: 256, raw: true, spares },
    {
      onBatch() {},
      onError(path, message) {
        assert.fail(`${path}: ${message}`);
      },
    },
  );
  // 6,000 records in batches of 256: 24 written, each after the first packed into the memory of the one before.
  assert.ok(spares.lent >= 23, `${spares.lent} batches packed into memory given back`);
  assert.ok(spares.count <= 3, 'what is left: the last batch and what the first outgrew');
  const back: CmsRecord[] = [];
  for (let batch = spill.shift(); batch !== undefined; batch = spill.shift()) {
    back.push(...unpackRecords(batch));
  }
  spill.close();
  assert.deepEqual(
    back,
    [...a, ...b].sort((x, y) => x.at - y.at),
  );
});

test("a feed of the file reads each batch into the one before's memory once the next is asked for", async () => {
  const all = records('cms3', 5000, 10, 2048);
  const spill = new RecordSpill();
  for (let i = 0; i < all.length; i += 256) {
    spill.write({ ...packRecords(all.slice(i, i + 256)), lines: 0, malformed: 0, bytes: 0, errors: [] });
  }
  const spares = new SpareBufferList();
  const feed = spillFeed(spill, 'group', spares);
  const buffers = new Set<ArrayBuffer>();
  const back: CmsRecord[] = [];
  for (let batch = await feed.next(); batch !== undefined; batch = await feed.next()) {
    back.push(...unpackRecords(batch));
    buffers.add(batch.numbers.buffer);
  }
  spill.close();
  assert.deepEqual(back, all);
  assert.equal(buffers.size, 1, 'eight batches, one buffer');
});
