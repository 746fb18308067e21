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
import { mergeByTime } from '../../../src/adapters/logfiles/merge-by-time.js';
import { MIN_READ_BYTES } from '../../../src/adapters/logfiles/read-size.js';
import { ScanPool } from '../../../src/app/analyze/scan-pool.js';
import { batchRecordsFor, readAheadFor, readRecordsFor } from '../../../src/app/analyze/worker-protocol.js';
import { packedLength, unpackRecords } from '../../../src/core/packed-records.js';
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

test("a source that ends before its credit goes back hands its batches' memory back at its end", async () => {
  // A few batches (a first read's, then ~180 records a read), 64 ahead: credit would go back after 32 taken, so none
  // does. Kept by the merge's end of the source until the merge itself ended, the last batches of 150 rotated pieces
  // held ~100 MB.
  const path = join(dir, 'short.log');
  writeFileSync(path, `${Array.from({ length: 1_500 }, (_, i) => statsLineAt(i)).join('\n')}\n`);
  const source = { kind: 'plain' as const, path, mtimeMs: Date.now(), size: statSync(path).size };
  const pool = new ScanPool(1);
  try {
    const feed = pool.open(source, { year: 2026, batchSize: 64, readRecords: 64 }, 0, 64);
    const buffers: ArrayBuffer[] = [];
    for (let b = await feed.next(); b !== undefined; b = await feed.next()) {
      buffers.push(b.numbers.buffer);
    }
    const kept = buffers.filter((b) => b.byteLength > 0);
    assert.ok(buffers.length >= 3, `${buffers.length} batches`);
    assert.deepEqual(kept, [], "every batch's memory moved back to the worker");
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

/** A Stats line at second `i` from Oct 1 (days 1–9), counting `i` as its connects. */
function statsLineAt(i: number): string {
  const day = 1 + Math.floor(i / 86_400);
  const s = i % 86_400;
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `Oct  ${day} ${hh}:${mm}:${ss}.001 user.info cms1 "webbridge": INFO : [DEBUGGING] Stats 3, c:${i}, d:1`;
}

/**
 * `n` rotated pieces `name.0` … of `count` Stats lines each, each piece's lines after the one before's, read by
 * worker 0 of `pool`: sized at first as analyze sizes `n` sources (record-dense or not), then by the sources the
 * merge holds at once.
 */
function rotatedPieces(pool: ScanPool, name: string, n: number, count: number, dense: boolean) {
  const pieces = Array.from({ length: n }, (_, k) => {
    const path = join(dir, `${name}.${k}`);
    writeFileSync(path, `${Array.from({ length: count }, (_, i) => statsLineAt(k * count + i)).join('\n')}\n`);
    return path;
  });
  const feeds = pieces.map((path) =>
    pool.open(
      { kind: 'plain', path, mtimeMs: Date.now(), size: statSync(path).size },
      { year: 2026, batchSize: batchRecordsFor(n), readRecords: readRecordsFor(n) },
      0,
      readAheadFor(n, dense),
      { dense },
    ),
  );
  return { pieces, feeds };
}

test('rotated pieces: the one the merge drains and the next ones are sized as few sources, read ahead before it reaches them', async () => {
  // 70 daily-like pieces in one worker: more than read on (read-on.ts, even with the first three done), so what
  // reads the next pieces ahead is the credit the merge sends them (held-at-once.ts). Sized at first as 70 sources
  // of a CMS log (not record-dense): 14 batches of 117 records ahead (~470 each: a read adds that many), less than a
  // piece; as 3 (the one merged and the next two): 64 of 512.
  const count = 11_000;
  const pool = new ScanPool(1);
  try {
    const { pieces, feeds } = rotatedPieces(pool, 'piece.log', 70, count, false);
    // As the merge starts: every piece's first batch.
    const heads = [];
    for (const feed of feeds) {
      heads.push(await feed.next());
    }
    // The first piece drained, as the merge drains it while the others wait.
    const sizes: number[] = [];
    const connects: number[] = [];
    const take = (b: Parameters<typeof unpackRecords>[0]) => {
      sizes.push(packedLength(b));
      connects.push(...unpackRecords(b).map((r) => (r.kind === 'webbridge-stats' ? r.connects : -1)));
    };
    take(heads[0] as Parameters<typeof unpackRecords>[0]);
    for (let b = await feeds[0]?.next(); b !== undefined; b = await feeds[0]?.next()) {
      take(b);
    }
    assert.deepEqual(
      connects,
      Array.from({ length: count }, (_, i) => i),
    );
    // Past its first read-ahead, batches as one source's (reads of up to 2,048 records), not as 70 sources' (reads of
    // 468: a batch is cut between reads, and holds at most a read's records past its size: read-batches.ts).
    const perMinRead = Math.ceil(MIN_READ_BYTES / statsLineAt(0).length) + 1;
    assert.ok(Math.max(...sizes.slice(-4)) > readRecordsFor(70) + perMinRead, `batches of the piece merged: ${sizes}`);
    // The two the merge reaches next were read to their end meanwhile (their files closed), not a later one.
    // (By whole path: `piece.log.1` begins `piece.log.10`.)
    const isOpen = (path: string) => openIn(path).includes(path);
    await until(() => !isOpen(pieces[1] as string) && !isOpen(pieces[2] as string), 10_000, 'the next two read ahead');
    assert.ok(isOpen(pieces[10] as string), 'a later piece waits, its file open');
  } finally {
    await pool.close();
  }
});

test('files spanning the same time keep the sizes of every source open: the merge holds them all', async () => {
  const files = Array.from({ length: 40 }, (_, k) => {
    const path = join(dir, `same-time-${k}.log`);
    writeFileSync(path, `${Array.from({ length: 5_000 }, (_, i) => statsLineAt(i * 40 + k)).join('\n')}\n`);
    return path;
  });
  const pool = new ScanPool(1);
  try {
    // The sizes analyze gives 40 sources of record-dense input (worker-protocol.ts).
    const options = { year: 2026, batchSize: batchRecordsFor(40), readRecords: readRecordsFor(40) };
    let largest = 0;
    const feeds = files.map((path) => {
      const feed = pool.open(
        { kind: 'plain', path, mtimeMs: Date.now(), size: statSync(path).size },
        options,
        0,
        readAheadFor(40, true),
        { dense: true },
      );
      let first = true;
      return {
        source: feed.source,
        next: async () => {
          const b = await feed.next();
          // A first batch is one read's records, whatever the sizes (read-batches.ts).
          largest = Math.max(largest, b && !first ? packedLength(b) : 0);
          first = false;
          return b;
        },
      };
    });
    const connects: number[] = [];
    await mergeByTime(feeds, {
      onRecord: (r) => connects.push(r.kind === 'webbridge-stats' ? r.connects : -1),
      onBatch: () => {},
      onError: (path, message) => assert.fail(`${path}: ${message}`),
    });
    assert.deepEqual(
      connects,
      Array.from({ length: 200_000 }, (_, i) => i),
    );
    // A batch holds at most a read's records (819 for 40 sources) past its size, and a smallest read's more.
    const perMinRead = Math.ceil(MIN_READ_BYTES / statsLineAt(0).length) + 1;
    assert.ok(largest <= readRecordsFor(40) + perMinRead, `a batch of ${largest} records`);
  } finally {
    await pool.close();
  }
});

test('a piece given credit before the merge reaches it still reads on to its end while its worker is idle', async () => {
  // Record-dense pieces: credit before the merge reaches the next one is 8 batches (no more than it had: ~15,000
  // records), and what reads the rest on is read-on.ts, which must still see it as not reached (its credit `early`).
  const count = 40_000;
  const pool = new ScanPool(1);
  try {
    const { pieces, feeds } = rotatedPieces(pool, 'dense-piece.log', 3, count, true);
    for (const feed of feeds) {
      assert.ok(await feed.next(), 'a first batch');
    }
    while ((await feeds[0]?.next()) !== undefined) {
      // drained, as the merge drains the oldest piece
    }
    const isOpen = (path: string) => openIn(path).includes(path);
    await until(() => !isOpen(pieces[1] as string), 10_000, 'the next piece read on to its end');
    let records = 0;
    for (let b = await feeds[1]?.next(); b !== undefined; b = await feeds[1]?.next()) {
      records += packedLength(b);
    }
    assert.ok(records > 0 && records < count, `the rest of the piece: ${records} records`);
  } finally {
    await pool.close();
  }
});
