/**
 * The verification wait leaves no abort listener behind (a daemon waits thousands of times on one signal), and
 * still ends at once when the signal aborts.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { sleepUnlessAborted } from '../../../src/app/restart/orchestrator.js';

test('a thousand waits on one signal leave no listener; an abort ends a wait at once', async () => {
  const stop = new AbortController();
  const instant = () => Promise.resolve();
  for (let i = 0; i < 1000; i++) {
    await sleepUnlessAborted(instant, 10, stop.signal);
  }
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  const never = () => new Promise<void>(() => {});
  const waiting = sleepUnlessAborted(never, 60_000, stop.signal);
  stop.abort();
  await waiting;
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
});
