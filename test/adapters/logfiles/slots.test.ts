/** A thread's slots for a kind of reading (slots.ts): at most so many at once, the others served in turn. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Slots } from '../../../src/adapters/logfiles/slots.js';

test('at most `count` hold a slot at once; the waiting get theirs in the order they asked', async () => {
  const slots = new Slots(2);
  let holding = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 7 }, async (_, k) => {
      await slots.take();
      order.push(k);
      holding++;
      most = Math.max(most, holding);
      // Held over a few turns of the event loop, as a reading is.
      for (let i = 0; i < 1 + (k % 3); i++) {
        await turn();
      }
      holding--;
      slots.give();
    }),
  );
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
  // All given back: two can be taken at once again, without waiting.
  await slots.take();
  await slots.take();
  let third = false;
  const waiting = slots.take().then(() => {
    third = true;
  });
  await turn();
  assert.equal(third, false);
  slots.give();
  await waiting;
  assert.equal(third, true);
});

test('tryTake takes a free slot without waiting, and says so when none is free', () => {
  const slots = new Slots(1);
  assert.equal(slots.tryTake(), true);
  assert.equal(slots.tryTake(), false);
  slots.give();
  assert.equal(slots.tryTake(), true);
});
