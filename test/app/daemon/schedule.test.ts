/**
 * The cron trigger of the daemon: `policy.schedule` in `policy.tz` makes every Web Bridge a candidate when it comes
 * due (the guards still decide), once — a schedule that came due is not caught up again — and in the policy's zone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

// Saturday 28 November 2026. Europe/Berlin is UTC+1 then: 02:00 in Berlin is 01:00 UTC.
const SAT_0055_UTC = Date.UTC(2026, 10, 28, 0, 55, 0);
const MIN = 60_000;

test('policy.schedule "0 2 * * 6" in Europe/Berlin fires at 01:00 UTC, once, and the guards still decide', async (t) => {
  const dir = tempDir(t, 'wbguard-cron-');
  const sim = await simulator(t, {
    leakRate: 0.5,
    joinRate: 600,
    meanStay: '5m',
    start: new Date(SAT_0055_UTC - 5 * 3_600_000).toISOString(),
  });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000 - 10 * MIN);
  const env = { PW: SIM_PASSWORD };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: { password: 'env:PW' },
      restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365, maxPerDay: 24 },
      analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      // Only the schedule triggers: the leak alone would not.
      policy: { mode: 'dry-run', schedule: '0 2 * * 6', tz: 'Europe/Berlin', leakTrigger: false },
      state: join(dir, 'state'),
    },
    { env },
  );
  let clock = SAT_0055_UTC;
  const daemon = await startDaemon(config, { env, now: () => clock, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  await feedPicture(daemon, sim, sim.cluster.now);

  const names = sim.mmp.nodes.map((n) => n.name);
  const at = async (ms: number) => {
    clock = ms;
    return daemon.evaluate();
  };
  // 01:55 in Berlin: not yet.
  assert.deepEqual((await at(SAT_0055_UTC)).triggered, []);
  // 00:59 UTC is 01:59 in Berlin: still not (in UTC the schedule would wait for 02:00 UTC).
  assert.deepEqual((await at(SAT_0055_UTC + 4 * MIN)).triggered, []);
  // 01:01 UTC = 02:01 Berlin: due. Every Web Bridge is a candidate; the guards decide (dry-run: would restart).
  const due = await at(SAT_0055_UTC + 6 * MIN);
  assert.deepEqual([...due.triggered].sort(), [...names].sort());
  assert.equal(due.action, 'would-restart');
  // Five minutes later: not again (no catching up, no repeat).
  assert.deepEqual((await at(SAT_0055_UTC + 11 * MIN)).triggered, []);
  const journal = readFileSync(join(config.state, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; trigger: string });
  assert.deepEqual(
    journal.filter((e) => e.kind === 'plan').map((e) => e.trigger),
    ['daemon:schedule'],
  );
});
