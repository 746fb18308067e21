/**
 * ReadSize: a source's reads shrink where its records are dense and grow back where they are not, in whole pages,
 * between a 16 KiB floor and the maximum.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FIRST_READ_BYTES, MIN_READ_BYTES, ReadSize } from '../../../src/adapters/logfiles/read-size.js';

test('starts at the first read, shrinks in proportion to the density, grows back by doubling', () => {
  const size = new ReadSize(1 << 20, 512);
  assert.equal(size.next, FIRST_READ_BYTES);
  // 64 KiB gave 2,048 records (32 bytes each): the next read is sized for 512 of them, in whole pages.
  size.update(FIRST_READ_BYTES, 2048);
  assert.equal(size.next, 16 << 10);
  // Denser still: not below the floor.
  size.update(16 << 10, 10_000);
  assert.equal(size.next, MIN_READ_BYTES);
  // Sparse again (at most half the aim): doubles, up to the maximum.
  size.update(MIN_READ_BYTES, 10);
  assert.equal(size.next, 32 << 10);
  for (let i = 0; i < 10; i++) {
    size.update(size.next, 0);
  }
  assert.equal(size.next, 1 << 20);
  // Between half the aim and the aim: unchanged.
  size.update(1 << 20, 300);
  assert.equal(size.next, 1 << 20);
  // A read cut short (a stream's slice at the end of its chunk) adding few says nothing of the density: unchanged.
  const short = new ReadSize(1 << 20, 512);
  short.update(4096, 3);
  assert.equal(short.next, FIRST_READ_BYTES);
  short.update(FIRST_READ_BYTES, 3);
  assert.equal(short.next, 2 * FIRST_READ_BYTES);
});

test('any sequence of reads: whole pages between the floor and the maximum; a read over the aim shrinks the next', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }).map((pages) => (pages * 16) << 10),
      fc.integer({ min: 1, max: 4096 }),
      fc.array(fc.nat({ max: 50_000 }), { maxLength: 60 }),
      (max, aim, addedPerRead) => {
        const size = new ReadSize(max, aim);
        for (const added of addedPerRead) {
          const before = size.next;
          size.update(before, added);
          const next = size.next;
          assert.equal(next % 4096, 0, `${next} is not whole pages`);
          assert.ok(next >= MIN_READ_BYTES && next <= Math.max(max, MIN_READ_BYTES), `${next} outside the bounds`);
          if (added > aim) {
            // Sized for the aim at this density (or the floor), so never larger than the read that overshot.
            assert.ok(next <= Math.max(MIN_READ_BYTES, before), `${before} → ${next} after ${added} records`);
            assert.ok(next === MIN_READ_BYTES || (next * added) / before <= aim, `${next} bytes hold more than ${aim}`);
          }
        }
      },
    ),
  );
});

test('a new aim takes effect at the next read: reads grow back for more records, shrink for fewer', () => {
  const size = new ReadSize(1 << 20, 512);
  // 32 bytes a record: sized for 512 of them.
  size.update(FIRST_READ_BYTES, 2048);
  assert.equal(size.next, 16 << 10);
  // Resized to 4,096 records: 512 read are at most half of that, so reads double again (not below the aim's size).
  size.aim(4096);
  size.update(16 << 10, 512);
  assert.equal(size.next, 32 << 10);
  size.update(32 << 10, 1024);
  assert.equal(size.next, 64 << 10);
  // Resized to 256: a read of 2,048 is over it, and the next is sized for 256 at that density.
  size.aim(256);
  size.update(64 << 10, 2048);
  assert.equal(size.next, MIN_READ_BYTES);
});
