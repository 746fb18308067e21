/**
 * Compressed sources' chunk size: 1 MiB while they are few, less as they grow in number (every source of a merge is
 * held open with its buffers), never below 64 KiB.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCHES_PER_READ } from '../../../src/adapters/logfiles/read-size.js';
import { PROBES_AT_ONCE, STREAMS_HELD_AT_ONCE } from '../../../src/adapters/logfiles/stream-input.js';
import {
  batchRecordsFor,
  READ_AHEAD,
  READ_AHEAD_TOTAL,
  readAheadFor,
  readRecordsFor,
  streamChunkBytesFor,
  streamsReadAtOnce,
} from '../../../src/app/analyze/worker-protocol.js';

test('compressed sources read smaller chunks as they grow in number, within bounds', () => {
  assert.equal(streamChunkBytesFor(0), 1 << 20);
  assert.equal(streamChunkBytesFor(1), 1 << 20);
  assert.equal(streamChunkBytesFor(4), 1 << 20);
  assert.equal(streamChunkBytesFor(8), 512 << 10);
  assert.equal(streamChunkBytesFor(64), 64 << 10);
  assert.equal(streamChunkBytesFor(10_000), 64 << 10);
  // What all of them hold together stays bounded until the floor.
  for (const n of [1, 2, 5, 10, 20, 40, 64]) {
    assert.ok(n * streamChunkBytesFor(n) <= 4 << 20, `${n} sources`);
  }
});

test('.gz files let go after their first batch get chunks sized for those a thread reads at once', () => {
  const atOnce = STREAMS_HELD_AT_ONCE + PROBES_AT_ONCE;
  assert.equal(streamsReadAtOnce(1_000, 1_000, true), atOnce);
  assert.equal(streamsReadAtOnce(1_010, 1_000, true), atOnce + 10, 'archives and stdin besides');
  assert.equal(streamsReadAtOnce(10, 10, true), 10);
  assert.equal(streamsReadAtOnce(1_000, 1_000, false), 1_000, 'not let go: every one held');
  // Larger chunks than the floor for 1,000 rotated pieces, within the total.
  const chunk = streamChunkBytesFor(streamsReadAtOnce(1_000, 1_000, true));
  assert.ok(chunk > 64 << 10 && atOnce * chunk <= 4 << 20, `${chunk} bytes`);
});

test('records a read may add: four batches with few sources, one batch with many, their total flat between', () => {
  // A source read alone takes batches four times as large (worker-protocol.ts SINGLE_SOURCE_BATCH_RECORDS).
  assert.equal(batchRecordsFor(1), 4 * 512);
  assert.equal(readRecordsFor(1), BATCHES_PER_READ * 4 * 512);
  assert.equal(batchRecordsFor(2), 512);
  assert.equal(readRecordsFor(2), BATCHES_PER_READ * 512);
  assert.equal(readRecordsFor(16), BATCHES_PER_READ * 512);
  assert.equal(readRecordsFor(50), BATCHES_PER_READ * batchRecordsFor(50));
  assert.equal(readRecordsFor(2_000), batchRecordsFor(2_000));
  for (const n of [1, 2, 16, 17, 50, 100, 128, 129, 300, 512, 1_000, 4_000, 100_000]) {
    const records = readRecordsFor(n);
    assert.ok(records >= batchRecordsFor(n) && records <= BATCHES_PER_READ * batchRecordsFor(n), `${n} sources`);
    // What one read of each source may add, together: flat until every source is down to one batch a read.
    assert.ok(n * records <= Math.max(BATCHES_PER_READ * 512 * 16, n * batchRecordsFor(n)), `${n} sources`);
  }
});

test('batches read ahead: deep with few sources, a share of a flat total with many, one at least', () => {
  assert.equal(readAheadFor(1), READ_AHEAD);
  assert.equal(readAheadFor(16), READ_AHEAD);
  assert.equal(readAheadFor(100), Math.floor(READ_AHEAD_TOTAL / 100));
  assert.equal(readAheadFor(4_000), 1);
  for (const n of [17, 100, 512, 1_024]) {
    assert.ok(n * readAheadFor(n) <= READ_AHEAD_TOTAL, `${n} sources`);
  }
});
