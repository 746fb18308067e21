/**
 * One file read in segments (split-file.ts): by this thread from the front and a real scan worker from the back
 * (real worker threads, real files), handed on as one thread reading the whole file gives it, the BSD year carried
 * across the cuts even where a guess was wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ReadOptions, type RecordBatch, readBatches } from '../../../src/adapters/logfiles/read-batches.js';
import type { LogSource } from '../../../src/adapters/logfiles/sources.js';
import { localFeed } from '../../../src/app/analyze/batch-feeds.js';
import { analyzePaths } from '../../../src/app/analyze/index.js';
import { ScanPool } from '../../../src/app/analyze/scan-pool.js';
import { SegmentClaims } from '../../../src/app/analyze/segment-claims.js';
import { cutFile, type FileCuts, filesReadInSegments, splitFeed } from '../../../src/app/analyze/split-file.js';
import { unpackRecords } from '../../../src/core/packed-records.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-split-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A BSD-stamped line at `at` (UTC wall clock): a Stats line every `statsEvery`, chatter otherwise. */
function bsdLine(at: number, i: number, statsEvery = 7): string {
  const d = new Date(at);
  const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return i % statsEvery === 0
    ? `${stamp} user.info cms${1 + (i % 3)} "webbridge": INFO : [DEBUGGING] Stats ${i % 40}, c:${i}, d:${i >> 1}`
    : `${stamp} user.info cms${1 + (i % 3)} "host:server": INFO : call ${i}: ordinary chatter of the Call Bridge`;
}

/** An ISO-stamped line (its own year: it does not move the BSD year). */
function isoLine(at: number, i: number): string {
  const iso = new Date(at).toISOString().replace('Z', '+00:00');
  return i % 7 === 0
    ? `${iso} cms1 "webbridge": INFO : [DEBUGGING] Stats ${i % 40}, c:${i}, d:1`
    : `${iso} cms1 "host:server": INFO : call ${i}: ordinary chatter`;
}

function write(name: string, lines: readonly string[], mtime?: Date): LogSource {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  if (mtime) {
    utimesSync(path, mtime, mtime);
  }
  const st = statSync(path);
  return { kind: 'plain', path, mtimeMs: st.mtimeMs, size: st.size };
}

/** Records (as objects) and counts of a run of batches. */
function summary(batches: readonly RecordBatch[]) {
  return {
    records: batches.flatMap((b) => unpackRecords(b)),
    lines: batches.reduce((a, b) => a + b.lines, 0),
    malformed: batches.reduce((a, b) => a + b.malformed, 0),
    bytes: batches.reduce((a, b) => a + b.bytes, 0),
  };
}

async function whole(source: LogSource, options: ReadOptions) {
  const batches: RecordBatch[] = [];
  for await (const b of readBatches(source, options)) {
    batches.push(b);
  }
  return summary(batches);
}

/**
 * The file read in `segments` segments (or as `segments` cuts it) by this thread and one real scan worker, this thread held back (before its
 * first batch) until the worker has taken the segments from `workerFrom` on, so that both read some (with
 * `readFirst`, until it has read them too). Answers the batches' summary, which segments the worker took, the bytes
 * the first batch carried, what the workers had read just before it was asked for, and when each worker's segment was
 * asked for and ended.
 */
async function split(
  source: LogSource,
  options: ReadOptions,
  segments: number | FileCuts,
  workerFrom: number,
  workers = 1,
  readFirst = false,
) {
  const cuts = typeof segments === 'number' ? cutFile(source.path, source.size, source.size / segments) : segments;
  if (typeof segments === 'number') {
    assert.equal(cuts.starts.length, segments, 'the file is cut as asked');
  }
  const pool = new ScanPool(workers);
  let claims: SegmentClaims | undefined;
  const taken: number[] = [];
  const byWorker = new Set<number>();
  /** When a worker's segment was asked for (`ask N`) and when its batches ended (`end N`), in order. */
  const events: string[] = [];
  try {
    // Every worker running before the segments are offered, so that none takes them all while another starts.
    const warm = write('warm.log', [bsdLine(Date.UTC(2026, 0, 1), 0)]);
    for (let w = 0; w < workers; w++) {
      const f = pool.open(warm, {}, w);
      while ((await f.next()) !== undefined) {
        // drained
      }
    }
    const feed = splitFeed(source, options, cuts, {
      local: localFeed,
      start: (job) => {
        claims = new SegmentClaims(job.claims);
        for (let w = 0; w < workers; w++) {
          pool.readSegments(job, w);
        }
      },
      worker: (s, job, segment, w) => {
        taken.push(segment);
        byWorker.add(w);
        events.push(`ask ${segment}`);
        const feed = pool.openSegment(s, job, segment, w, 4);
        return {
          ...feed,
          next: async () => {
            const batch = await feed.next();
            if (batch === undefined) {
              events.push(`end ${segment}`);
            }
            return batch;
          },
        };
      },
    });
    // Bounded: the worker takes a segment once it has read the one before (a few ms each here).
    for (let i = 0; i < 1000 && (claims?.workerOf(workerFrom) ?? -1) < 0; i++) {
      await sleep(10);
    }
    assert.ok((claims?.workerOf(workerFrom) ?? -1) >= 0, `the worker took segment ${workerFrom}`);
    const workerPart = source.size - (cuts.starts[workerFrom] as number);
    for (let i = 0; readFirst && i < 1000 && (claims?.readByWorkers() ?? 0) < workerPart; i++) {
      await sleep(10);
    }
    const readBefore = claims?.readByWorkers() ?? 0;
    const batches: RecordBatch[] = [];
    for (let b = await feed.next(); b !== undefined; b = await feed.next()) {
      // A batch is ours only until the next is asked for (BatchFeed): a worker's memory is handed back then.
      batches.push({ ...b, numbers: b.numbers.slice() });
    }
    return { ...summary(batches), taken, byWorker, readBefore, firstBytes: batches[0]?.bytes ?? 0, events };
  } finally {
    await pool.close();
  }
}

describe('cutFile', () => {
  test('cuts only at line starts, in order, at the first line start past every segment of the size asked', () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      bsdLine(Date.UTC(2026, 5, 1) + i * 1000, i).repeat(1 + (i % 5)),
    );
    const source = write('cuts.log', lines);
    const bytes = readFileSync(source.path);
    const cuts = cutFile(source.path, source.size, source.size / 10);
    assert.equal(cuts.starts.length, 10);
    assert.equal(cuts.starts[0], 0);
    cuts.starts.forEach((start, i) => {
      if (i > 0) {
        assert.equal(bytes[start - 1], 10, `segment ${i} starts after a newline`);
        assert.ok(start > (cuts.starts[i - 1] as number), 'in order');
        // The first line start at or after the share's end: no newline between them.
        const share = Math.round((i * source.size) / 10);
        assert.equal(bytes.subarray(share - 1, start - 1).indexOf(10), -1, `segment ${i} at the first line start`);
      }
    });
  });

  test('a line longer than a share takes the cuts inside it away; a file of one line is one segment', () => {
    const long = `${bsdLine(Date.UTC(2026, 5, 1), 1)} ${'x'.repeat(200_000)}`;
    const source = write('long.log', ['short line', long, 'short line']);
    const cuts = cutFile(source.path, source.size, source.size / 8);
    // Every share ends inside the long line: one cut, after it.
    assert.deepEqual(cuts.starts, [0, 11 + long.length + 1]);
    const one = write('one.log', [long]);
    assert.deepEqual(cutFile(one.path, one.size, one.size / 4).starts, [0]);
  });
});

describe('splitFeed', () => {
  test('this thread and a worker: the records, in order, and the counts of one thread reading the whole file', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      i % 997 === 0 ? 'Oct 32 junk that is not a line of any CMS' : bsdLine(Date.UTC(2026, 9, 1) + i * 250, i),
    );
    // A Call Bridge STATS line, a malformed Stats line and a long line among them.
    lines[100] = `Oct  1 00:00:25.000 user.info cms2 "host:server": INFO : STATS: {"cma": {"active": 3, "peak": 7}}`;
    lines[200] = 'Oct  1 00:00:50.000 user.info cms2 "webbridge": INFO : [DEBUGGING] Stats x, c:, d:';
    lines[300] = `${bsdLine(Date.UTC(2026, 9, 1, 0, 1, 15), 300)} ${'y'.repeat(70_000)}`;
    const source = write('cluster.log', lines, new Date(Date.UTC(2026, 9, 2)));
    const options: ReadOptions = { batchSize: 64, raw: false };
    const expected = await whole(source, options);
    const got = await split(source, options, 12, 6);
    assert.ok(got.taken.length >= 6, `the worker read segments ${got.taken.join(', ')}`);
    assert.ok(expected.records.length > 5000);
    assert.deepEqual(got.records, expected.records);
    assert.deepEqual(
      { lines: got.lines, malformed: got.malformed, bytes: got.bytes },
      { lines: expected.lines, malformed: expected.malformed, bytes: expected.bytes },
    );
    assert.ok(expected.malformed > 0, 'malformed lines are counted in every segment');
  });

  test('progress: the bytes a worker reads are counted as it reads them, each byte once', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => bsdLine(Date.UTC(2026, 9, 1) + i * 250, i));
    const source = write('progress.log', lines, new Date(Date.UTC(2026, 9, 2)));
    const options: ReadOptions = { batchSize: 64, raw: false };
    const cuts = cutFile(source.path, source.size, source.size / 6);
    const got = await split(source, options, cuts, 3, 1, true);
    const segment0 = cuts.starts[1] as number;
    // The worker read half the file before this thread's first batch: that batch carries it (without the shared
    // count, only its own bytes, at most segment 0's: the workers' half showed when handed on, at the end).
    assert.ok(got.readBefore >= source.size - (cuts.starts[3] as number), 'the worker read its segments first');
    assert.ok(got.readBefore > segment0);
    assert.ok(got.firstBytes > got.readBefore, `the first batch carries ${got.firstBytes} bytes`);
    assert.equal(got.bytes, source.size, 'every byte counted once');
  });

  test("a worker's segment is asked for while the one before it is merged, not after", async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => bsdLine(Date.UTC(2026, 9, 1) + i * 250, i));
    const source = write('ahead.log', lines, new Date(Date.UTC(2026, 9, 2)));
    const options: ReadOptions = { batchSize: 64, raw: false };
    const expected = await whole(source, options);
    const got = await split(source, options, 8, 3, 1, true);
    const asked = got.taken.toSorted((a, b) => a - b);
    assert.ok(asked.length >= 3, `the worker's segments ${asked.join(', ')}`);
    for (const k of asked.slice(1)) {
      const ask = got.events.indexOf(`ask ${k}`);
      const endBefore = got.events.indexOf(`end ${k - 1}`);
      assert.ok(ask >= 0 && endBefore >= 0 && ask < endBefore, `segment ${k} asked ahead: ${got.events.join(', ')}`);
    }
    assert.deepEqual(got.records, expected.records);
    assert.equal(got.lines, expected.lines);
  });

  test('two workers taking from the back at once: the same records and counts', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => bsdLine(Date.UTC(2026, 11, 31, 18) + i * 1000, i));
    const source = write('two-workers.log', lines);
    const options: ReadOptions = { year: 2026, batchSize: 32, raw: false };
    const expected = await whole(source, options);
    const got = await split(source, options, 20, 8, 2);
    assert.equal(got.byWorker.size, 2, 'both workers read segments');
    assert.deepEqual(got.records, expected.records);
    assert.deepEqual(
      { lines: got.lines, malformed: got.malformed, bytes: got.bytes },
      { lines: expected.lines, malformed: expected.malformed, bytes: expected.bytes },
    );
  });

  test('a log crossing New Year with --year: a worker segment guessed wrong is read again, the same records', async () => {
    // With --year 2026 (no modification month to go by) a segment read as a file of its own gives its first
    // stamp 2026; after the wrap in an earlier segment, January belongs to 2027.
    const start = Date.UTC(2026, 11, 31, 20);
    const lines = Array.from({ length: 30_000 }, (_, i) => bsdLine(start + i * 1000, i));
    const source = write('new-year.log', lines);
    const options: ReadOptions = { year: 2026, batchSize: 32, raw: false };
    const expected = await whole(source, options);
    const got = await split(source, options, 10, 6);
    assert.ok(got.taken.length >= 4);
    assert.deepEqual(got.records, expected.records);
    assert.equal(got.lines, expected.lines);
    const last = got.records.at(-1);
    assert.equal(new Date(last?.at ?? 0).getUTCFullYear(), 2027, 'January is in 2027');
  });

  test('segments without a BSD stamp carry the year on; a segment read again from its middle', async () => {
    // December BSD lines, then ISO lines over several segments (they do not move the BSD year), then January BSD
    // lines starting inside a segment (its first batches hold ISO records, handed on before it is read again).
    const start = Date.UTC(2026, 11, 31, 22);
    const lines = [
      ...Array.from({ length: 6000 }, (_, i) => bsdLine(start + i * 100, i)),
      ...Array.from({ length: 20_000 }, (_, i) => isoLine(start + 3_600_000 + i * 100, i)),
      ...Array.from({ length: 6000 }, (_, i) => bsdLine(Date.UTC(2027, 0, 1, 1) + i * 100, i)),
    ];
    const source = write('iso-between.log', lines);
    const options: ReadOptions = { year: 2026, batchSize: 16, raw: false };
    const expected = await whole(source, options);
    const got = await split(source, options, 16, 3);
    assert.deepEqual(got.records, expected.records);
    assert.equal(got.lines, expected.lines);
    assert.equal(new Date(got.records.at(-1)?.at ?? 0).getUTCFullYear(), 2027);
  });

  test('a file replaced since it was cut is not read as the one cut: the reading says so', async () => {
    const source = write(
      'replaced.log',
      Array.from({ length: 20_000 }, (_, i) => bsdLine(Date.UTC(2026, 3, 1) + i, i)),
    );
    const cuts = cutFile(source.path, source.size, source.size / 8);
    const other: FileCuts = { ...cuts, identity: { dev: cuts.identity.dev, ino: cuts.identity.ino + 1 } };
    await assert.rejects(split(source, {}, other, 7), /was replaced/);
  });
});

describe('analyzePaths with one file read in segments', () => {
  test('the report is the one of the file read in one thread', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => bsdLine(Date.UTC(2026, 9, 1) + i * 500, i, 5));
    const source = write('analyze.log', lines, new Date(Date.UTC(2026, 9, 3)));
    const before = filesReadInSegments();
    const oneThread = await analyzePaths([source.path], { workers: 0 });
    assert.equal(filesReadInSegments(), before, '--jobs 0: one thread');
    const segmented = await analyzePaths([source.path], { splitMinBytes: 1, segmentBytes: source.size / 20 });
    assert.equal(filesReadInSegments(), before + 1, 'read in segments');
    assert.deepEqual(segmented.report, oneThread.report);
    assert.deepEqual(segmented.errors, []);
    // --jobs asks for workers whatever the size: a small file is read in segments too.
    const withJobs = await analyzePaths([source.path], { workers: 1, segmentBytes: source.size / 20 });
    assert.deepEqual(withJobs.report, oneThread.report);
    assert.equal(filesReadInSegments(), before + 2);
    // Below the size, without --jobs: one thread; two files with --jobs: whole files to workers, not segments.
    await analyzePaths([source.path], { segmentBytes: source.size / 20 });
    const other = write('analyze-2.log', lines.slice(0, 1000));
    await analyzePaths([source.path, other.path], { workers: 1, segmentBytes: source.size / 20 });
    assert.equal(filesReadInSegments(), before + 2);
    assert.ok(oneThread.report.lines.webbridgeStats > 10_000);
  });

  test('below the size, a file holding many records (estimated from samples) is read in segments; a sparse one not', async () => {
    const start = Date.UTC(2026, 9, 1);
    const dense = write(
      'dense.log',
      Array.from({ length: 40_000 }, (_, i) => bsdLine(start + i * 500, i, 1)),
    );
    const sparse = write(
      'sparse.log',
      Array.from({ length: 40_000 }, (_, i) => bsdLine(start + i * 500, i, 100)),
    );
    const oneThread = await analyzePaths([dense.path], { workers: 0 });
    const before = filesReadInSegments();
    // 40,000 records, with a minimum of 20,000 (the default, a million, would take 40 MB or more a test).
    const segments = { workersMinRecords: 20_000, segmentBytes: dense.size / 10 };
    const segmented = await analyzePaths([dense.path], segments);
    assert.equal(filesReadInSegments(), before + 1, 'read in segments');
    assert.deepEqual(segmented.report, oneThread.report);
    await analyzePaths([sparse.path], segments);
    await analyzePaths([dense.path], { segmentBytes: dense.size / 10 });
    assert.equal(filesReadInSegments(), before + 1, 'not the sparse one, nor below the default minimum');
  });
});
