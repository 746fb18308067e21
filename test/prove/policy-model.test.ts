/**
 * The randomized model of the restart policy, short version (the long one: `npm run prove -- --only model`).
 * Random clusters, load, leaks, outages, MMP faults, clock steps and crashes of wbguard itself, for a few dozen
 * simulated days, with requests at every door interleaved on one cluster (the daemon's policy, `wbguard restart`
 * with and without --force, `POST /api/v1/restart`, the printed timer); the invariants
 * (test/prove/lib/model/run-model.ts) are checked at every decision and at every restart command against the ground
 * truth. Fixed seeds: a failure names its seed, instant and door, and reruns the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStrategies } from './lib/model/compare.js';
import { CLI_SEES_STILL_RESTARTING, cliRestart, lockOnlyRestart } from './lib/model/doors.js';
import { EVERY_DOOR, type ModelStats, runModel } from './lib/model/run-model.js';

const CLI_DOORS = new Set(['cli', 'cli-force', 'timer']);
const doorOf = (v: string) => /\[([a-z-]+)\]/.exec(v)?.[1] ?? '?';

test('every door, interleaved on one cluster: no invariant is broken (idle, fresh, one at a time, window, maxPerDay, journal)', async () => {
  const stats = await runModel(1, 3, 20, { wiring: 'proposed', doors: EVERY_DOOR });
  // Until the CLI and timer doors see a Web Bridge still restarting (issue 16), only they may break "one at a
  // time", and only that way; the control below shows the model catches it.
  const expected = stats.violations.filter((v) => !CLI_SEES_STILL_RESTARTING && CLI_DOORS.has(doorOf(v)));
  assert.ok(
    expected.every((v) => v.includes('two at once')),
    expected.join('\n'),
  );
  assert.deepEqual(
    stats.violations.filter((v) => !expected.includes(v)),
    [],
  );
  // The run must have exercised what it claims to prove, or a passing result means nothing.
  assert.equal(stats.days, 60);
  assert.ok(stats.decisionsChecked > 50_000, `decisions checked: ${stats.decisionsChecked}`);
  assert.ok((stats.reachedByDoor.daemon ?? 0) > 10, JSON.stringify(stats.reachedByDoor));
  assert.ok((stats.reachedByDoor['cli-force'] ?? 0) > 0, JSON.stringify(stats.reachedByDoor));
  for (const door of ['cli', 'cli-force', 'api', 'timer']) {
    assert.ok(
      (stats.requestsByDoor[door] ?? 0) > 0,
      `no request at the ${door} door: ${JSON.stringify(stats.requestsByDoor)}`,
    );
  }
  assert.ok((stats.results.success ?? 0) > 20, JSON.stringify(stats.results));
  assert.ok((stats.results.failure ?? 0) > 0, 'no failed restart was exercised');
  assert.ok((stats.results.abandoned ?? 0) > 0, 'no abandoned restart was exercised');
  assert.ok(stats.crashes > 0 && stats.clockSteps > 0 && stats.outages > 0, 'no crash, clock step or outage');
  // The leak bound is checked against the truth at every evaluation (asserted once ASSERT_LEAK_BOUND is on).
  assert.ok(stats.leakBoundChecks > 50_000, `leak bound checks: ${stats.leakBoundChecks}`);
});

/** Issue 16's case: restarts that stay down past their verification, and an operator forcing the next at once. */
const runs = new Map<boolean, Promise<ModelStats>>();
const slowThenForce = (lockOnly: boolean): Promise<ModelStats> => {
  const run =
    runs.get(lockOnly) ??
    runModel(1, 2, 10, {
      wiring: 'proposed',
      doors: { ...EVERY_DOOR, forceAfterFailure: 1, lockOnly },
      slowRestart: 0.4,
    });
  runs.set(lockOnly, run);
  return run;
};

test('negative control: a door that looks only at the lock is caught restarting a second Web Bridge while one is down', async () => {
  const stats = await slowThenForce(true);
  const caught = stats.violations.filter((v) => doorOf(v) === 'cli-force' && v.includes('two at once'));
  assert.ok(caught.length > 0, `the model no longer sees it: ${JSON.stringify(stats.violationsByDoor)}`);
});

test("issue 16's CLI case through `wbguard restart --force` (the restart use case): no two at once in the harsh run", async () => {
  // The harsh run of the negative control, through the CLI door as it is: the same case the lock-only door fails
  // must be clean (CLI_SEES_STILL_RESTARTING is true since the CLI goes through the one restart use case).
  const stats = cliRestart === lockOnlyRestart ? await slowThenForce(true) : await slowThenForce(false);
  const twoAtOnce = stats.violations.filter((v) => CLI_DOORS.has(doorOf(v)) && v.includes('two at once'));
  assert.equal(twoAtOnce.length > 0, !CLI_SEES_STILL_RESTARTING, twoAtOnce.slice(0, 3).join('\n'));
});

test('negative control: the daemon wiring before the model (no recheck, in flight = the lock only) is caught', async () => {
  const stats = await runModel(4, 1, 12, 'daemon');
  assert.ok(stats.violations.length > 0, 'the model no longer sees what it found');
});

test("what the guard is for: wbguard's policy, Cisco's weekly blind restart and no action on the same cluster", async () => {
  const [row] = await compareStrategies(1, 1, 14);
  assert.ok(row);
  const { none, cisco, wbguard } = row.byStrategy;
  // The leak locks guests out without action; Cisco's timer restarts every Web Bridge each Saturday, blind.
  assert.ok(none.lockoutMinutes > 0 && none.restarts === 0, JSON.stringify(none));
  assert.ok(cisco.restarts > 0 && cisco.restarts % 2 === 0, JSON.stringify(cisco));
  // On this cluster wbguard's policy locks guests out less than Cisco's schedule and drops no session beyond
  // restart.maxActiveSessions (the long run's table: docs/reliability.md).
  assert.ok(wbguard.lockoutMinutes < cisco.lockoutMinutes, JSON.stringify(row.byStrategy));
  assert.equal(wbguard.droppedBeyondAllowance, 0);
});
