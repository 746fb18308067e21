import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tailFiles } from '../../../src/adapters/logfiles/tail.js';
import { tempDir } from '../../sim/helpers.js';

test('follows appended lines from the end, survives rotation, picks up new files matching the pattern', (t) => {
  const dir = tempDir(t, 'wbguard-tail-');
  const a = join(dir, 'cms1.log');
  writeFileSync(a, 'old line, before wbguard started\n');
  const got: string[] = [];
  const tailer = tailFiles([join(dir, '*.log')], (line, path) => got.push(`${path.slice(dir.length + 1)}: ${line}`), {
    intervalMs: 60_000,
  });
  t.after(() => tailer.close());
  appendFileSync(a, 'one\ntw');
  tailer.poll();
  assert.deepEqual(got, ['cms1.log: one']);
  appendFileSync(a, 'o\n');
  tailer.poll();
  assert.deepEqual(got.slice(1), ['cms1.log: two']);
  renameSync(a, join(dir, 'cms1.log.1'));
  writeFileSync(a, 'after rotation\n');
  writeFileSync(join(dir, 'cms2.log'), 'a new node\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a log\n');
  tailer.poll();
  assert.deepEqual(got.slice(2), ['cms1.log: after rotation', 'cms2.log: a new node']);
});

test('with a positions file, a restart resumes where it stopped: lines written while down are read, none twice', (t) => {
  const dir = tempDir(t, 'wbguard-tail-');
  const a = join(dir, 'cms1.log');
  const b = join(dir, 'cms2.log');
  const positionsPath = join(dir, 'tail-positions.json');
  writeFileSync(a, 'old line, before wbguard ever started\n');
  writeFileSync(b, 'old too\n');
  const got: string[] = [];
  const onLine = (line: string, path: string) => got.push(`${path.slice(dir.length + 1)}: ${line}`);
  let commits = 0;
  const first = tailFiles([join(dir, '*.log')], onLine, {
    intervalMs: 60_000,
    positionsPath,
    beforeSave: () => commits++,
  });
  appendFileSync(a, 'one\npart');
  first.poll();
  first.close();
  assert.deepEqual(got, ['cms1.log: one'], 'the very first start follows from the end');
  assert.ok(commits > 0, 'the caller commits before positions are saved');

  // wbguard is down: the half line is finished, more lines come, cms2.log is rotated, cms3.log appears.
  appendFileSync(a, 'ial\nthree\n');
  renameSync(b, join(dir, 'cms2.log.1'));
  writeFileSync(b, 'after rotation\n');
  writeFileSync(join(dir, 'cms3.log'), 'new node\n');
  const second = tailFiles([join(dir, '*.log')], onLine, { intervalMs: 60_000, positionsPath });
  t.after(() => second.close());
  assert.deepEqual(got.slice(1).sort(), [
    'cms1.log: partial',
    'cms1.log: three',
    'cms2.log: after rotation',
    'cms3.log: new node',
  ]);
});
