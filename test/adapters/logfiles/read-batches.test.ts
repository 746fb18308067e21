import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CandidateScanner } from '../../../src/adapters/logfiles/candidate-scanner.js';
import {
  ARCHIVES_AT_ONCE,
  archiveChunkBytesFor,
  type RecordBatch,
  readBatches,
} from '../../../src/adapters/logfiles/read-batches.js';
import { FIRST_READ_BYTES, MIN_READ_BYTES } from '../../../src/adapters/logfiles/read-size.js';
import { spilledBatches, spillFileOpen } from '../../../src/adapters/logfiles/record-spill.js';
import { RUN_RECORDS } from '../../../src/adapters/logfiles/sorted-runs.js';
import { expandSources, type LogSource } from '../../../src/adapters/logfiles/sources.js';
import { SpareBufferList } from '../../../src/adapters/logfiles/spare-buffers.js';
import { STREAMS_HELD_AT_ONCE, StreamInput, streamsOpenInThread } from '../../../src/adapters/logfiles/stream-input.js';
import { packedLength, unpackRecords } from '../../../src/core/packed-records.js';
import { CANDIDATE_SUBSTRINGS } from '../../../src/core/parse/index.js';
import { auditLine, callBridgeStatsLine, chatterLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { tarGz } from '../../helpers/tar-gz.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const tarGzAt = (entries: Array<{ name: string; body: Buffer }>) => tarGz(entries, new Date(T0));
const dir = mkdtempSync(join(tmpdir(), 'wbguard-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sampleLines(host: string, offsetMs: number, n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + offsetMs + i * 10_000;
    lines.push(webBridgeStatsLine(t, host, i, 10 + i, 10));
    lines.push(chatterLine(t + 1, host, i));
    lines.push(chatterLine(t + 2, host, i + 1));
  }
  lines.push(callBridgeStatsLine(T0 + offsetMs + n * 10_000, host, 3, 4, 6));
  return lines;
}

async function collect(
  source: LogSource,
  stdin?: PassThrough,
): Promise<{ records: number; lines: number; malformed: number; errors: number; times: number[] }> {
  const out = { records: 0, lines: 0, malformed: 0, errors: 0, times: [] as number[] };
  for await (const b of readBatches(source, {
    batchSize: 7,
    ...(stdin ? { stdin } : {}),
  }) as AsyncGenerator<RecordBatch>) {
    out.records += packedLength(b);
    out.lines += b.lines;
    out.malformed += b.malformed;
    out.errors += b.errors.length;
    out.times.push(...unpackRecords(b).map((r) => r.at));
  }
  return out;
}

describe('CandidateScanner', () => {
  test('finds candidate lines across chunk boundaries and counts every line', () => {
    const seen: string[] = [];
    const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, (l) => seen.push(l));
    const text = `${sampleLines('cms1', 0, 5).join('\n')}\nlast Stats 1, c:1, d:1 without newline`;
    const buf = Buffer.from(text);
    for (let i = 0; i < buf.length; i += 13) {
      s.push(buf.subarray(i, i + 13));
    }
    s.end();
    assert.equal(s.counts.lines, 17);
    assert.equal(seen.length, 7);
    assert.match(seen[0] ?? '', /Stats 0, c:10, d:10$/);
    assert.equal(seen[6], 'last Stats 1, c:1, d:1 without newline');
  });

  test('a line holding two candidate substrings is reported once', () => {
    const seen: string[] = [];
    const s = new CandidateScanner(CANDIDATE_SUBSTRINGS, (l) => seen.push(l));
    s.push(Buffer.from('a Stats 1, c:1, d:1 restart\nb\n'));
    assert.deepEqual(seen, ['a Stats 1, c:1, d:1 restart']);
  });
});

describe('readBatches and expandSources', () => {
  const plain = join(dir, 'cms1.log');
  writeFileSync(plain, `${sampleLines('cms1', 0, 20).join('\n')}\n`);
  const gz = join(dir, 'cms2.log.gz');
  writeFileSync(gz, gzipSync(`${sampleLines('cms2', 5, 20).join('\n')}\n`));

  test('plain file: records in order, every line counted, year from the file time', async () => {
    utimesSync(plain, new Date(T0), new Date(T0));
    const [source] = (await expandSources([plain], T0)).sources;
    const r = await collect(source as LogSource);
    assert.deepEqual([r.records, r.lines, r.malformed], [21, 61, 0]);
    assert.equal(r.times[0], T0);
    assert.deepEqual(
      [...r.times].sort((a, b) => a - b),
      r.times,
    );
  });

  test('the same records, every field, whether Stats lines are read by the WebAssembly kernel or in JavaScript', async () => {
    utimesSync(plain, new Date(T0), new Date(T0));
    const [source] = (await expandSources([plain], T0)).sources;
    const read = async () => {
      const records = [];
      let lines = 0;
      for await (const b of readBatches(source as LogSource, { batchSize: 7 })) {
        records.push(...unpackRecords(b));
        lines += b.lines;
      }
      return { records, lines };
    };
    const byKernel = await read();
    // Every slot of this thread's kernel taken (as by 2,048 sources open at once): the next source reads its Stats
    // lines in JavaScript.
    const probe = new CandidateScanner(CANDIDATE_SUBSTRINGS, () => {});
    const taken = [];
    for (let r = probe.statsLineReader(); r; r = probe.statsLineReader()) {
      taken.push(r);
    }
    assert.ok(taken.length > 0, 'this runtime has the WebAssembly kernel');
    const inJs = await read();
    for (const r of taken) {
      r.release();
    }
    probe.end();
    assert.equal(byKernel.records.filter((r) => r.kind === 'webbridge-stats').length, 20);
    assert.deepEqual(inJs, byKernel);
  });

  test('a file of Stats lines only: batches stay near the batch size, plain or gzip, the same records as a sparse read', async (t) => {
    // 12,000 Stats lines, ~1.1 MB: one 1 MiB read held ~11,000 records, and so did one batch (and each of the
    // read-ahead's). Reads now shrink to the density (read-size.ts): a batch is its size plus what one read adds.
    const lines = Array.from({ length: 12_000 }, (_, i) => webBridgeStatsLine(T0 + i * 1000, 'cms9', i % 140, i, 0));
    const text = `${lines.join('\n')}\n`;
    // A folder of its own: the folder test below expands `dir` whole.
    const denseDir = mkdtempSync(join(tmpdir(), 'wbguard-dense-'));
    t.after(() => rmSync(denseDir, { recursive: true, force: true }));
    const densePlain = join(denseDir, 'dense.log');
    const denseGz = join(denseDir, 'dense.log.gz');
    writeFileSync(densePlain, text);
    writeFileSync(denseGz, gzipSync(text));
    const shortest = Math.min(...lines.map((l) => l.length + 1));
    // The first read's size is fixed (the density is not known yet); later reads are sized to it.
    const perFirstRead = Math.ceil(FIRST_READ_BYTES / shortest);
    const perMinRead = Math.ceil(MIN_READ_BYTES / shortest);
    const batchSize = 16;
    for (const path of [densePlain, denseGz]) {
      const [source] = (await expandSources([path], T0)).sources;
      const sizes: number[] = [];
      const times: number[] = [];
      for await (const b of readBatches(source as LogSource, { batchSize })) {
        sizes.push(packedLength(b));
        times.push(...unpackRecords(b).map((r) => r.at));
      }
      assert.equal(times.length, 12_000, path);
      assert.deepEqual(
        times,
        lines.map((_, i) => T0 + i * 1000),
        path,
      );
      assert.ok((sizes[0] as number) <= perFirstRead, `${path}: a first batch of ${sizes[0]} records`);
      const largest = Math.max(...sizes.slice(1));
      assert.ok(largest <= batchSize * 4 + perMinRead, `${path}: a batch of ${largest} records`);
    }
  });

  test('with spare memory given back as batches are merged, batches are packed into it: the same records', async (t) => {
    const lines = Array.from({ length: 6_000 }, (_, i) => webBridgeStatsLine(T0 + i * 1000, 'cms9', i % 140, i, 0));
    const denseDir = mkdtempSync(join(tmpdir(), 'wbguard-spares-'));
    t.after(() => rmSync(denseDir, { recursive: true, force: true }));
    const path = join(denseDir, 'dense.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const [source] = (await expandSources([path], T0)).sources;
    const spares = new SpareBufferList();
    const handedOn = new Set<ArrayBuffer>();
    let inSpareMemory = 0;
    const times: number[] = [];
    for await (const b of readBatches(source as LogSource, { batchSize: 64, spares })) {
      if (handedOn.has(b.numbers.buffer)) {
        inSpareMemory++;
      }
      times.push(...unpackRecords(b).map((r) => r.at));
      // Merged: given back, as the main thread does a scan worker's.
      handedOn.add(b.numbers.buffer);
      spares.give(b.numbers.buffer);
    }
    assert.deepEqual(
      times,
      lines.map((_, i) => T0 + i * 1000),
    );
    assert.ok(inSpareMemory > 10, `batches packed into memory given back: ${inSpareMemory}`);
  });

  test('readRecords bounds a batch where reads would add more: a read of a CMS log adds ~110 records a MiB', async (t) => {
    // One Stats line in 20 (~2,000 records in ~3 MB): 1 MiB reads would add ~300 records to batches of 32. With
    // readRecords 32 (analyze with many sources: worker-protocol.ts readRecordsFor) reads shrink to add about that,
    // and a batch is cut before the next read would take it past its size: no batch is larger than its size plus
    // what one smallest read adds, plain or gzip (cut only once past the size, they came out at ~60).
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const at = T0 + i * 1000;
      lines.push(i % 20 === 0 ? webBridgeStatsLine(at, 'cms8', i % 140, i, 0) : chatterLine(at, 'cms8', i));
    }
    const text = `${lines.join('\n')}\n`;
    const sparseDir = mkdtempSync(join(tmpdir(), 'wbguard-sparse-'));
    t.after(() => rmSync(sparseDir, { recursive: true, force: true }));
    writeFileSync(join(sparseDir, 'sparse.log'), text);
    writeFileSync(join(sparseDir, 'sparse.log.gz'), gzipSync(text));
    const bytesPerRecord = text.length / 2_000;
    const perMinRead = Math.ceil(MIN_READ_BYTES / bytesPerRecord) + 1;
    const batchSize = 32;
    for (const name of ['sparse.log', 'sparse.log.gz']) {
      const [source] = (await expandSources([join(sparseDir, name)], T0)).sources;
      const sizes: number[] = [];
      let records = 0;
      for await (const b of readBatches(source as LogSource, { batchSize, readRecords: batchSize })) {
        sizes.push(packedLength(b));
        records += packedLength(b);
      }
      assert.equal(records, 2_000, name);
      const largest = Math.max(...sizes.slice(1));
      assert.ok(largest <= batchSize + perMinRead, `${name}: a batch of ${largest} records`);
    }
  });

  test('sizes changed while a source is read take effect from the next batch, the records the same', async (t) => {
    // A scan worker's source resized by the merge (app/analyze/held-at-once.ts): batches of 16, then of 1,000. Every
    // line a Stats line, so that a batch is the records of about one read.
    const lines = Array.from({ length: 6_000 }, (_, i) => webBridgeStatsLine(T0 + i * 1000, 'cms9', i % 140, i, 0));
    const denseDir = mkdtempSync(join(tmpdir(), 'wbguard-resized-'));
    t.after(() => rmSync(denseDir, { recursive: true, force: true }));
    writeFileSync(join(denseDir, 'dense.log'), `${lines.join('\n')}\n`);
    const [source] = (await expandSources([join(denseDir, 'dense.log')], T0)).sources;
    const sizing = { batchRecords: 16, readRecords: 16 };
    const sizes: number[] = [];
    const connects: number[] = [];
    for await (const b of readBatches(source as LogSource, { batchSize: 4096 }, sizing)) {
      sizes.push(packedLength(b));
      connects.push(...unpackRecords(b).map((r) => (r.kind === 'webbridge-stats' ? r.connects : -1)));
      if (sizes.length === 4) {
        sizing.batchRecords = 1000;
        sizing.readRecords = 1000;
      }
    }
    assert.deepEqual(
      connects,
      lines.map((_, i) => i),
    );
    // A batch holds at most its size and what one smallest read adds (as above).
    const perMinRead = Math.ceil(MIN_READ_BYTES / Math.min(...lines.map((l) => l.length + 1))) + 1;
    const before = sizes.slice(1, 4);
    const after = sizes.slice(5, -1);
    assert.ok(
      before.every((n) => n <= 16 + perMinRead),
      `the sizes given, not the options': ${before}`,
    );
    assert.ok(
      after.length > 0 && after.every((n) => n > 16 + perMinRead && n <= 1000 + perMinRead),
      `the new size: ${after}`,
    );
  });

  test('gzip file', async () => {
    const [source] = (await expandSources([gz], T0)).sources;
    assert.equal(source?.kind, 'gzip');
    const r = await collect(source as LogSource);
    assert.deepEqual([r.records, r.lines], [21, 61]);
  });

  test('logbundle.tar.gz with a nested .gz entry, sorted by time across entries; non-log entries skipped', async () => {
    const bundle = join(dir, 'bundle', 'logbundle.tar.gz');
    mkdirSync(join(dir, 'bundle'));
    writeFileSync(
      bundle,
      await tarGzAt([
        { name: 'logbundle/syslog', body: Buffer.from(`${sampleLines('cms3', 600_000, 3).join('\n')}\n`) },
        { name: 'logbundle/syslog.1.gz', body: gzipSync(`${sampleLines('cms3', 0, 3).join('\n')}\n`) },
        { name: 'logbundle/live.json', body: Buffer.from('{"Stats 1, c:1, d:1": 1}') },
      ]),
    );
    const { sources } = await expandSources([join(dir, 'bundle')], T0);
    assert.equal(sources[0]?.kind, 'tar-gzip');
    const r = await collect(sources[0] as LogSource);
    assert.deepEqual([r.records, r.lines], [8, 20]);
    assert.deepEqual(
      [...r.times].sort((a, b) => a - b),
      r.times,
    );
  });

  test('stdin', async () => {
    const stdin = new PassThrough();
    stdin.end(`${auditLine(T0, 'cms1', 'admin', 'webbridge restart')}\nnot a syslog line with Stats 5, c:1, d:1\n`);
    const { sources } = await expandSources(['-'], T0);
    const r = await collect(sources[0] as LogSource, stdin);
    assert.deepEqual([r.records, r.lines, r.malformed], [1, 2, 1]);
  });

  test('folders expand recursively in name order; missing paths are reported, not fatal', async () => {
    const { sources, errors } = await expandSources([dir, join(dir, 'nope.log')], T0);
    assert.deepEqual(
      sources.map((s) => s.path.slice(dir.length + 1)),
      ['bundle/logbundle.tar.gz', 'cms1.log', 'cms2.log.gz'],
    );
    assert.deepEqual(errors, [{ path: join(dir, 'nope.log'), message: 'no such file or folder' }]);
  });

  test('a corrupt gzip rejects with its cause', async () => {
    const bad = join(dir, 'bad.log.gz');
    writeFileSync(bad, Buffer.from('this is not gzip'));
    const [source] = (await expandSources([bad], T0)).sources;
    await assert.rejects(collect(source as LogSource), /incorrect header check|unknown compression/);
  });
});

describe('a compressed source taken up past the streams a thread holds', () => {
  const own = mkdtempSync(join(tmpdir(), 'wbguard-drain-'));
  after(() => rmSync(own, { recursive: true, force: true }));
  // Random text between records, so that it inflates over several chunks of 16 KiB.
  const text = `${sampleLines('cms7', 0, 3_000)
    .map((l, i) => (i % 3 === 1 ? `${l} ${randomBytes(24).toString('hex')}` : l))
    .join('\n')}\n`;
  const whole = gzipSync(text);
  const wholePath = join(own, 'whole.log.gz');
  writeFileSync(wholePath, whole);
  // Cut short: gunzip hands on what it inflated, then fails.
  const cutPath = join(own, 'cut.log.gz');
  writeFileSync(cutPath, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const gzipSource = (path: string): LogSource => ({ kind: 'gzip', path, mtimeMs: T0, size: 0 });

  /** Every batch's records and counts, and the error that ended the reading, if any. */
  async function readAll(
    source: LogSource,
    releaseStreams: boolean,
    onBatch: (k: number) => void = () => {},
    drainCompressedBytes = -1,
  ) {
    const records: unknown[] = [];
    let lines = 0;
    let error: string | undefined;
    let k = 0;
    // Unless said otherwise, no source is small enough to be read to its end at once: let go after its first batch.
    const options = { batchSize: 16, streamChunkBytes: 16 << 10, releaseStreams, drainCompressedBytes };
    try {
      for await (const b of readBatches(source, options)) {
        records.push(...unpackRecords(b));
        lines += b.lines;
        onBatch(k++);
      }
    } catch (err) {
      error = (err as Error).message;
    }
    return { records, lines, error, batches: k };
  }

  /** STREAMS_HELD_AT_ONCE other streams of this thread taken up and held (released by the returned function). */
  async function holdAll(): Promise<() => void> {
    const held = Array.from(
      { length: STREAMS_HELD_AT_ONCE },
      () => new StreamInput(gzipSource(wholePath), { chunkBytes: 16 << 10, onRaw: () => {} }),
    );
    for (const input of held) {
      assert.equal(await input.takeUp(), 'hold');
    }
    return () => {
      for (const input of held) {
        input.close();
      }
    };
  }

  test('read to its end at once, its batches spilled and handed on after: the same records and lines', async () => {
    const reference = await readAll(gzipSource(wholePath), false);
    assert.equal(reference.error, undefined);
    assert.ok(reference.batches > 20);
    // Taken up with room left: held open, nothing spilled.
    let before = spilledBatches();
    const heldOpen = await readAll(gzipSource(wholePath), true);
    assert.deepEqual(heldOpen, reference);
    assert.equal(spilledBatches(), before);
    // Taken up with the thread holding its share: drained.
    const letGo = await holdAll();
    try {
      before = spilledBatches();
      streamsOpenInThread();
      const openAtBatch: number[] = [];
      const drained = await readAll(gzipSource(wholePath), true, () => openAtBatch.push(streamsOpenInThread().now));
      assert.deepEqual(drained, reference);
      assert.equal(spilledBatches() - before, reference.batches - 1, 'every batch after the first spilled');
      assert.deepEqual(
        openAtBatch.slice(1),
        new Array(reference.batches - 1).fill(0),
        'its stream let go while spilled batches are handed on',
      );
      assert.equal(spillFileOpen(), false);
    } finally {
      letGo();
    }
  });

  test('small among many, read to its end at once: every batch spilled, the stream closed before the first', async () => {
    const reference = await readAll(gzipSource(wholePath), false);
    const before = spilledBatches();
    streamsOpenInThread();
    const openAtBatch: Array<{ now: number; most: number }> = [];
    const sized: LogSource = { ...gzipSource(wholePath), size: whole.length };
    const drained = await readAll(sized, true, () => openAtBatch.push(streamsOpenInThread()), whole.length);
    assert.deepEqual(drained, reference);
    assert.equal(spilledBatches() - before, reference.batches, 'every batch spilled');
    assert.deepEqual(
      openAtBatch.map((o) => o.now),
      new Array(reference.batches).fill(0),
      'its stream closed before its first batch',
    );
    assert.equal(openAtBatch[0]?.most, 1, 'one stream opened before the first batch');
    assert.equal(spillFileOpen(), false);
    // One byte over the size: let go after its first batch instead, nothing spilled (room left in the thread).
    const spilled = spilledBatches();
    assert.deepEqual(await readAll(sized, true, () => {}, whole.length - 1), reference);
    assert.equal(spilledBatches(), spilled);
  });

  test('cut short: what was read before the error is handed on, then the error, as when held open', async () => {
    const reference = await readAll(gzipSource(cutPath), false);
    assert.match(reference.error ?? '', /unexpected end of file/);
    assert.ok(reference.records.length > 100);
    const letGo = await holdAll();
    try {
      const before = spilledBatches();
      const drained = await readAll(gzipSource(cutPath), true);
      assert.ok(spilledBatches() > before);
      assert.deepEqual(drained, reference);
      assert.equal(spillFileOpen(), false);
    } finally {
      letGo();
    }
  });
});

test('an archive of more records than a run: sorted through temporary files, the order of a sort of all of them', async () => {
  const own = mkdtempSync(join(tmpdir(), 'wbguard-tar-runs-'));
  try {
    // Three entries, newest first as in a CMS log bundle, two of them at the same instants: their Stats lines only,
    // repeated to make 2.5 runs' worth of records.
    const entries = [
      { name: 'logbundle/syslog', lines: sampleLines('cms3', 40_000_000, 3_500) },
      { name: 'logbundle/syslog.1.gz', lines: sampleLines('cms3', 20_000_000, 3_500) },
      { name: 'logbundle/syslog.2', lines: sampleLines('cms3', 20_000_000, 3_500) },
    ];
    const dense = entries.map((e) => ({
      ...e,
      lines: e.lines.filter((l) => l.includes('Stats ') || l.includes('STATS:')),
    }));
    const copies = Math.ceil((RUN_RECORDS * 2.5) / dense.reduce((a, e) => a + e.lines.length, 0));
    const bodies = dense.map((e) => ({
      name: e.name,
      text: `${Array.from({ length: copies }, () => e.lines.join('\n')).join('\n')}\n`,
    }));
    const path = join(own, 'logbundle.tar.gz');
    writeFileSync(
      path,
      await tarGzAt(
        bodies.map((b) => ({ name: b.name, body: b.name.endsWith('.gz') ? gzipSync(b.text) : Buffer.from(b.text) })),
      ),
    );
    // Each entry read alone, in archive order, then sorted stably: what the archive must give.
    const expected: unknown[] = [];
    for (const [i, b] of bodies.entries()) {
      const p = join(own, `entry-${i}.log`);
      writeFileSync(p, b.text);
      utimesSync(p, T0 / 1000, T0 / 1000);
      for await (const batch of readBatches({ kind: 'plain', path: p, mtimeMs: T0, size: 0 })) {
        expected.push(...unpackRecords(batch));
      }
    }
    (expected as Array<{ at: number }>).sort((a, b) => a.at - b.at);
    assert.ok(expected.length > 2 * RUN_RECORDS);
    const before = spilledBatches();
    const got: unknown[] = [];
    for await (const batch of readBatches({ kind: 'tar-gzip', path, mtimeMs: T0, size: 0 }, { batchSize: 1000 })) {
      got.push(...unpackRecords(batch));
    }
    assert.ok(spilledBatches() - before > (2 * RUN_RECORDS) / 512, 'runs written to the temporary file');
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
    assert.equal(spillFileOpen(), false);
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});

test("archives' inflaters share a budget between the archives read at once, 16 KiB each at least", () => {
  assert.equal(archiveChunkBytesFor(1), 128 << 10, 'one thread: 4 archives at once');
  assert.ok(archiveChunkBytesFor(3) < archiveChunkBytesFor(1));
  for (const threads of [1, 2, 3, 4, 8]) {
    assert.ok(threads * ARCHIVES_AT_ONCE * archiveChunkBytesFor(threads) <= 512 << 10, `${threads} threads`);
  }
  assert.equal(archiveChunkBytesFor(64), 16 << 10, "never below zlib's default");
  // Fewer archives than a thread reads at once: each has a larger share.
  assert.equal(archiveChunkBytesFor(1, 1), 512 << 10, 'one bundle alone');
  assert.equal(archiveChunkBytesFor(2, 2), 256 << 10);
  assert.equal(archiveChunkBytesFor(1, 60), archiveChunkBytesFor(1));
  assert.equal(archiveChunkBytesFor(3, 0), 512 << 10, 'no archive: nothing shared');
});
