/**
 * Plain files read through a thread's budget of descriptors (open-files.ts): the least recently read is closed and
 * opened again where it was; a file replaced meanwhile is refused; a pipe is never closed early; the limit is read.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  closeOpenFile,
  OpenFile,
  openFilesInThread,
  openFilesLimit,
  openFilesPerThread,
  readOpenFile,
  setOpenFilesBudget,
} from '../../../src/adapters/logfiles/open-files.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-open-files-'));
after(() => {
  setOpenFilesBudget(512);
  rmSync(dir, { recursive: true, force: true });
});

/** Reads every file of `files` round-robin, `chunk` bytes at a time, to their ends: each one's bytes. */
function readRoundRobin(files: OpenFile[], chunk: number, onRead: () => void): Buffer[] {
  const out = files.map(() => [] as Buffer[]);
  const done = files.map(() => false);
  while (done.includes(false)) {
    files.forEach((f, i) => {
      if (done[i]) {
        return;
      }
      const into = Buffer.alloc(chunk);
      const n = readOpenFile(f, into, chunk);
      onRead();
      if (n === 0) {
        done[i] = true;
        closeOpenFile(f);
      } else {
        out[i]?.push(into.subarray(0, n));
      }
    });
  }
  return out.map((parts) => Buffer.concat(parts));
}

test('at most the budget open at once; each file read whole, in order, across closings', () => {
  const texts = Array.from({ length: 7 }, (_, i) => Buffer.from(`file ${i}: ${'x'.repeat(1000 + i * 137)}\n`));
  const paths = texts.map((t, i) => {
    const p = join(dir, `f${i}.log`);
    writeFileSync(p, t);
    return p;
  });
  setOpenFilesBudget(3);
  let most = 0;
  const got = readRoundRobin(
    paths.map((p) => new OpenFile(p)),
    100,
    () => (most = Math.max(most, openFilesInThread())),
  );
  assert.deepEqual(got, texts);
  assert.equal(most, 3);
  assert.equal(openFilesInThread(), 0);
});

test('a file replaced while closed is refused, named; one left alone reads on', () => {
  setOpenFilesBudget(1);
  const a = join(dir, 'rotating.log');
  const b = join(dir, 'other.log');
  writeFileSync(a, 'first line\nsecond line\n');
  writeFileSync(b, 'other\n');
  const rotating = new OpenFile(a);
  const other = new OpenFile(b);
  const into = Buffer.alloc(6);
  assert.equal(readOpenFile(rotating, into, 6), 6);
  assert.equal(readOpenFile(other, into, 6), 6, 'closes the first (budget 1)');
  // Rotated meanwhile: a new file under the same name.
  renameSync(a, join(dir, 'rotating.log.1'));
  writeFileSync(a, 'a new file\n');
  assert.throws(() => readOpenFile(rotating, into, 6), /rotating\.log was replaced while it was being read/);
  closeOpenFile(other);
});

test('a short read at the size a file was listed with is its end; below that size it reads on', () => {
  const path = join(dir, 'growing.log');
  writeFileSync(path, 'line\n');
  const into = Buffer.alloc(64);
  const listed = new OpenFile(path, 5);
  assert.equal(readOpenFile(listed, into, 64), 5);
  assert.equal(listed.ended, true);
  appendFileSync(path, 'written after it was listed\n');
  assert.equal(readOpenFile(listed, into, 64), 0, 'its end, as listed: not read again');
  closeOpenFile(listed);
  // Listed larger than it is now (cut meanwhile), or with no size: read until a read answers nothing.
  writeFileSync(path, 'line\n');
  for (const file of [new OpenFile(path, 100), new OpenFile(path)]) {
    assert.equal(readOpenFile(file, into, 64), 5);
    assert.equal(file.ended, false);
    appendFileSync(path, 'more\n');
    assert.equal(readOpenFile(file, into, 64), 5);
    closeOpenFile(file);
    writeFileSync(path, 'line\n');
  }
});

test('a pipe is read where it stands and never closed to make room', async () => {
  setOpenFilesBudget(1);
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `printf 'one\\ntwo\\nthree\\n' > "${fifo}"`]);
  const plain = join(dir, 'beside.log');
  writeFileSync(plain, 'beside\n');
  const [fromPipe, beside] = readRoundRobin([new OpenFile(fifo), new OpenFile(plain)], 4, () => {});
  assert.equal(fromPipe?.toString(), 'one\ntwo\nthree\n');
  assert.equal(beside?.toString(), 'beside\n');
  await new Promise((resolve) => writer.on('close', resolve));
});

test('the limit on open files is read from /proc, and shared between the threads reading', () => {
  const limits = join(dir, 'limits');
  writeFileSync(
    limits,
    'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n',
  );
  assert.equal(openFilesLimit(limits), 1024);
  assert.equal(openFilesLimit(join(dir, 'none')), 1024, 'unreadable: the usual soft limit');
  writeFileSync(limits, 'Max open files            unlimited            unlimited            files\n');
  assert.equal(openFilesLimit(limits), Number.POSITIVE_INFINITY);
  assert.equal(openFilesPerThread(1, 1024), 512);
  assert.equal(openFilesPerThread(3, 1024), 170);
  assert.equal(openFilesPerThread(3, 64), 10);
  assert.equal(openFilesPerThread(3, 20), 8, 'never fewer than 8');
  assert.equal(openFilesPerThread(1, Number.POSITIVE_INFINITY), 512, 'never more than 512');
  assert.ok(openFilesLimit() > 0);
});

test('out of descriptors before the budget (EMFILE): the least recently read are closed and every file is read', () => {
  // A process whose limit is below the budget (its other descriptors took more than assumed): in a child under
  // `ulimit -n 40`, 120 files read round-robin with a budget of 512.
  const files = Array.from({ length: 120 }, (_, i) => {
    const p = join(dir, `emfile-${i}.log`);
    writeFileSync(p, `${'x'.repeat(100)}${i}\n`.repeat(20));
    return p;
  });
  const module = new URL('../../../src/adapters/logfiles/open-files.ts', import.meta.url).href;
  const script = `
    import { OpenFile, readOpenFile, setOpenFilesBudget } from ${JSON.stringify(module)};
    setOpenFilesBudget(512);
    const paths = ${JSON.stringify(files)};
    const open = paths.map((p) => new OpenFile(p));
    const bytes = open.map(() => 0);
    for (let round = 0; round < 100; round++) {
      open.forEach((f, i) => { bytes[i] += readOpenFile(f, Buffer.alloc(64), 64); });
    }
    process.stdout.write(JSON.stringify(bytes));`;
  const out = execFileSync(
    'bash',
    ['-c', 'ulimit -n 40 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script],
    { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 },
  );
  const bytes = JSON.parse(out) as number[];
  assert.equal(bytes.length, 120);
  assert.deepEqual(
    bytes,
    files.map((_, i) => (101 + String(i).length) * 20),
    'every file read to its end',
  );
});
