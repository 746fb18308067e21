import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignReaders, mainShare } from '../../../src/app/analyze/read-plan.js';

function bytesPerReader(sizes: number[], readers: number[]): Map<number, number> {
  const m = new Map<number, number>();
  readers.forEach((r, i) => {
    m.set(r, (m.get(r) ?? 0) + (sizes[i] as number));
  });
  return m;
}

describe('read plan', () => {
  test('the main thread reads less the more workers there are, nothing beside many', () => {
    assert.equal(mainShare(0), 1);
    assert.ok(Math.abs(mainShare(1, 0.3) - 0.35) < 1e-9);
    assert.ok(mainShare(1) > 0.2 && mainShare(1) < 0.4);
    assert.ok(mainShare(2, 0.3) < mainShare(1, 0.3));
    assert.equal(mainShare(4, 0.3), 0);
  });

  test('a worker on every core: the main thread reads nothing; one core spare: it reads its share', () => {
    assert.equal(mainShare(2, 0.3, 2), 0);
    assert.equal(mainShare(3, 0.1, 2), 0);
    assert.equal(mainShare(1, 0.3, 2), mainShare(1, 0.3));
    const readers = assignReaders(new Array(10).fill(150e6), 2, mainShare(2, 0.3, 2));
    assert.ok(readers.every((r) => r === 0 || r === 1));
    assert.equal(readers.filter((r) => r === 0).length, 5);
  });

  test('ten equal files, one worker: the main thread reads about a third, the worker the rest', () => {
    const sizes = new Array(10).fill(150e6);
    const readers = assignReaders(sizes, 1, 0.35);
    const load = bytesPerReader(sizes, readers);
    assert.deepEqual([...load.keys()].sort(), [-1, 0]);
    assert.ok((load.get(-1) as number) >= 3 * 150e6 && (load.get(-1) as number) <= 4 * 150e6);
  });

  test('every source gets a reader in range; no worker is left idle while files remain for it', () => {
    const sizes = [5, 900, 30, 30, 30, 0, 400, 1];
    for (const workers of [1, 2, 3]) {
      const readers = assignReaders(sizes, workers);
      assert.equal(readers.length, sizes.length);
      assert.ok(readers.every((r) => r >= -1 && r < workers));
      assert.equal(new Set(readers.filter((r) => r >= 0)).size, workers);
    }
  });

  test('no workers: everything in the main thread', () => {
    assert.deepEqual(assignReaders([1, 2, 3], 0), [-1, -1, -1]);
  });
});
