/**
 * A thread's spare memory for batches' numbers (spare-buffers.ts): the buffer given last comes back first if it is
 * large enough, smaller ones are let go, empty (moved) buffers are not kept, and what it holds stays bounded (the
 * oldest let go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpareBufferList } from '../../../src/adapters/logfiles/spare-buffers.js';

test('the last buffer given that is large enough; smaller ones on top are let go', () => {
  const spares = new SpareBufferList();
  const large = new ArrayBuffer(4096);
  const small = new ArrayBuffer(64);
  spares.give(large);
  spares.give(small);
  assert.equal(spares.bytes, 4160);
  assert.equal(spares.take(64), small, 'the last given, when it fits');
  spares.give(small);
  assert.equal(spares.take(1024), large, 'past the smaller one');
  assert.equal(spares.count, 0, 'the smaller one let go on the way');
  assert.equal(spares.bytes, 0);
  assert.equal(spares.take(8), undefined, 'none left');
});

test('a moved (empty) buffer is not kept; past its bound the buffers given first are let go', () => {
  const spares = new SpareBufferList(10_000);
  const moved = new ArrayBuffer(1024);
  structuredClone(moved, { transfer: [moved] });
  assert.equal(moved.byteLength, 0);
  spares.give(moved);
  assert.equal(spares.count, 0);
  const given = Array.from({ length: 5 }, () => new ArrayBuffer(4096));
  for (const b of given) {
    spares.give(b);
  }
  assert.equal(spares.count, 2, 'two of 4 KB fit in 10,000 bytes');
  assert.equal(spares.bytes, 8192);
  assert.equal(spares.take(4096), given[4], 'the last given kept');
  assert.equal(spares.take(4096), given[3]);
  spares.give(new ArrayBuffer(20_000));
  assert.equal(spares.count, 0, 'larger than the bound: not kept');
});
