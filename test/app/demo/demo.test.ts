/**
 * `wbguard demo` as a new user sees it, with its defaults (60× speed, waves of 30 s busy and 45 s quiet): a limit
 * forecast within its first three simulated hours, one clock (the simulator's) in the API, the journal and the
 * console, and each restart printed on its own line as it happens.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simTime, startDemoConsole } from '../../../src/app/demo/console.js';
import { startDemo } from '../../../src/app/demo/demo.js';

interface State {
  clock: { now: string; simulated: boolean; speed: number };
  webbridges: Array<{ name: string; leakRatePerDay: number | null; limitForecast: { inHours: number | null } | null }>;
}

async function until<T>(f: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test('the demo with its defaults: a forecast within three simulated hours, one clock, restarts one per line', {
  timeout: 600_000,
}, async (t) => {
  const demo = await startDemo({ httpPort: 0 });
  t.after(() => demo.close());
  const start = demo.sim.cluster.now;
  const lines: string[] = [];
  const printer = startDemoConsole(demo.sim, (l) => lines.push(l));
  t.after(() => printer.stop());
  const state = async () => (await (await fetch(`${demo.url}/api/v1/state`)).json()) as State;

  // The forecast: a leak rate per day and a limit forecast for some Web Bridge, in simulated time.
  const forecast = await until(
    async () => {
      const s = await state();
      const w = s.webbridges.find((x) => x.leakRatePerDay !== null && x.limitForecast?.inHours != null);
      return w ? { s, w, at: demo.sim.cluster.now } : undefined;
    },
    420_000,
    'a leak rate and a limit forecast',
  );
  assert.ok(forecast.at - start <= 3 * 3_600_000, `forecast after ${(forecast.at - start) / 60_000} simulated minutes`);
  assert.ok((forecast.w.leakRatePerDay ?? 0) > 0, JSON.stringify(forecast.w));

  // One clock: the API's is the simulator's, labelled as simulated.
  const { clock } = forecast.s;
  assert.equal(clock.simulated, true);
  assert.equal(clock.speed, 60);
  assert.ok(
    Math.abs(Date.parse(clock.now) - forecast.at) < 5 * 60_000,
    `${clock.now} vs ${new Date(forecast.at).toISOString()}`,
  );

  // Restarts by policy, each on its own console line when it starts and when it ends, in order, on the sim clock.
  await until(
    async () =>
      demo.sim.cluster.history.filter((h) => h.event === 'restart:completed').length >= 2 ? true : undefined,
    420_000,
    'two restarts by policy',
  );
  printer.stop();
  const restartLines = lines.filter((l) => /Web Bridge (restart started|back up)/.test(l));
  const events = demo.sim.cluster.history.filter(
    (h) => h.event === 'restart:started' || h.event === 'restart:completed',
  );
  assert.deepEqual(
    restartLines,
    events.map(
      (e) =>
        `${simTime(e.at)}  ${e.node}: ${e.event === 'restart:started' ? 'Web Bridge restart started' : 'Web Bridge back up'} (${e.detail})`,
    ),
  );
  for (const l of restartLines) {
    assert.equal(l.match(/cms\d/g)?.length, 1, `one Web Bridge per line: ${l}`);
  }
  // Status lines are stamped with the simulator's clock too, never the wall clock's.
  const status = lines.filter((l) => l.includes('|'));
  assert.ok(status.length > 0);
  for (const l of status) {
    const at = Date.parse(`${l.slice(4, 23).replace(' ', 'T')}Z`);
    assert.ok(at >= start - 1000 && at <= demo.sim.cluster.now, l);
  }
  // The journal's entries are on the same clock: none before the simulated start, none after its now.
  const journal = (await (await fetch(`${demo.url}/api/v1/journal`)).json()) as Array<{ ts: string }>;
  assert.ok(journal.length > 0);
  for (const e of journal) {
    assert.ok(Date.parse(e.ts) >= start - 1000 && Date.parse(e.ts) <= demo.sim.cluster.now, e.ts);
  }
});
