/** The full collection asked for after the start-up replay really collects (and needs no flag at start). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseMemory } from '../../../src/app/daemon/release-memory.js';

test('releaseMemory collects the garbage a replay leaves behind', () => {
  releaseMemory();
  const before = process.memoryUsage().heapUsed;
  let garbage: number[][] | undefined = Array.from({ length: 200 }, () => Array.from({ length: 50_000 }, (_, i) => i));
  assert.ok(process.memoryUsage().heapUsed - before > 30e6, 'the garbage was allocated');
  garbage = undefined;
  assert.equal(garbage, undefined);
  releaseMemory();
  assert.ok(process.memoryUsage().heapUsed - before < 10e6, `heap after: ${process.memoryUsage().heapUsed - before}`);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'no gc() left on the global object');
});
