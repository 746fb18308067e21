import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileRestartLock } from '../../../src/adapters/lock/file-lock.js';
import { tempDir } from '../../sim/helpers.js';

test('one restart at a time across processes: a live holder in another process blocks, its exit frees the lock', async (t) => {
  const dir = tempDir(t);
  const lockUrl = new URL('../../../src/adapters/lock/file-lock.ts', import.meta.url).href;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { FileRestartLock } from ${JSON.stringify(lockUrl)}; const r = new FileRestartLock(${JSON.stringify(dir)}).tryAcquire('lab', 'cms1', Date.now()); console.log(r.ok ? 'held' : 'busy'); setTimeout(() => {}, 60000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const lock = new FileRestartLock(dir);
  const busy = lock.tryAcquire('lab', 'cms2', Date.now());
  assert.equal(busy.ok, false);
  assert.deepEqual(busy.ok ? undefined : [busy.holder.pid, busy.holder.node, busy.holder.host], [
    child.pid,
    'cms1',
    hostname(),
  ]);
  assert.equal(lock.holder('lab', Date.now())?.node, 'cms1');
  assert.equal(lock.tryAcquire('other-cluster', 'x', Date.now()).ok, true, 'locks are per cluster');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  const after = lock.tryAcquire('lab', 'cms2', Date.now());
  assert.equal(after.ok, true, 'a lock whose process is gone is stale');
  if (after.ok) {
    after.release();
  }
  assert.equal(existsSync(join(dir, 'restart-lab.lock')), false);
});

test('a lock older than its maximum age is stale; release never removes someone else’s lock', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'restart-lab.lock');
  writeFileSync(
    path,
    JSON.stringify({
      pid: process.pid,
      host: 'elsewhere',
      node: 'cms1',
      since: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    }),
  );
  const lock = new FileRestartLock(dir, 3_600_000);
  const mine = lock.tryAcquire('lab', 'cms2', Date.now());
  assert.equal(mine.ok, true);
  writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', node: 'cms3', since: new Date().toISOString() }));
  if (mine.ok) {
    mine.release();
  }
  assert.match(readFileSync(path, 'utf8'), /cms3/);
});
