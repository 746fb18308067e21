/**
 * The decision on scan workers (worker-decision.ts), taken in one place for the analysis and for the CLI that starts
 * workers early: the counts, the records that decide, and the two deciding alike on real files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzePaths } from '../../../src/app/analyze/index.js';
import { scanWorkersToPrestart } from '../../../src/app/analyze/input-size.js';
import { FILES_SAMPLED } from '../../../src/app/analyze/record-density.js';
import {
  RECORDS_MIN_FILE_BYTES,
  SCAN_WORKERS_MIN_BYTES,
  SCAN_WORKERS_MIN_FILE_BYTES,
  SCAN_WORKERS_MIN_RECORDS,
  scanWorkersTaken,
} from '../../../src/app/analyze/scan-pool.js';
import {
  countSource,
  emptyTally,
  recordsDeciding,
  recordsToEstimate,
  type SourceTally,
  scanWorkersFor,
  singleFile,
} from '../../../src/app/analyze/worker-decision.js';
import { jobsAsked } from '../../../src/app/cli/prestart.js';
import { tempDir } from '../../sim/helpers.js';

const MB = 1 << 20;
const cores = availableParallelism();

/** A tally of plain files of these sizes (`-` for standard input), in order. */
function tallyOf(sizes: ReadonlyArray<number | '-'>, plain = true): SourceTally {
  const t = emptyTally();
  for (const [i, size] of sizes.entries()) {
    if (size === '-') {
      countSource(t, 0, false, '-', true);
    } else {
      countSource(t, size, plain, `f${i}.log`);
    }
  }
  return t;
}

test('sources counted: files, large bytes, plain bytes and the first plain files to sample; the single file', () => {
  const between = RECORDS_MIN_FILE_BYTES + 1;
  assert.ok(between < SCAN_WORKERS_MIN_FILE_BYTES);
  const t = tallyOf([100, SCAN_WORKERS_MIN_FILE_BYTES, between, '-']);
  assert.equal(t.sources, 4);
  assert.equal(t.files, 3);
  assert.equal(t.largeBytes, SCAN_WORKERS_MIN_FILE_BYTES, 'smaller files count no bytes towards the gigabyte');
  assert.equal(t.plainBytes, SCAN_WORKERS_MIN_FILE_BYTES + between, 'but are sampled for their records from 1 MiB');
  assert.deepEqual(
    t.samples.map((s) => s.path),
    ['f1.log', 'f2.log'],
  );
  assert.equal(singleFile(t), undefined, 'several sources');
  assert.deepEqual(singleFile(tallyOf([100])), { path: 'f0.log', size: 100 }, 'one plain file, whatever its size');
  assert.equal(singleFile(tallyOf([100], false)), undefined, 'one compressed file');
  assert.equal(singleFile(tallyOf(['-'])), undefined, 'standard input');
  assert.equal(tallyOf(Array.from({ length: 20 }, () => 2 * MB)).samples.length, FILES_SAMPLED);
  const compressed = tallyOf([5 * MB, 5 * MB], false);
  assert.equal(compressed.largeBytes, 10 * MB);
  assert.equal(compressed.plainBytes, 0, 'no records estimated in compressed files');
});

test('records are estimated only where they may decide: below the bytes, with room for the minimum, without --jobs', () => {
  const dense = 100 * MB;
  assert.deepEqual(recordsDeciding(tallyOf([dense]))?.bytes, dense, 'one file');
  assert.equal(recordsDeciding(tallyOf([dense]), { jobs: 2 }), undefined, '--jobs decides alone');
  assert.equal(recordsDeciding(tallyOf([SCAN_WORKERS_MIN_BYTES])), undefined, 'the bytes decide alone');
  assert.equal(recordsDeciding(tallyOf([MB])), undefined, 'too few bytes for a million records');
  assert.equal(recordsDeciding(tallyOf([MB]), { minRecords: 1000 })?.bytes, MB, 'a smaller minimum');
  assert.equal(recordsDeciding(tallyOf([dense / 2, dense / 2]))?.bytes, dense, 'several files');
  assert.equal(recordsDeciding(tallyOf([dense, '-'])), undefined, 'one file and standard input: not two files');
  // Several files that the bytes give workers are sampled for their read-ahead, not for the decision.
  const large = tallyOf([SCAN_WORKERS_MIN_BYTES / 2, SCAN_WORKERS_MIN_BYTES / 2]);
  assert.equal(recordsDeciding(large), undefined);
  assert.equal(recordsToEstimate(large)?.bytes, SCAN_WORKERS_MIN_BYTES);
  assert.equal(recordsToEstimate(large, { jobs: 2 }), undefined);
  assert.equal(recordsToEstimate(tallyOf([SCAN_WORKERS_MIN_BYTES])), undefined, 'a single file needs no read-ahead');
});

test('the decision: a single file in segments, several files a worker per core, no more than files; --jobs', () => {
  const others = cores - 1;
  assert.deepEqual(scanWorkersFor(tallyOf([SCAN_WORKERS_MIN_BYTES]), 0), { segmentWorkers: others, workers: others });
  assert.deepEqual(scanWorkersFor(tallyOf([100 * MB]), 0), { segmentWorkers: 0, workers: 0 });
  assert.deepEqual(scanWorkersFor(tallyOf([100 * MB]), SCAN_WORKERS_MIN_RECORDS), {
    segmentWorkers: others,
    workers: others,
  });
  const two = tallyOf([SCAN_WORKERS_MIN_BYTES / 2, SCAN_WORKERS_MIN_BYTES / 2]);
  assert.deepEqual(scanWorkersFor(two, 0), { segmentWorkers: 0, workers: Math.min(cores, 2) });
  assert.deepEqual(scanWorkersFor(two, 0, { jobs: 0 }), { segmentWorkers: 0, workers: 0 });
  assert.equal(scanWorkersFor(tallyOf([10 * MB, 10 * MB]), 0).workers, 0, 'small files');
  // A gigabyte and more in files below SCAN_WORKERS_MIN_FILE_BYTES: one thread, unless their records are many.
  const smallFiles = tallyOf(Array.from({ length: 600 }, () => 2 * MB));
  assert.equal(smallFiles.largeBytes, 0);
  assert.equal(scanWorkersFor(smallFiles, 0).workers, 0, 'many files of 2 MB');
  assert.equal(recordsDeciding(smallFiles)?.bytes, 1200 * MB, 'their records decide: the bytes do not');
  assert.equal(scanWorkersFor(smallFiles, SCAN_WORKERS_MIN_RECORDS).workers, Math.min(cores, 2), 'record-dense');
  const largeFiles = tallyOf(Array.from({ length: 240 }, () => SCAN_WORKERS_MIN_FILE_BYTES + MB));
  assert.equal(scanWorkersFor(largeFiles, 0).workers, Math.min(cores, 240), 'as many bytes in files of 5 MiB');
  assert.equal(recordsDeciding(largeFiles), undefined, 'the bytes decide alone');
  assert.equal(scanWorkersFor(tallyOf([10 * MB, 10 * MB]), SCAN_WORKERS_MIN_RECORDS).workers, Math.min(cores, 2));
  assert.equal(scanWorkersFor(tallyOf([SCAN_WORKERS_MIN_BYTES, '-']), 0).workers, 0, 'one file beside stdin');
  assert.equal(scanWorkersFor(tallyOf([100]), 0, { jobs: 1 }).segmentWorkers, Math.min(1, others), '--jobs');
});

/** `lines` lines: one in `every` a Web Bridge Stats line, the others Call Bridge chatter. */
function logLines(lines: number, every: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const stamp = `Oct  1 00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000`;
    out.push(
      i % every === 0
        ? `${stamp} user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:${i}`
        : `${stamp} user.info cms1 host:server: INFO : call ${i}: ordinary chatter`,
    );
  }
  return `${out.join('\n')}\n`;
}

test('the CLI starts the workers the analysis takes, on every kind of input, with --jobs or not', async (t) => {
  const dir = tempDir(t, 'wbguard-worker-decision-');
  // 20,000 records a file against a minimum of 12,000 (the default million would take 40 MB a test), each file past
  // SCAN_WORKERS_MIN_FILE_BYTES.
  const minRecords = 12_000;
  const write = (path: string, every: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, logLines(20_000, every));
    return path;
  };
  const dense = write(join(dir, 'dense.log'), 1);
  const sparse = write(join(dir, 'sparse.log'), 100);
  write(join(dir, 'one', 'inner', 'dense.log'), 1);
  write(join(dir, 'two-dense', 'cms1.log'), 1);
  write(join(dir, 'two-dense', 'cms2.log'), 1);
  write(join(dir, 'two-sparse', 'cms1.log'), 100);
  write(join(dir, 'two-sparse', 'cms2.log'), 100);
  write(join(dir, 'half', 'cms1.log'), 1);
  write(join(dir, 'half', 'cms2.log'), 100);
  const inputs: Array<[string, string[], number, number?]> = [
    ['one dense file', [dense], cores - 1],
    ['one sparse file', [sparse], 0],
    ['a folder holding one dense log', [join(dir, 'one')], cores - 1],
    ['two dense files', [join(dir, 'two-dense')], Math.min(cores, 2)],
    ['two sparse files', [join(dir, 'two-sparse')], 0],
    ['a dense and a sparse file (20,200 records)', [join(dir, 'half')], Math.min(cores, 2)],
    ['a dense and a sparse file named', [dense, sparse], Math.min(cores, 2)],
    ['--jobs 0, two dense files', [join(dir, 'two-dense')], 0, 0],
    ['--jobs 1, two sparse files', [join(dir, 'two-sparse')], 1, 1],
    ['--jobs 8, two sparse files: no more than files or cores', [join(dir, 'two-sparse')], Math.min(cores, 2), 8],
    ['--jobs 1, one sparse file: in segments', [sparse], Math.min(1, cores - 1), 1],
  ];
  for (const [what, paths, expected, jobs] of inputs) {
    const args = ['--json', ...(jobs === undefined ? [] : ['--jobs', String(jobs)]), ...paths];
    const prestarted = scanWorkersToPrestart(args, { minRecords, jobs: jobsAsked(args) ?? undefined });
    const before = scanWorkersTaken();
    // A single file cut in segments of 64 KiB, so that its worker has segments to take.
    await analyzePaths(paths, {
      year: 2026,
      workersMinRecords: minRecords,
      segmentBytes: 64 << 10,
      ...(jobs === undefined ? {} : { workers: jobs }),
    });
    const taken = scanWorkersTaken() - before;
    assert.equal(taken, expected, `${what}: the analysis's workers`);
    assert.equal(prestarted, taken, `${what}: the CLI starts what the analysis takes`);
  }
});
