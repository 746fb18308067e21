/**
 * Compressed sources' chunk size: 1 MiB while they are few, less as they grow in number (every source of a merge is
 * held open with its buffers), never below 64 KiB.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamChunkBytesFor } from '../../../src/app/analyze/worker-protocol.js';

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
