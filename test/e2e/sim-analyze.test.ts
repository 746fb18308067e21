/**
 * End to end: the simulator writes a leaking day of CMS syslog to files, `wbguard analyze` (the real CLI, a child
 * process) reads them, and the leak it proves on every Web Bridge is what the simulator knows it leaked.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/run.js';
import { SIM_START, simulator, tempDir } from '../sim/helpers.js';

const MAIN = new URL('../../src/app/cli/main.ts', import.meta.url).pathname;

test('a simulated leaking day, analysed from its syslog files, gives the simulator’s own leak', async (t) => {
  const dir = tempDir(t);
  const sim = await simulator(t, {
    syslog: [`file:${join(dir, '{node}.log')}`],
    leakRate: 0.15,
    joinRate: 240,
    seed: 11,
  });
  sim.cluster.advance(20 * 3_600_000);
  sim.cluster.setJoinRate(0); // a quiet end: every real guest leaves, only leaked sessions remain
  sim.cluster.advance(6 * 3_600_000);
  const state = sim.state();
  await sim.close(); // flushes the files
  assert.ok(state.webbridges.every((w) => w.real === 0));
  assert.ok(
    state.webbridges.some((w) => w.leaked > 5),
    JSON.stringify(state),
  );
  const year = String(new Date(SIM_START).getUTCFullYear());
  const r = await run(process.execPath, ['--import', 'tsx', MAIN, 'analyze', dir, '--json', '--year', year], {
    timeoutMs: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    webbridges: Array<{ name: string; leakedMin: number; active: number }>;
    cluster: { leaked: number; leakedValid: boolean };
    lines: { malformed: number };
  };
  assert.deepEqual(
    doc.webbridges.map((w) => [w.name, w.leakedMin, w.active]),
    state.webbridges.map((w) => [w.name, w.leaked, w.active]),
  );
  assert.equal(
    doc.cluster.leaked,
    state.webbridges.reduce((a, w) => a + w.leaked, 0),
  );
  assert.equal(doc.cluster.leakedValid, true);
  assert.equal(doc.lines.malformed, 0);
});
