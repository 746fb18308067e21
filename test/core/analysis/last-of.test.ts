import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastOf } from '../../../src/core/analysis/last-of.js';

test('lastOf: the last element, undefined for an empty array (never a property named -1)', () => {
  assert.equal(lastOf([]), undefined);
  assert.equal(lastOf([7]), 7);
  assert.equal(lastOf([1, 2, 3]), 3);
  const odd: number[] = [];
  // An array given a property "-1" (as `a[a.length - 1] = x` on an empty one would): still empty to lastOf.
  (odd as unknown as Record<string, number>)['-1'] = 5;
  assert.equal(lastOf(odd), undefined);
  assert.deepEqual(lastOf([{ end: null }]), { end: null });
});
