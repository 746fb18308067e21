/** The folds over the restart history: the start of a day in a time zone, DST included, and the per-node state. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  lastCommands,
  nodeStates,
  type RestartFact,
  restartsToday,
  restartsWithoutResult,
  startOfDay,
} from '../../../src/core/journal/folds.js';

test('the day starts at local midnight, on the days clocks change too', () => {
  assert.equal(startOfDay(Date.UTC(2026, 10, 21, 23, 59), 'UTC'), Date.UTC(2026, 10, 21));
  // Berlin, summer time begins 2026-03-29 at 02:00 local: midnight was still UTC+1.
  assert.equal(startOfDay(Date.UTC(2026, 2, 29, 12, 0), 'Europe/Berlin'), Date.UTC(2026, 2, 28, 23, 0));
  // The day after: UTC+2.
  assert.equal(startOfDay(Date.UTC(2026, 2, 30, 0, 30), 'Europe/Berlin'), Date.UTC(2026, 2, 29, 22, 0));
  // Ends 2026-10-25 at 03:00 local: midnight was UTC+2.
  assert.equal(startOfDay(Date.UTC(2026, 9, 25, 20, 0), 'Europe/Berlin'), Date.UTC(2026, 9, 24, 22, 0));
  // New York, 23:30 local on 2026-11-21 is 04:30 UTC the next day.
  assert.equal(startOfDay(Date.UTC(2026, 10, 22, 4, 30), 'America/New_York'), Date.UTC(2026, 10, 21, 5, 0));
});

test('a command opens a restart, a result closes it; a checkpoint base carries on', () => {
  const f = (at: number, kind: 'command' | 'result', node: string, outcome?: string): RestartFact => ({
    at,
    kind,
    cluster: 'lab',
    node,
    outcome,
  });
  const history = {
    base: [{ cluster: 'lab', node: 'cms1', open: true, lastCommandAt: 100 }],
    facts: [f(200, 'command', 'cms2'), f(300, 'result', 'cms2', 'failure'), f(400, 'result', 'x', 'success')],
  };
  assert.deepEqual(restartsWithoutResult(history), [{ cluster: 'lab', node: 'cms1', commandAt: 100 }]);
  assert.deepEqual(lastCommands(history, 'lab'), [
    { node: 'cms1', at: 100, outcome: undefined },
    { node: 'cms2', at: 200, outcome: 'failure' },
  ]);
  // A result with no command before it closes nothing and describes no command.
  assert.equal(nodeStates(history).find((s) => s.node === 'x')?.lastCommandOutcome, undefined);
  assert.equal(restartsToday(history, 'lab', 'cms1', 500), 0, 'the checkpoint remembers no recent command of cms1');
  assert.equal(restartsToday(history, 'lab', 'cms2', 500), 1);
  // A checkpoint remembers the commands of the last two days: today's count needs nothing before it.
  const day = Date.UTC(2026, 10, 21);
  const remembered = {
    base: [
      { cluster: 'lab', node: 'cms1', open: false, lastCommandAt: day + 10, recentCommandsAt: [day - 5, day + 10] },
    ],
    facts: [f(day + 20, 'command', 'cms1')],
  };
  assert.equal(restartsToday(remembered, 'lab', 'cms1', day + 30), 2);
  assert.deepEqual(nodeStates(remembered)[0]?.recentCommandsAt, [day - 5, day + 10, day + 20]);
  // Three days later, the old ones are forgotten.
  const later = { ...remembered, facts: [f(day + 3 * 86_400_000, 'command', 'cms1')] };
  assert.deepEqual(nodeStates(later)[0]?.recentCommandsAt, [day + 3 * 86_400_000]);
});
