/**
 * PATH arguments expanded into sources (sources.ts): into an array, or into the compact SourceList analyze holds for
 * a whole run; both the same sources in the same order, whatever their kinds, sizes and times.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { expandSourceList, expandSources, type LogSource, SourceList } from '../../../src/adapters/logfiles/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-sources-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const source: fc.Arbitrary<LogSource> = fc.record({
  kind: fc.constantFrom('plain' as const, 'gzip' as const, 'tar' as const, 'tar-gzip' as const, 'stdin' as const),
  // Any well-formed text, as paths decoded from UTF-8 are (accents, CJK, emoji: several bytes a character).
  path: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  mtimeMs: fc.double({ min: 0, max: 4e12, noNaN: true }),
  size: fc.integer({ min: 0, max: 2 ** 50 }),
});

test('a SourceList gives back every source pushed, in order, past its first growths', () => {
  fc.assert(
    fc.property(fc.array(source, { maxLength: 300, size: 'max' }), fc.nat(), fc.nat(), (sources, a, b) => {
      const list = new SourceList();
      for (const s of sources) {
        list.push(s);
      }
      assert.equal(list.length, sources.length);
      for (const [i, s] of sources.entries()) {
        assert.deepEqual(list.at(i), { ...s });
        assert.equal(list.kindAt(i), s.kind);
        assert.equal(list.sizeAt(i), s.size);
      }
      const from = sources.length === 0 ? 0 : a % sources.length;
      const to = from + (b % (sources.length - from + 2));
      assert.deepEqual(
        list.slice(from, to),
        sources.slice(from, to).map((s) => ({ ...s })),
      );
    }),
    // Shrinking hundreds of sources takes minutes: a failure is reported as found.
    { numRuns: 200, endOnFailure: true },
  );
});

test('expandSourceList holds what expandSources answers: the same sources, order and errors', async () => {
  const folder = join(dir, 'logs');
  mkdirSync(join(folder, 'node2'), { recursive: true });
  const files = ['b.log', 'a.log.1.gz', 'node2/syslog', 'bundle.tar.gz', 'c.tar', 'skip.png'];
  for (const [i, f] of files.entries()) {
    const p = join(folder, f);
    writeFileSync(p, 'x'.repeat(i * 100));
    utimesSync(p, 1_700_000_000 + i, 1_700_000_000.25 + i);
  }
  const args = [folder, '-', join(dir, 'missing.log')];
  const array = await expandSources(args, 123);
  const list = await expandSourceList(args, 123);
  assert.equal(list.sources.length, 6, 'five files of the folder (not the image) and standard input');
  assert.deepEqual(list.sources.slice(0, list.sources.length), array.sources);
  assert.deepEqual(list.errors, array.errors);
  assert.equal(list.errors[0]?.message, 'no such file or folder');
});

test('a folder is walked in name order, depth first, dot-files, non-logs and pipes left out, without holding up the thread', async () => {
  // More entries than the walk looks at between turns of the event loop (sources.ts PATHS_PER_TURN), in folders.
  const folder = join(dir, 'walk');
  const expected: string[] = [];
  for (const sub of ['b', 'a']) {
    mkdirSync(join(folder, sub), { recursive: true });
    for (let i = 0; i < 400; i++) {
      writeFileSync(join(folder, sub, `n${String(i).padStart(3, '0')}.log`), '');
    }
    writeFileSync(join(folder, sub, '.hidden.log'), '');
    writeFileSync(join(folder, sub, 'core.dmp'), '');
  }
  for (const sub of ['a', 'b']) {
    for (let i = 0; i < 400; i++) {
      expected.push(join(folder, sub, `n${String(i).padStart(3, '0')}.log`));
    }
  }
  let turns = 0;
  let counting = true;
  const count = (): void => {
    if (counting) {
      turns++;
      setImmediate(count);
    }
  };
  setImmediate(count);
  // A FIFO in a folder is passed over; named, it is read (`analyze <(zcat …)`). A socket is neither file nor pipe.
  const fifo = join(dir, 'a-fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assert.equal(spawnSync('mkfifo', [join(folder, 'a', 'n999.log')]).status, 0, 'mkfifo');
  const socketPath = join(dir, 'a-socket');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const { sources, errors } = await expandSourceList([folder, fifo, socketPath], 0);
    counting = false;
    assert.deepEqual(
      Array.from({ length: sources.length }, (_, i) => sources.pathAt(i)),
      [...expected, fifo],
    );
    assert.deepEqual(sources.at(sources.length - 1), {
      kind: 'plain',
      path: fifo,
      mtimeMs: sources.at(sources.length - 1).mtimeMs,
      size: 0,
    });
    assert.deepEqual(errors, [{ path: socketPath, message: 'not a file or folder' }]);
  } finally {
    server.close();
  }
  assert.ok(turns >= 2, `the event loop turned while 800 files were looked at (${turns} turns)`);
});
