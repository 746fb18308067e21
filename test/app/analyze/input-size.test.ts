import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inputReaches } from '../../../src/app/analyze/input-size.js';
import { defaultScanWorkers, SCAN_WORKERS_MIN_BYTES } from '../../../src/app/analyze/scan-pool.js';
import { tempDir } from '../../sim/helpers.js';

test('scan workers by default only from SCAN_WORKERS_MIN_BYTES of input', () => {
  assert.equal(defaultScanWorkers(0), 0);
  assert.equal(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES - 1), 0);
  assert.ok(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES) >= 1);
});

test('inputReaches: files and folders below the paths count, unreadable paths and stdin count nothing', (t) => {
  const dir = tempDir(t, 'wbguard-input-size-');
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'one.log'), 'x'.repeat(100));
  writeFileSync(join(dir, 'a', 'two.log'), 'x'.repeat(50));
  writeFileSync(join(dir, 'a', 'b', 'three.log'), 'x'.repeat(25));
  assert.equal(inputReaches([dir], 175), true);
  assert.equal(inputReaches([dir], 176), false);
  assert.equal(inputReaches([join(dir, 'a')], 75), true);
  assert.equal(inputReaches([join(dir, 'a')], 76), false);
  assert.equal(inputReaches([join(dir, 'one.log'), join(dir, 'a', 'two.log')], 150), true);
  assert.equal(inputReaches(['-', join(dir, 'missing'), 'UTC'], 1), false);
  assert.equal(inputReaches([], 0), false);
});
