/**
 * The simulator's clock: by default two hours of history replayed at `speed`, then with the wall clock, never ahead
 * of it (a CMS never stamps a line in the future, and wbguard's fresh guard refuses such data); ahead of it only when
 * asked (the demo, whose guard lives on the simulator's clock).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSimConfig } from '../../src/sim/config.js';
import { HISTORY_MS, startSimulator } from '../../src/sim/run.js';
import { until } from '../helpers/until.js';
import { tempDir } from './helpers.js';

async function sim(t: Parameters<typeof tempDir>[0], wall: number, over: Record<string, unknown> = {}) {
  const handle = await startSimulator(
    parseSimConfig({ sshPort: 0, controlPort: 0, apiPort: 0, stateDir: tempDir(t), speed: 100_000, ...over }),
    { env: { WBGUARD_SIM_PASSWORD: 'clock-Test-1' }, tickMs: 10, wallClock: () => wall },
  );
  t.after(() => handle.close());
  return handle;
}

test('by default: starts two hours back, runs at speed until the wall clock, then never passes it', async (t) => {
  const wall = Date.UTC(2026, 11, 6, 9, 0, 0);
  const s = await sim(t, wall);
  assert.ok(s.cluster.now < wall && s.cluster.now >= wall - HISTORY_MS, new Date(s.cluster.now).toISOString());
  const stamps: number[] = [];
  s.cluster.onLine(() => stamps.push(s.cluster.now));
  await until(() => s.cluster.now === wall, 10_000, 'the simulated clock to reach the wall clock');
  await new Promise((r) => setTimeout(r, 200)); // twenty more ticks, the wall clock standing still
  assert.equal(s.cluster.now, wall);
  assert.ok(stamps.length > 0 && stamps.every((at) => at <= wall), 'nothing logged ahead of the clock');
});

test('aheadOfClock: runs at speed past the wall clock, from now', async (t) => {
  const wall = Date.UTC(2026, 11, 6, 9, 0, 0);
  const s = await sim(t, wall, { aheadOfClock: true });
  assert.equal(s.cluster.now, wall);
  await until(() => s.cluster.now > wall + 3_600_000, 10_000, 'an hour ahead');
});
