import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DAY_MS, writeCorpus } from '../../../bench/lib/corpus.js';
import { byteWindowsCreated } from '../../../src/adapters/logfiles/byte-window.js';
import { ARCHIVES_AT_ONCE, archivesReadInThread } from '../../../src/adapters/logfiles/read-batches.js';
import { spilledBatches, spillFileOpen } from '../../../src/adapters/logfiles/record-spill.js';
import {
  PROBES_AT_ONCE,
  STREAMS_HELD_AT_ONCE,
  streamsOpenInThread,
} from '../../../src/adapters/logfiles/stream-input.js';
import { analyzePaths, lastReadAhead } from '../../../src/app/analyze/index.js';
import {
  prestartScanWorkers,
  scanWorkersEnded,
  scanWorkersTaken,
  warmScanWorkers,
} from '../../../src/app/analyze/scan-pool.js';
import { DENSE_READ_AHEAD, READ_AHEAD, STREAMS_HELD_OPEN } from '../../../src/app/analyze/worker-protocol.js';
import { tarGz } from '../../helpers/tar-gz.js';

const START = Date.UTC(2026, 10, 16);
const dir = mkdtempSync(join(tmpdir(), 'wbguard-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// One file per node, as a syslog server writing per-host files would: the merge must interleave them by time.
const perNode: string[][] = [[], [], []];
const statsTimes: number[] = [];
const leakedAtEnd = writeCorpus(
  {
    start: START,
    days: 3,
    leakPerDay: [20, 8, 0],
    peakReal: 25,
    restarts: [{ node: 1, atMs: DAY_MS + 3_600_000 }],
    chatterPerStats: 3,
    statsEveryMs: 30_000,
    quietEndHours: 4,
  },
  (node, line, kind, at) => {
    perNode[node]?.push(line);
    if (kind === 'webbridge-stats') {
      statsTimes.push(at);
    }
  },
);
const files = perNode.map((lines, i) => {
  const p = join(dir, `cms${i + 1}.log${i === 2 ? '.gz' : ''}`);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(p, i === 2 ? gzipSync(text) : text);
  return p;
});

/** Each node's lines dealt round-robin into 20 files named `prefix-cmsN-K.log` (`.gz` where `gzipped(K)`): all 60
 * span the whole time, so the merge takes them all up at once. */
function dealtPieces(prefix: string, gzipped: (k: number) => boolean): string[] {
  const pieces: string[] = [];
  perNode.forEach((lines, node) => {
    for (let k = 0; k < 20; k++) {
      const gz = gzipped(k);
      const p = join(dir, `${prefix}-cms${node + 1}-${k}.log${gz ? '.gz' : ''}`);
      const text = `${lines.filter((_, i) => i % 20 === k).join('\n')}\n`;
      writeFileSync(p, gz ? gzipSync(text) : text);
      pieces.push(p);
    }
  });
  return pieces;
}

/** analyzePaths, with the last progress it reported. */
async function analyzeWithProgress(paths: readonly string[], options: Parameters<typeof analyzePaths>[1]) {
  let bytesDone = 0;
  let bytesTotal = 0;
  // The bytes read when the final merge was announced, each time it was.
  const merges: number[] = [];
  const result = await analyzePaths(paths, {
    ...options,
    onProgress: (done, total) => {
      bytesDone = done;
      bytesTotal = total;
    },
    onMerge: () => merges.push(bytesDone),
  });
  return { ...result, bytesDone, bytesTotal, merges };
}

describe('analyzePaths', () => {
  for (const workers of [0, 2, undefined]) {
    const how =
      workers === 0
        ? 'in this thread'
        : workers === 2
          ? 'two scan workers'
          : 'by default (this little input: in this thread)';
    test(`per-node files merged by time give the known leak (${how})`, async () => {
      const { report, errors } = await analyzePaths(files, {
        ...(workers === undefined ? {} : { workers }),
        year: 2026,
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(
        report.webbridges.map((w) => w.leakedMin),
        leakedAtEnd,
      );
      assert.equal(
        report.cluster.leaked,
        leakedAtEnd.reduce((a, b) => a + b, 0),
      );
      assert.equal(report.cluster.leakedValid, true);
      assert.deepEqual(report.webbridges[1]?.restarts, [new Date(START + DAY_MS + 3_600_000).toISOString()]);
      assert.deepEqual(report.webbridges[0]?.restarts, []);
      assert.equal(
        report.lines.read,
        perNode.reduce((a, l) => a + l.length, 0),
      );
      assert.equal(report.lines.malformed, 0);
    });
  }

  test('workers started ahead (as the CLI does) are used, and the unused ones ended; the report is the same', async () => {
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    prestartScanWorkers(2);
    assert.equal(warmScanWorkers(), 2);
    const warm = await analyzePaths(files, { workers: 1, year: 2026 });
    assert.deepEqual(warm.report, reference.report);
    assert.equal(warmScanWorkers(), 0);
    prestartScanWorkers(2);
    const single = await analyzePaths([files[0] as string], { year: 2026 });
    assert.equal(single.report.webbridges.length, 1);
    assert.equal(warmScanWorkers(), 0);
  });

  test('the scan workers have ended when the analysis returns: they end while the report is built', async () => {
    // Linux lists a process's threads in /proc/self/task: each scan worker is one of them while it runs.
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const endedBefore = scanWorkersEnded();
    const takenBefore = scanWorkersTaken();
    let most = before;
    const watch = setInterval(() => {
      most = Math.max(most, threads());
    }, 1);
    const got = await analyzePaths(files, { workers: 2, year: 2026 });
    clearInterval(watch);
    assert.ok(got.report.webbridges.length > 0);
    assert.ok(most > before, `the workers ran as threads (${most} against ${before})`);
    assert.equal(scanWorkersTaken() - takenBefore, 2);
    assert.equal(scanWorkersEnded() - endedBefore, 2, 'the analysis waited for both to end');
    assert.equal(threads(), before, 'every worker thread has ended');
  });

  test('files holding many records (estimated from samples) are read by scan workers below the bytes; the same report', async () => {
    const plain = files.slice(0, 2);
    const reference = await analyzePaths(plain, { workers: 0, year: 2026 });
    const before = scanWorkersTaken();
    await analyzePaths(plain, { year: 2026 });
    assert.equal(scanWorkersTaken(), before, 'a few MB: no worker by default');
    // A minimum these files reach (a quarter of their lines are records; the default, a million, takes 40 MB or more).
    const many = await analyzePaths(plain, { year: 2026, workersMinRecords: 5000 });
    // A record every ~4 lines (~390 bytes): not dense, a worker per core.
    assert.equal(scanWorkersTaken() - before, Math.min(2, availableParallelism()), 'read by a worker per core');
    assert.equal(lastReadAhead(), READ_AHEAD, 'as deep ahead as any');
    assert.deepEqual(many.report, reference.report);
  });

  test('record-dense files are read a few batches ahead of the merge, not 64: the same report', async () => {
    // Only the Web Bridge Stats and Call Bridge STATS lines of two nodes, each twice over: a record every line, each
    // file past SCAN_WORKERS_MIN_FILE_BYTES.
    const dense = [0, 1].map((node) => {
      const records = (perNode[node] as string[]).filter((l) => l.includes('Stats ') || l.includes('STATS:'));
      const p = join(dir, `dense-cms${node + 1}.log`);
      writeFileSync(p, `${[...records, ...records].join('\n')}\n`);
      assert.ok(statSync(p).size > 1 << 20);
      return p;
    });
    const reference = await analyzePaths(dense, { workers: 0, year: 2026 });
    const before = scanWorkersTaken();
    const got = await analyzePaths(dense, { year: 2026, workersMinRecords: 5000 });
    assert.equal(scanWorkersTaken() - before, Math.min(2, availableParallelism()), 'a worker per core');
    assert.equal(lastReadAhead(), DENSE_READ_AHEAD);
    assert.deepEqual(got.report, reference.report);
    // The same files named with --jobs: not sampled, read as deep ahead as any.
    await analyzePaths(dense, { year: 2026, workers: 2 });
    assert.equal(lastReadAhead(), READ_AHEAD);
  });

  test('rotated pieces of record-dense lines, read by two workers (pieces not reached read on): the same report', async () => {
    // The Stats and STATS lines of every node in time order, cut into six rotated pieces (`cluster.log.5` the oldest):
    // the merge drains them one after another, and a worker holding later pieces reads them on meanwhile.
    const lines = perNode
      .flatMap((nodeLines) => nodeLines.filter((l) => l.includes('Stats ') || l.includes('STATS:')))
      .map((l, i) => ({ l, i }));
    const stampOf = (l: string) => Date.parse(`2026 ${l.slice(0, 15)}`);
    lines.sort((a, b) => stampOf(a.l) - stampOf(b.l) || a.i - b.i);
    const size = Math.ceil(lines.length / 6);
    const pieces = Array.from({ length: 6 }, (_, k) => {
      const p = join(dir, `cluster.log${k === 5 ? '' : `.${5 - k}`}`);
      const piece = lines.slice(k * size, (k + 1) * size).map((x) => x.l);
      writeFileSync(p, `${piece.join('\n')}\n`);
      return p;
    });
    const reference = await analyzePaths(pieces, { workers: 0, year: 2026 });
    // Small batches: a piece is far more than the 64 batches a source reads ahead, the rest read on or merged.
    const got = await analyzePaths(pieces, { workers: 2, year: 2026, batchSize: 8 });
    assert.deepEqual(got.report, reference.report);
    assert.ok(reference.report.webbridges.length > 0);
  });

  test('many files open at once share one read window per thread; the report is the same', async () => {
    // 60 files spanning the whole time: the merge holds every one open at once, mid-file (small batches keep each
    // one's reading unfinished).
    const pieces = dealtPieces('many', () => false);
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    const before = byteWindowsCreated();
    const many = await analyzePaths(pieces, { workers: 0, year: 2026, batchSize: 4 });
    // A window per source would be 60 (0 when this thread already made one of this size).
    assert.ok(byteWindowsCreated() - before <= 1, `${byteWindowsCreated() - before} windows for 60 sources`);
    assert.deepEqual(many.errors, []);
    assert.deepEqual(many.report, reference.report);
    const pooled = await analyzePaths(pieces, { year: 2026 });
    assert.deepEqual(pooled.report, reference.report);
  });

  test('rotated .gz pieces, small ones read to their end at once, larger ones let go after their first batch', async () => {
    // Each node's lines cut into 8 pieces in time order, compressed: 24 sources, only 3 of them spanning the merge's
    // time at any moment (a folder of rotated logs). Beyond STREAMS_HELD_OPEN compressed sources, each small one is
    // read to its end when first opened, and each larger one (all of them with drainCompressedBytes -1) let go after
    // its first batch: at most the probes and the pieces the merge is in are open at once.
    const pieces: string[] = [];
    perNode.forEach((lines, node) => {
      const per = Math.ceil(lines.length / 8);
      for (let k = 0; k < 8; k++) {
        const p = join(dir, `rotated-cms${node + 1}.log.${8 - k}.gz`);
        writeFileSync(p, gzipSync(`${lines.slice(k * per, (k + 1) * per).join('\n')}\n`));
        pieces.push(p);
      }
    });
    assert.ok(pieces.length > STREAMS_HELD_OPEN);
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    for (const drainCompressedBytes of [undefined, -1]) {
      const how = drainCompressedBytes === undefined ? 'read to their end' : 'let go';
      streamsOpenInThread();
      const spilledBefore = spilledBatches();
      const here = await analyzeWithProgress(pieces, {
        workers: 0,
        year: 2026,
        batchSize: 16,
        ...(drainCompressedBytes === undefined ? {} : { drainCompressedBytes }),
      });
      const open = streamsOpenInThread();
      assert.equal(open.now, 0);
      assert.ok(open.most <= PROBES_AT_ONCE + 3, `${open.most} of 24 streams open at once (${how})`);
      assert.equal(spilledBatches() > spilledBefore, drainCompressedBytes === undefined, `spilled only if ${how}`);
      assert.deepEqual(here.errors, []);
      assert.deepEqual(here.report, reference.report, how);
      assert.equal(here.bytesDone, here.bytesTotal, `each compressed byte counted once (${how})`);
      assert.equal(
        here.bytesTotal,
        pieces.reduce((a, p) => a + statSync(p).size, 0),
      );
      // In scan workers: the first batch alone is read until the merge asks for the second.
      const pooled = await analyzePaths(pieces, {
        workers: 2,
        year: 2026,
        batchSize: 16,
        ...(drainCompressedBytes === undefined ? {} : { drainCompressedBytes }),
      });
      assert.deepEqual(pooled.errors, []);
      assert.deepEqual(pooled.report, reference.report, `${how}, in scan workers`);
    }
  });

  test('compressed files spanning the same time, more than a thread holds open: drained, spilled, the same report', async () => {
    // 60 compressed files spanning the whole time: past STREAMS_HELD_AT_ONCE a thread reads the rest to their end at
    // once, keeps their records in a temporary file and lets their streams go.
    const pieces = dealtPieces('spread', () => true);
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    streamsOpenInThread();
    const spilledBefore = spilledBatches();
    // None read to its end when first opened (they are small): held, then drained once the thread holds its share.
    const here = await analyzeWithProgress(pieces, { workers: 0, year: 2026, batchSize: 4, drainCompressedBytes: -1 });
    const open = streamsOpenInThread();
    assert.equal(open.now, 0);
    assert.ok(open.most <= PROBES_AT_ONCE + STREAMS_HELD_AT_ONCE, `${open.most} of 60 streams open at once`);
    assert.ok(spilledBatches() > spilledBefore, 'records spilled');
    assert.equal(spillFileOpen(), false, 'the spill closed at the end');
    assert.deepEqual(here.errors, []);
    assert.deepEqual(here.report, reference.report);
    assert.equal(here.bytesDone, here.bytesTotal, 'each compressed byte counted once');
    assert.deepEqual(here.merges, [], 'one merge as the sources are read: no final merge to announce');
    const pooled = await analyzePaths(pieces, { workers: 2, year: 2026, batchSize: 4, drainCompressedBytes: -1 });
    assert.deepEqual(pooled.errors, []);
    assert.deepEqual(pooled.report, reference.report);
    // By default, small as they are, each is read to its end when first opened: the same report.
    const drained = await analyzePaths(pieces, { workers: 0, year: 2026, batchSize: 4 });
    assert.deepEqual(drained.report, reference.report);
  });

  test('more sources than are merged at once: merged in groups, one group read at a time, the same report', async () => {
    // 60 files spanning the whole time, a third of them compressed. With groups of 7 (MERGE_WIDTH in earnest), each
    // group's records go through a temporary file.
    const pieces = dealtPieces('grouped', (k) => k % 3 === 0);
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    const spilledBefore = spilledBatches();
    const here = await analyzeWithProgress(pieces, { workers: 0, year: 2026, mergeWidth: 7 });
    assert.ok(spilledBatches() - spilledBefore >= 9, 'each group written to the temporary file');
    assert.equal(spillFileOpen(), false);
    assert.deepEqual(here.errors, []);
    assert.deepEqual(here.report, reference.report);
    assert.equal(here.bytesDone, here.bytesTotal);
    assert.deepEqual(here.merges, [here.bytesTotal], 'the final merge announced once, every byte read by then');
    const pooled = await analyzeWithProgress(pieces, { workers: 2, year: 2026, mergeWidth: 7 });
    assert.deepEqual(pooled.errors, []);
    assert.deepEqual(pooled.report, reference.report);
    assert.deepEqual(pooled.merges, [pooled.bytesTotal]);
    // An unreadable file among them is reported by name, the rest analysed.
    const missing = join(dir, 'grouped-missing.log');
    const withMissing = await analyzePaths([...pieces.slice(0, 30), missing, ...pieces.slice(30)], {
      workers: 0,
      year: 2026,
      mergeWidth: 7,
    });
    assert.deepEqual(
      withMissing.errors.map((e) => e.path),
      [missing],
    );
    assert.deepEqual(withMissing.report, reference.report);
  });

  test('a folder of log bundles: a few read at a time, the same report', async () => {
    // Each node's lines dealt into 4 bundles (12 in all, spanning the whole time), each with the newer half as
    // `syslog` and the older as `syslog.1.gz`, as CMS writes them: entries out of time order.
    const bundles: string[] = [];
    for (const [node, lines] of perNode.entries()) {
      for (let k = 0; k < 4; k++) {
        const mine = lines.filter((_, i) => i % 4 === k);
        const half = Math.floor(mine.length / 2);
        const p = join(dir, `bundle-cms${node + 1}-${k}.tar.gz`);
        writeFileSync(
          p,
          await tarGz(
            [
              { name: 'logbundle/syslog', body: Buffer.from(`${mine.slice(half).join('\n')}\n`) },
              { name: 'logbundle/syslog.1.gz', body: gzipSync(`${mine.slice(0, half).join('\n')}\n`) },
            ],
            new Date(START),
          ),
        );
        bundles.push(p);
      }
    }
    const reference = await analyzePaths(files, { workers: 0, year: 2026 });
    archivesReadInThread();
    const here = await analyzePaths(bundles, { workers: 0, year: 2026 });
    const read = archivesReadInThread();
    assert.equal(read.now, 0);
    assert.ok(read.most <= ARCHIVES_AT_ONCE, `${read.most} of 12 archives read at once`);
    assert.ok(read.most > 1, 'archives read side by side');
    assert.deepEqual(here.errors, []);
    assert.deepEqual(here.report, reference.report);
    const pooled = await analyzePaths(bundles, { workers: 2, year: 2026 });
    assert.deepEqual(pooled.report, reference.report);
  });

  test('--since/--until keep only the records inside', async () => {
    const since = START + DAY_MS;
    const until = START + 2 * DAY_MS;
    const { report } = await analyzePaths(files, { since, until, year: 2026 });
    assert.ok(report.cluster.at !== null && Date.parse(report.cluster.at) < until);
    assert.equal(report.lines.webbridgeStats, statsTimes.filter((t) => t >= since && t < until).length);
  });

  test('an unreadable input is reported and the others are analysed', async () => {
    const bad = join(dir, 'broken.log.gz');
    writeFileSync(bad, 'not gzip at all');
    const { report, errors } = await analyzePaths([...files, bad, join(dir, 'missing.log')], { year: 2026 });
    assert.deepEqual(
      errors.map((e) => e.path),
      [join(dir, 'missing.log'), bad],
    );
    assert.equal(report.webbridges.length, 3);
  });

  test('config names map syslog hosts to nodes', async () => {
    const { report } = await analyzePaths([files[0] as string], {
      year: 2026,
      webbridgeNames: new Map([['cms1', 'edge-a']]),
    });
    assert.equal(report.webbridges[0]?.name, 'edge-a');
    assert.equal(report.webbridges[0]?.host, 'cms1');
  });
});
