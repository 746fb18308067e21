/**
 * The scan workers' pool (scan-pool.ts) closed while its workers are still reading, as when an analysis fails:
 * nothing they opened stays open in the process, which may live on (`restart --logs` goes on to restart). Node closes
 * the descriptors a worker thread opened when the thread is terminated, its temporary file of records included
 * (opened with `openSync`): a regression here would leave that file's disk space taken until the process ends.
 * Real files, real worker threads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ScanPool } from '../../../src/app/analyze/scan-pool.js';
import { unpackRecords } from '../../../src/core/packed-records.js';
import { until } from '../../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-scan-pool-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** This process' open descriptors whose target lies in `folder`. */
function openIn(folder: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(folder)) {
        open.push(target);
      }
    } catch {
      // closed meanwhile (the listing's own descriptor)
    }
  }
  return open;
}

test('closed mid-read, the temporary file of records a worker holds is closed before it ends', async () => {
  // A log bundle of more records than are sorted in memory (sorted-runs.ts, 65,536): its sorted runs wait in the
  // worker's temporary file (opened with openSync: a terminated thread would leave it open, and its disk space
  // taken, until the process ends).
  const line = (i: number) =>
    `Oct  1 05:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:1`;
  const bundle = join(dir, 'bundle');
  mkdirSync(join(bundle, 'log'), { recursive: true });
  writeFileSync(join(bundle, 'log', 'syslog'), `${Array.from({ length: 150_000 }, (_, i) => line(i)).join('\n')}\n`);
  const archive = join(dir, 'logbundle.tar.gz');
  const tar = spawnSync('tar', ['czf', archive, '-C', bundle, 'log']);
  assert.equal(tar.status, 0, String(tar.stderr));
  const spills = join(dir, 'tmp');
  mkdirSync(spills);
  const savedTmp = process.env.TMPDIR;
  // The workers take the environment as it is when they start.
  process.env.TMPDIR = spills;
  const pool = new ScanPool(1);
  try {
    const feed = pool.open(
      { kind: 'tar-gzip', path: archive, mtimeMs: Date.now(), size: statSync(archive).size },
      { year: 2026, batchSize: 64 },
      0,
      1,
    );
    assert.ok(await feed.next(), 'a first batch');
    assert.ok(
      openIn(spills).some((t) => t.endsWith('(deleted)')),
      'the worker holds its temporary file (unlinked) open',
    );
    await pool.close();
    assert.deepEqual(openIn(spills), [], 'closed once the pool is');
  } finally {
    if (savedTmp === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = savedTmp;
    }
    await pool.close();
  }
});

test('closed mid-read, the workers close the files they hold before they end', async () => {
  // Files of many Stats lines, read a batch of 8 records at a time: none is near its end after one batch.
  const line = (i: number) =>
    `Oct  1 05:19:${String(i % 60).padStart(2, '0')}.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:1`;
  const files = Array.from({ length: 6 }, (_, k) => {
    const p = join(dir, `cms-${k}.log`);
    writeFileSync(p, `${Array.from({ length: 200_000 }, (_, i) => line(i)).join('\n')}\n`);
    return p;
  });
  const pool = new ScanPool(2);
  const feeds = files.map((path, k) =>
    pool.open(
      { kind: 'plain', path, mtimeMs: Date.now(), size: 1 },
      { year: 2026, batchSize: 8, readRecords: 8 },
      k,
      1,
    ),
  );
  for (const feed of feeds) {
    assert.ok(await feed.next(), 'a first batch');
  }
  assert.ok(openIn(dir).length > 0, 'the workers hold the files open mid-read');
  await pool.close();
  assert.deepEqual(openIn(dir), [], 'every file closed once the pool is');
  // Closed again: nothing happens.
  await pool.close();
});

test('a worker that dies fails the sources it was reading and those opened on it later: none waits forever', async () => {
  const path = join(dir, 'dies.log');
  const line = 'Oct  1 05:19:00.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:1, d:1\n';
  writeFileSync(path, line.repeat(100_000));
  const source = { kind: 'plain' as const, path, mtimeMs: Date.now(), size: statSync(path).size };
  const pool = new ScanPool(1);
  try {
    // Mid-read: batches of 8 records, one ahead of the merge.
    const before = pool.open(source, { year: 2026, batchSize: 8, readRecords: 8 }, 0, 1);
    assert.ok(await before.next(), 'the worker reads');
    // A job it cannot take kills it (its claims are not shared memory): an uncaught error in the worker.
    pool.readSegments(
      {
        job: 0,
        source,
        options: {},
        starts: [0, 10],
        identity: { dev: 0, ino: 0 },
        claims: 'not shared memory' as unknown as SharedArrayBuffer,
      },
      0,
    );
    const read = async (feed: { next(): Promise<unknown> }) => {
      while ((await feed.next()) !== undefined) {
        // read on
      }
    };
    await assert.rejects(read(before), /scan worker/);
    await assert.rejects(read(pool.open(source, { year: 2026 }, 0)), /scan worker/, 'opened after it died');
  } finally {
    await pool.close();
  }
});

test("a worker's batches go back to it once merged, and it packs its next ones into them: the same records", async () => {
  // Stats lines only, read 64 records at a time: full batches, and a last one partly full.
  const path = join(dir, 'handed-back.log');
  const line = (i: number) =>
    `Oct  1 05:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:1`;
  const count = 64 * 40 + 40;
  writeFileSync(path, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
  const source = { kind: 'plain' as const, path, mtimeMs: Date.now(), size: statSync(path).size };
  const pool = new ScanPool(1);
  try {
    const feed = pool.open(source, { year: 2026, batchSize: 64, readRecords: 64 }, 0, 2);
    const buffers: ArrayBuffer[] = [];
    const connects: number[] = [];
    /** Batches whose memory holds, past their records, numbers of an earlier batch: memory used again. */
    let inMemoryUsedAgain = 0;
    for (let b = await feed.next(); b !== undefined; b = await feed.next()) {
      // A batch is ours until the next is asked for: read now.
      connects.push(...unpackRecords(b).map((r) => (r.kind === 'webbridge-stats' ? r.connects : -1)));
      if (new Float64Array(b.numbers.buffer).subarray(b.numbers.length).some((n) => n !== 0)) {
        inMemoryUsedAgain++;
      }
      buffers.push(b.numbers.buffer);
    }
    assert.deepEqual(
      connects,
      Array.from({ length: count }, (_, i) => i),
    );
    const handedBack = buffers.filter((b) => b.byteLength === 0).length;
    // All but the last batch or two (merged after the last credit went back).
    assert.ok(handedBack >= buffers.length - 2, `${handedBack} of ${buffers.length} batches' memory handed back`);
    assert.ok(inMemoryUsedAgain > 0, "the worker packed a batch into an earlier batch's memory");
  } finally {
    await pool.close();
  }
});

test('a piece the merge has not reached reads on to its end while its worker has nothing else to do', async () => {
  // Two rotated pieces of one log, as the merge takes them: the older one drained first, the newer one's first batch
  // held (the merge's head) and nothing more asked of it until then.
  const line = (i: number) =>
    `Oct  1 ${String(Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:1`;
  const count = 64 * 30;
  const older = join(dir, 'rotated.log.1');
  const newer = join(dir, 'rotated.log');
  writeFileSync(older, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
  writeFileSync(newer, `${Array.from({ length: count }, (_, i) => line(count + i)).join('\n')}\n`);
  const sourceOf = (path: string) => ({ kind: 'plain' as const, path, mtimeMs: Date.now(), size: statSync(path).size });
  const pool = new ScanPool(1);
  try {
    // Four batches ahead each: credit goes back two batches at a time, so taking the first asks for nothing more.
    const options = { year: 2026, batchSize: 64, readRecords: 64 };
    const olderFeed = pool.open(sourceOf(older), options, 0, 4);
    const newerFeed = pool.open(sourceOf(newer), options, 0, 4);
    const connects: number[] = [];
    const take = (b: Parameters<typeof unpackRecords>[0]) =>
      connects.push(...unpackRecords(b).map((r) => (r.kind === 'webbridge-stats' ? r.connects : -1)));
    const head = await newerFeed.next();
    assert.ok(head, "the newer piece's first batch");
    for (let b = await olderFeed.next(); b !== undefined; b = await olderFeed.next()) {
      take(b);
    }
    take(head);
    // Nothing is asked of the worker now: the newer piece reads on, into its temporary file, and closes the log.
    await until(() => openIn(newer).length === 0, 10_000, 'the newer piece read to its end');
    // What it hands on from now is what it read then: the log cut short now changes nothing.
    truncateSync(newer, 0);
    for (let b = await newerFeed.next(); b !== undefined; b = await newerFeed.next()) {
      take(b);
    }
    assert.deepEqual(
      connects,
      Array.from({ length: 2 * count }, (_, i) => i),
    );
  } finally {
    await pool.close();
  }
});
