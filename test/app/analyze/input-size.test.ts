import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { INPUT_PATHS_LOOKED_AT, inputReaches } from '../../../src/app/analyze/input-size.js';
import {
  defaultScanWorkers,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILES,
} from '../../../src/app/analyze/scan-pool.js';
import { tempDir } from '../../sim/helpers.js';

test('scan workers by default only from SCAN_WORKERS_MIN_BYTES of input in SCAN_WORKERS_MIN_FILES files', () => {
  assert.equal(SCAN_WORKERS_MIN_FILES, 2);
  assert.equal(defaultScanWorkers(0, 10), 0);
  assert.equal(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES - 1, 10), 0);
  assert.ok(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES, 2) >= 1);
  assert.equal(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES * 2, 1), 0, 'one file is read in the main thread');
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

test('inputReaches: with minFiles, enough bytes in fewer files is not enough (one file is read in the main thread)', (t) => {
  const dir = tempDir(t, 'wbguard-input-size-');
  mkdirSync(join(dir, 'one'));
  writeFileSync(join(dir, 'one', 'big.log'), 'x'.repeat(100));
  assert.equal(inputReaches([join(dir, 'one')], 100, 0, 1), true);
  assert.equal(inputReaches([join(dir, 'one')], 100, 0, 2), false, 'a folder of one file');
  assert.equal(inputReaches([join(dir, 'one', 'big.log')], 100, 0, 2), false, 'one file named');
  // A second file of any size makes two: small files are sources all the same (the bytes are counted from large ones).
  writeFileSync(join(dir, 'one', 'small.log'), 'x');
  assert.equal(inputReaches([join(dir, 'one')], 100, 50, 2), true);
  assert.equal(inputReaches([join(dir, 'one', 'big.log'), join(dir, 'one', 'small.log')], 100, 50, 2), true);
  assert.equal(inputReaches([join(dir, 'one', 'big.log'), '-'], 100, 0, 2), false, 'stdin is not a file');
});

test('inputReaches: files below minFileBytes count nothing; past INPUT_PATHS_LOOKED_AT paths it answers false', (t) => {
  const dir = tempDir(t, 'wbguard-input-size-');
  writeFileSync(join(dir, 'large.log'), 'x'.repeat(100));
  writeFileSync(join(dir, 'small.log'), 'x'.repeat(99));
  assert.equal(inputReaches([dir], 199, 0), true);
  assert.equal(inputReaches([dir], 101, 100), false, 'the small file does not count');
  assert.equal(inputReaches([dir], 100, 100), true);
  // A folder of more small files than are looked at, then a large one: not reached (the walk gave up first).
  const many = join(dir, 'many');
  mkdirSync(many);
  for (let i = 0; i < INPUT_PATHS_LOOKED_AT; i++) {
    writeFileSync(join(many, `a${String(i).padStart(5, '0')}.log`), '');
  }
  writeFileSync(join(many, 'z-large.log'), 'x'.repeat(100));
  assert.equal(inputReaches([many], 100, 100), false);
  assert.equal(inputReaches([join(many, 'z-large.log'), many], 100, 100), true, 'reached before the limit');
});
