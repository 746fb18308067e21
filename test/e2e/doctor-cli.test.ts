/**
 * The real `wbguard doctor` entry point as a child process against an in-process simulator: exit 0 when every
 * check passes, 1 when one fails (an MMP port closed), 2 for a usage error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doctorCluster } from '../app/doctor/fixture.js';
import { run } from '../helpers/run.js';

const MAIN = new URL('../../src/app/cli/main.ts', import.meta.url).pathname;

test('wbguard doctor exit codes: 0 healthy, 1 a ✘, 2 usage', async (t) => {
  const f = await doctorCluster(t, 1);
  await f.logsReady();
  const doctor = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', MAIN, 'doctor', '--config', f.configPath, ...args], {
      env: { ...f.env, NO_COLOR: '1' },
      timeoutMs: 60_000,
    });
  const healthy = await doctor(['--logs', f.logs]);
  assert.equal(healthy.status, 0, healthy.stdout + healthy.stderr);
  assert.match(healthy.stdout, /^\d+ ✔ {2}0 ! {2}0 ✘$/m);

  f.sim.cluster.setFaults('cms1', { portClosed: true });
  const closed = await doctor(['--logs', f.logs]);
  f.sim.cluster.setFaults('cms1', { portClosed: false });
  assert.equal(closed.status, 1, closed.stdout + closed.stderr);
  assert.match(closed.stdout, /✘ cms1 127\.0\.0\.1:\d+: SSH port \d+ of 127\.0\.0\.1 not open \(ECONNREFUSED\)/);
  assert.match(closed.stdout, /\(exit 1: fix each ✘ above\)/);

  const usage = await doctor(['--listen-seconds', 'soon']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--listen-seconds must be a whole number from 1 to 3600 \[value:soon\]/);
});
