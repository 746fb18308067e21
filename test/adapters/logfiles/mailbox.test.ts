/** A thread's messages for one reader (mailbox.ts): taken in the order they came, whether they came before or after. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mailbox } from '../../../src/adapters/logfiles/mailbox.js';

test('messages are taken in the order they came, those waited for and those kept alike', async () => {
  const box = new Mailbox<number>();
  box.put(1);
  box.put(2);
  assert.equal(await box.take(), 1);
  const waited = box.take();
  // Not the one kept back for later: the second kept message is next.
  assert.equal(await waited, 2);
  const later = box.take();
  let settled = false;
  void later.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'nothing there: it waits');
  box.put(3);
  box.put(4);
  assert.equal(await later, 3);
  assert.equal(await box.take(), 4);
});
