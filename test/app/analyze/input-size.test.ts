import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { INPUT_PATHS_LOOKED_AT, scanWorkersToPrestart, tallyInput } from '../../../src/app/analyze/input-size.js';
import {
  defaultScanWorkers,
  isRecordDense,
  RECORD_DENSE_BYTES,
  recordsMayDecide,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILES,
  SCAN_WORKERS_MIN_RECORDS,
  splitWorkers,
} from '../../../src/app/analyze/scan-pool.js';
import { singleFile } from '../../../src/app/analyze/worker-decision.js';
import {
  DENSE_READ_AHEAD,
  READ_AHEAD,
  READ_AHEAD_TOTAL,
  readAheadFor,
} from '../../../src/app/analyze/worker-protocol.js';
import { tempDir } from '../../sim/helpers.js';

/** Whether a walk of `paths` reaches `min` bytes in files of `minFileBytes` or more, in `minFiles` sources or more. */
const inputReaches = (paths: readonly string[], min: number, minFileBytes = 0, minFiles = 1) =>
  tallyInput(paths, (t) => t.largeBytes >= min && t.files >= minFiles, minFileBytes).outcome === 'stopped';
/** The single plain file `paths` hold, as a walk of them to their end finds it. */
const singlePlainFile = (paths: readonly string[]) => {
  const { outcome, tally } = tallyInput(paths, () => false);
  return outcome === 'walked' ? singleFile(tally) : undefined;
};
const singleSize = (paths: readonly string[]) => singlePlainFile(paths)?.size ?? 0;

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

test('singlePlainFile: the one plain file named, else none', (t) => {
  const dir = tempDir(t, 'wbguard-single-file-');
  writeFileSync(join(dir, 'one.log'), 'x'.repeat(100));
  writeFileSync(join(dir, 'two.log'), 'x'.repeat(50));
  writeFileSync(join(dir, 'three.log.gz'), 'x'.repeat(25));
  assert.deepEqual(singlePlainFile([join(dir, 'one.log')]), { path: join(dir, 'one.log'), size: 100 });
  assert.equal(singleSize(['--tz', 'Europe/Berlin', join(dir, 'one.log'), '--json']), 100, 'options are not paths');
  assert.equal(singleSize([join(dir, 'one.log'), join(dir, 'two.log')]), 0, 'two files');
  assert.equal(singleSize([dir]), 0, 'a folder');
  assert.equal(singleSize([join(dir, 'three.log.gz')]), 0, 'compressed');
  assert.equal(singleSize(['-']), 0, 'stdin');
  assert.equal(singleSize([join(dir, 'missing.log')]), 0);
});

test('singlePlainFile: a folder holding one log, as the analysis lists it, is that file', (t) => {
  const dir = tempDir(t, 'wbguard-single-file-');
  mkdirSync(join(dir, 'cluster', 'inner'), { recursive: true });
  writeFileSync(join(dir, 'cluster', 'inner', 'cms.log'), 'x'.repeat(100));
  // Passed over by the analysis's listing (sources.ts): a hidden file, a file that is certainly not a log, a hidden folder.
  writeFileSync(join(dir, 'cluster', '.complete'), '');
  writeFileSync(join(dir, 'cluster', 'state.json'), '{}');
  mkdirSync(join(dir, 'cluster', '.cache'));
  writeFileSync(join(dir, 'cluster', '.cache', 'other.log'), 'x'.repeat(10));
  assert.equal(singleSize([join(dir, 'cluster')]), 100);
  assert.equal(singleSize(['--json', join(dir, 'cluster', 'inner')]), 100);
  // A file of a skipped kind named on the command line is read, and so is one more log.
  assert.equal(singleSize([join(dir, 'cluster'), join(dir, 'cluster', 'state.json')]), 0);
  writeFileSync(join(dir, 'cluster', 'cms.log.1.gz'), 'x');
  assert.equal(singleSize([join(dir, 'cluster')]), 0, 'two logs');
  mkdirSync(join(dir, 'gz'));
  writeFileSync(join(dir, 'gz', 'cms.log.gz'), 'x'.repeat(100));
  assert.equal(singleSize([join(dir, 'gz')]), 0, 'one compressed log');
  assert.equal(singleSize([join(dir, 'gz'), '-']), 0, 'and standard input');
});

test('tallyInput, stopped at enough bytes: files and folders below the paths count, unreadable paths and stdin count nothing', (t) => {
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

test('tallyInput, stopped at enough bytes: with minFiles, enough bytes in fewer files is not enough (one file is read in the main thread)', (t) => {
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

test('tallyInput, stopped at enough bytes: files below minFileBytes count nothing; past INPUT_PATHS_LOOKED_AT paths it answers false', (t) => {
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

test('below the bytes, input holding SCAN_WORKERS_MIN_RECORDS records (estimated) is read with scan workers too', () => {
  const others = availableParallelism() - 1;
  const mb100 = 100_000_000;
  assert.equal(splitWorkers(mb100, undefined, undefined, SCAN_WORKERS_MIN_RECORDS), others);
  assert.equal(splitWorkers(mb100, undefined, undefined, SCAN_WORKERS_MIN_RECORDS - 1), 0);
  assert.equal(splitWorkers(mb100, 0, undefined, 10 * SCAN_WORKERS_MIN_RECORDS), 0, '--jobs 0 decides');
  assert.equal(defaultScanWorkers(mb100, 9, SCAN_WORKERS_MIN_RECORDS), availableParallelism());
  assert.equal(defaultScanWorkers(mb100, 9, SCAN_WORKERS_MIN_RECORDS - 1), 0);
  assert.equal(defaultScanWorkers(mb100, 1, 10 * SCAN_WORKERS_MIN_RECORDS), 0, 'one file is read in segments instead');
  // Sampled only where the records may decide: below the bytes that decide alone, with room for that many records.
  assert.equal(recordsMayDecide(SCAN_WORKERS_MIN_BYTES), false);
  assert.equal(recordsMayDecide(1_000_000), false);
  assert.equal(recordsMayDecide(mb100), true);
  assert.equal(recordsMayDecide(100_000, 1000), true);
});

/** `lines` lines: one in `every` a Web Bridge Stats line, the others Call Bridge chatter. */
function logLines(lines: number, every: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      i % every === 0
        ? `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:${i}`
        : `Oct  1 00:00:${String(i % 60).padStart(2, '0')}.000 user.info cms1 host:server: INFO : call ${i}: ordinary chatter`,
    );
  }
  return `${out.join('\n')}\n`;
}

test('scanWorkersToPrestart: a record-dense input gets the workers its analysis will use, a sparse one of the same size none', (t) => {
  const dir = tempDir(t, 'wbguard-prestart-');
  const others = availableParallelism() - 1;
  writeFileSync(join(dir, 'dense.log'), logLines(20_000, 1));
  writeFileSync(join(dir, 'sparse.log'), logLines(20_000, 100));
  // 20,000 records against 200: a minimum of 5,000 (the default's bytes would take 40 MB a test).
  assert.equal(
    scanWorkersToPrestart([join(dir, 'dense.log')], { minRecords: 5000 }),
    others,
    'one file: a worker per other core',
  );
  assert.equal(scanWorkersToPrestart([join(dir, 'sparse.log')], { minRecords: 5000 }), 0);
  assert.equal(scanWorkersToPrestart([join(dir, 'dense.log')]), 0, 'the default minimum: far more records');
  mkdirSync(join(dir, 'dense'));
  mkdirSync(join(dir, 'sparse'));
  for (const name of ['cms1.log', 'cms2.log']) {
    writeFileSync(join(dir, 'dense', name), logLines(20_000, 1));
    writeFileSync(join(dir, 'sparse', name), logLines(20_000, 100));
  }
  assert.equal(
    scanWorkersToPrestart([join(dir, 'dense')], { minRecords: 10_000 }),
    availableParallelism(),
    'several files: per core',
  );
  assert.equal(scanWorkersToPrestart([join(dir, 'sparse')], { minRecords: 10_000 }), 0);
  assert.equal(
    scanWorkersToPrestart([join(dir, 'dense'), '-'], { minRecords: 10_000 }),
    availableParallelism(),
    'stdin aside',
  );
});

test('record-dense input (a record every RECORD_DENSE_BYTES or fewer) is read DENSE_READ_AHEAD batches ahead', () => {
  assert.equal(isRecordDense(1 / RECORD_DENSE_BYTES), true);
  assert.equal(isRecordDense(1 / (RECORD_DENSE_BYTES + 1)), false);
  assert.equal(isRecordDense(1 / 10_000), false, 'a CMS log');
  assert.equal(readAheadFor(9), READ_AHEAD);
  assert.equal(readAheadFor(9, true), DENSE_READ_AHEAD);
  // Past 16 sources each gets a share of READ_AHEAD_TOTAL, the dense ones no more than DENSE_READ_AHEAD.
  assert.equal(readAheadFor(100), Math.floor(READ_AHEAD_TOTAL / 100));
  assert.equal(readAheadFor(100, true), Math.min(DENSE_READ_AHEAD, Math.floor(READ_AHEAD_TOTAL / 100)));
  assert.equal(readAheadFor(4000, true), 1);
});
