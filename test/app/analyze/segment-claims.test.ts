/**
 * Who reads which segment of a file read in segments (segment-claims.ts): the main thread from the front, workers
 * from the back, each segment taken once, the main thread's first segment always its own. Workers on real threads
 * take from the same memory in split-file.test.ts; here the rule, one step at a time, and two real threads racing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SegmentClaims } from '../../../src/app/analyze/segment-claims.js';
import { startModuleWorker } from '../../../src/worker-thread.js';

test('workers take from the back, the main thread from the front; each segment once; segment 0 the main thread’s', () => {
  const claims = new SegmentClaims(6);
  assert.equal(claims.count, 6);
  assert.equal(claims.takeFront(0), true);
  assert.equal(claims.takeBack(0), 5);
  assert.equal(claims.takeBack(1), 4);
  assert.equal(claims.workerOf(5), 0);
  assert.equal(claims.workerOf(4), 1);
  assert.equal(claims.workerOf(1), -1, 'nobody has it yet');
  assert.equal(claims.takeFront(1), true);
  assert.equal(claims.takeFront(2), true);
  assert.equal(claims.workerOf(2), -1, 'the main thread’s');
  // Worker 0 is handed 3 and takes it; worker 1 is handed 2, which the main thread has: it stops.
  assert.equal(claims.takeBack(0), 3);
  assert.equal(claims.takeBack(1), -1);
  assert.equal(claims.takeFront(3), false, 'a worker took it');
  assert.equal(claims.workerOf(3), 0);
  assert.equal(claims.takeFront(4), false);
  assert.equal(claims.takeBack(0), -1, 'nothing left');
});

test('a segment handed to a worker that the main thread reaches first is the main thread’s', () => {
  const claims = new SegmentClaims(3);
  claims.takeFront(0);
  claims.takeFront(1);
  claims.takeFront(2);
  assert.equal(claims.takeBack(0), -1);
  assert.equal(claims.takeBack(0), -1, 'segment 0 is never a worker’s');
});

test('two threads racing over the same memory: every segment taken exactly once', async () => {
  for (let round = 0; round < 5; round++) {
    const count = 1_000_000;
    const claims = new SegmentClaims(count);
    // A real thread takes from the back (test/helpers/claims-racer.ts) while this one takes from the front.
    const worker = startModuleWorker(new URL('../../helpers/claims-racer.ts', import.meta.url).href, 'claims-racer', {
      workerData: claims.buffer,
    });
    // The race starts once the worker has started taking (bounded wait).
    for (let k = 0; k < 500 && claims.workerOf(count - 1) < 0; k++) {
      await sleep(10);
    }
    assert.equal(claims.workerOf(count - 1), 0, 'the worker started');
    const front: number[] = [];
    for (let i = 0; i < count; i++) {
      if (claims.takeFront(i)) {
        front.push(i);
      }
    }
    const back = await new Promise<number[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const all = [...front, ...back].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: count }, (_, i) => i),
      'each segment once',
    );
    for (const i of back) {
      assert.equal(claims.workerOf(i), 0);
    }
  }
});

test('the bytes workers read add up in the shared memory, past 2 GiB, beside the claims', () => {
  const claims = new SegmentClaims(3);
  const seenByAWorker = new SegmentClaims(claims.buffer);
  assert.equal(claims.readByWorkers(), 0);
  seenByAWorker.noteRead(2 ** 31);
  seenByAWorker.noteRead(2 ** 31 + 5);
  assert.equal(claims.readByWorkers(), 2 ** 32 + 5);
  // The count does not disturb the claims.
  assert.equal(claims.count, 3);
  assert.equal(seenByAWorker.takeBack(0), 2);
  assert.equal(claims.workerOf(2), 0);
});
