/**
 * The randomized model of the restart policy, short version (the long one: `npm run prove -- --only model`).
 * Random clusters, load, leaks, outages, MMP faults, clock steps and crashes of wbguard itself, for a few hundred
 * simulated days; the invariants (test/prove/lib/model/run-model.ts) are checked at every evaluation and at every
 * restart command against the ground truth. Fixed seeds: a failure names its seed and instant, and reruns the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runModel } from './lib/model/run-model.js';

test('no invariant is ever broken: idle, fresh, one at a time, window, maxPerDay, journal', async () => {
  const stats = await runModel(1, 6, 20, 'proposed');
  assert.deepEqual(stats.violations, []);
  // The run must have exercised what it claims to prove, or a passing result means nothing.
  assert.equal(stats.days, 120);
  assert.ok(stats.decisionsChecked > 100_000, `decisions checked: ${stats.decisionsChecked}`);
  assert.ok(stats.restartsReached > 50, `restarts: ${stats.restartsReached}`);
  assert.ok((stats.results.success ?? 0) > 30, JSON.stringify(stats.results));
  assert.ok((stats.results.failure ?? 0) > 0, 'no failed restart was exercised');
  assert.ok((stats.results.abandoned ?? 0) > 0, 'no abandoned restart was exercised');
  assert.ok(stats.crashesDuringRestart > 0, 'no crash during a restart was exercised');
  assert.ok(stats.clockSteps > 0 && stats.outages > 0, 'no clock step or outage was exercised');
});

test('negative control: the wiring before the model (no recheck, in flight = the lock only) is caught breaking them', async () => {
  // The test above drives the daemon's own ClusterGuard (recheck, stillRestarting); the old wiring must still be
  // caught, or the model could not tell a safe daemon from an unsafe one.
  const stats = await runModel(4, 1, 12, 'daemon');
  assert.ok(stats.violations.length > 0, 'the model no longer sees what it found');
});
