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
