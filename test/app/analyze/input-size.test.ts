import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { INPUT_PATHS_LOOKED_AT, inputReaches, singlePlainFileBytes } from '../../../src/app/analyze/input-size.js';
import {
  defaultScanWorkers,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILES,
  splitWorkers,
} from '../../../src/app/analyze/scan-pool.js';
import { tempDir } from '../../sim/helpers.js';

test('scan workers by default only from SCAN_WORKERS_MIN_BYTES of input in SCAN_WORKERS_MIN_FILES files', () => {
  assert.equal(SCAN_WORKERS_MIN_FILES, 2);
  assert.equal(defaultScanWorkers(0, 10), 0);
  assert.equal(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES - 1, 10), 0);
  assert.ok(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES, 2) >= 1);
  assert.equal(defaultScanWorkers(SCAN_WORKERS_MIN_BYTES * 2, 1), 0, 'one file is read in the main thread');
});

test('one file is read in segments from SCAN_WORKERS_MIN_BYTES on by a worker per other core; with --jobs at any size', () => {
  const others = availableParallelism() - 1;
  assert.equal(splitWorkers(SCAN_WORKERS_MIN_BYTES - 1), 0);
  assert.equal(splitWorkers(SCAN_WORKERS_MIN_BYTES), others);
  assert.equal(splitWorkers(SCAN_WORKERS_MIN_BYTES, 0), 0, '--jobs 0: one thread');
  assert.equal(splitWorkers(SCAN_WORKERS_MIN_BYTES, 1), Math.min(1, others));
  assert.equal(splitWorkers(1000, 1), Math.min(1, others), '--jobs whatever the size');
  assert.equal(splitWorkers(10, undefined, 10), others, 'the size asked for (tests)');
});

test('singlePlainFileBytes: the size of the one plain file named, else 0', (t) => {
  const dir = tempDir(t, 'wbguard-single-file-');
  writeFileSync(join(dir, 'one.log'), 'x'.repeat(100));
  writeFileSync(join(dir, 'two.log'), 'x'.repeat(50));
  writeFileSync(join(dir, 'three.log.gz'), 'x'.repeat(25));
  assert.equal(singlePlainFileBytes([join(dir, 'one.log')]), 100);
  assert.equal(
    singlePlainFileBytes(['--tz', 'Europe/Berlin', join(dir, 'one.log'), '--json']),
    100,
    'options are not paths',
  );
  assert.equal(singlePlainFileBytes([join(dir, 'one.log'), join(dir, 'two.log')]), 0, 'two files');
  assert.equal(singlePlainFileBytes([dir]), 0, 'a folder');
  assert.equal(singlePlainFileBytes([join(dir, 'three.log.gz')]), 0, 'compressed');
  assert.equal(singlePlainFileBytes(['-']), 0, 'stdin');
  assert.equal(singlePlainFileBytes([join(dir, 'missing.log')]), 0);
});

test('singlePlainFileBytes: a folder holding one log, as the analysis lists it, is that file', (t) => {
  const dir = tempDir(t, 'wbguard-single-file-');
  mkdirSync(join(dir, 'cluster', 'inner'), { recursive: true });
  writeFileSync(join(dir, 'cluster', 'inner', 'cms.log'), 'x'.repeat(100));
  // Passed over by the analysis's listing (sources.ts): a hidden file, a file that is certainly not a log, a hidden folder.
  writeFileSync(join(dir, 'cluster', '.complete'), '');
  writeFileSync(join(dir, 'cluster', 'state.json'), '{}');
  mkdirSync(join(dir, 'cluster', '.cache'));
  writeFileSync(join(dir, 'cluster', '.cache', 'other.log'), 'x'.repeat(10));
  assert.equal(singlePlainFileBytes([join(dir, 'cluster')]), 100);
  assert.equal(singlePlainFileBytes(['--json', join(dir, 'cluster', 'inner')]), 100);
  // A file of a skipped kind named on the command line is read, and so is one more log.
  assert.equal(singlePlainFileBytes([join(dir, 'cluster'), join(dir, 'cluster', 'state.json')]), 0);
  writeFileSync(join(dir, 'cluster', 'cms.log.1.gz'), 'x');
  assert.equal(singlePlainFileBytes([join(dir, 'cluster')]), 0, 'two logs');
  mkdirSync(join(dir, 'gz'));
  writeFileSync(join(dir, 'gz', 'cms.log.gz'), 'x'.repeat(100));
  assert.equal(singlePlainFileBytes([join(dir, 'gz')]), 0, 'one compressed log');
  assert.equal(singlePlainFileBytes([join(dir, 'gz'), '-']), 0, 'and standard input');
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
