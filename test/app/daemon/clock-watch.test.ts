/**
 * The clock watch: a wall clock that went back while real time went on is a step (alerted); one that stands still
 * (tests' fixed clocks) or moves with real time is not; a step forward is logged only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchClock } from '../../../src/app/daemon/clock-watch.js';
import { clockStepCondition } from '../../../src/core/alerts/index.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';

test('steps back are reported with from and to; standing still, keeping pace and small jitter are not', () => {
  let wall = Date.UTC(2026, 10, 24, 12, 0, 0);
  let mono = 5_000;
  const steps: Array<[number, number]> = [];
  const logs: string[] = [];
  const w = watchClock({
    now: () => wall,
    monotonic: () => mono,
    onStepBack: (from, to) => steps.push([from, to]),
    log: capturingLogger(logs),
    everyMs: 3_600_000,
  });
  try {
    mono += 1000; // the wall clock stands still: not a step
    w.check();
    mono += 1000;
    wall += 1000; // in step
    w.check();
    mono += 1000;
    wall += 300; // 700 ms slow: within the tolerance
    w.check();
    assert.deepEqual(steps, []);
    const before = wall;
    mono += 1000;
    wall -= 3_600_000; // an hour back
    w.check();
    assert.deepEqual(steps, [[before, before - 3_600_000]]);
    assert.match(logs.join('\n'), /host clock stepped backwards/);
    mono += 1000;
    wall += 7_200_000; // two hours forward: logged, not alerted
    w.check();
    assert.equal(steps.length, 1);
    assert.match(logs.join('\n'), /host clock stepped forwards/);
  } finally {
    w.close();
  }
});

test('the clock-step notice says how far back, and each step is its own event', () => {
  const from = Date.UTC(2026, 10, 24, 12, 0, 0);
  const c = clockStepCondition('lab', from, from - 90_000, from - 90_000);
  assert.equal(c.event, 'clock-step');
  assert.equal(c.facts.backSeconds, 90);
  assert.match(c.summary, /stepped back 90 s/);
  assert.notEqual(c.key, clockStepCondition('lab', from, from - 90_000, from - 80_000).key);
});
