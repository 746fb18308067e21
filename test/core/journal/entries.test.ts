/**
 * The journal's entries keep the fields people's scripts read: each builder gives the fields (and their order) the
 * inline constructions wrote before there was one builder per kind.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkpointEntry,
  commandEntry,
  decisionEntry,
  outputEntry,
  planEntry,
  planIdentity,
  resultEntry,
  trustEntry,
  verificationEntry,
} from '../../../src/core/journal/entries.js';

const at = Date.UTC(2026, 10, 21, 2, 0, 0);
const who = { at, trigger: 'daemon:leak', cluster: 'lab', node: 'cms1' };
const plan = {
  order: ['cms1'],
  decisions: [{ name: 'cms1', kind: 'restart', reasons: ['ok'], guards: [{ guard: 'idle', verdict: 'pass' }] }],
};

test('plan entries: bare before a rolling restart, with mode and action from the daemon, with dryRun from the CLI', () => {
  const decisions = [{ node: 'cms1', kind: 'restart', reasons: ['ok'], guards: [{ guard: 'idle', verdict: 'pass' }] }];
  const head = { ts: '2026-11-21T02:00:00.000Z', trigger: 't', kind: 'plan', cluster: 'lab' };
  const bare = planEntry({ at, trigger: 't', cluster: 'lab', plan });
  assert.deepEqual(bare, { ...head, order: ['cms1'], decisions });
  const daemon = planEntry({ at, trigger: 't', cluster: 'lab', plan, mode: 'enforce', action: 'restart' });
  assert.deepEqual(Object.keys(daemon), ['ts', 'trigger', 'kind', 'cluster', 'mode', 'action', 'order', 'decisions']);
  const cli = planEntry({ at, trigger: 't', cluster: 'lab', plan, dryRun: true });
  assert.deepEqual(Object.keys(cli), ['ts', 'trigger', 'kind', 'cluster', 'dryRun', 'order', 'decisions']);
  assert.equal(cli.dryRun, true);
});

test('the other kinds keep their fields', () => {
  const head = ['ts', 'trigger', 'kind', 'cluster', 'node'];
  const cases: Array<[ReturnType<typeof commandEntry>, string[]]> = [
    [decisionEntry({ ...who, outcome: 'deferred', reasons: ['x'] }), ['outcome', 'reasons']],
    [commandEntry({ ...who, command: 'webbridge restart', guards: [] }), ['command', 'guards']],
    [
      outputEntry({ ...who, output: { stdout: 'SUCCESS', stderr: '', exitCode: 0, durationMs: 9 } }),
      ['stdout', 'stderr', 'exitCode', 'durationMs'],
    ],
    [verificationEntry({ ...who, verified: false, readings: [] }), ['outcome', 'readings']],
    [resultEntry({ ...who, outcome: 'success' }), ['outcome']],
    [resultEntry({ ...who, outcome: 'failure', error: { code: 'C', message: 'm' } }), ['outcome', 'error']],
    [
      resultEntry({ ...who, outcome: 'abandoned', interruptedAt: at - 1000, reasons: ['r'] }),
      ['outcome', 'interrupted', 'reasons'],
    ],
    [trustEntry({ ...who, fingerprint: 'SHA256:x' }), ['fingerprint', 'outcome']],
  ];
  for (const [entry, fields] of cases) {
    assert.deepEqual(Object.keys(entry), [...head, ...fields], entry.kind);
    assert.equal(entry.ts, '2026-11-21T02:00:00.000Z');
  }
  assert.equal(verificationEntry({ ...who, verified: true, readings: [] }).outcome, 'verified');
  assert.equal(
    resultEntry({ ...who, outcome: 'abandoned', interruptedAt: at }).interrupted,
    '2026-11-21T02:00:00.000Z',
  );
});

test('a checkpoint writes instants as ISO strings and leaves out what is unknown', () => {
  const e = checkpointEntry(at, 42, [
    { cluster: 'lab', node: 'cms1', open: true, lastCommandAt: at - 1000 },
    {
      cluster: 'lab',
      node: 'cms2',
      open: false,
      lastCommandAt: at,
      lastCommandOutcome: 'success',
      lastOutcome: 'success',
      lastOutcomeAt: at,
    },
  ]);
  assert.equal(e.kind, 'checkpoint');
  assert.equal(e.upTo, 42);
  assert.deepEqual(e.nodes, [
    { cluster: 'lab', node: 'cms1', open: true, lastCommand: '2026-11-21T01:59:59.000Z' },
    {
      cluster: 'lab',
      node: 'cms2',
      open: false,
      lastCommand: '2026-11-21T02:00:00.000Z',
      lastCommandOutcome: 'success',
      lastOutcome: 'success',
      lastOutcomeAt: '2026-11-21T02:00:00.000Z',
    },
  ]);
});

test('two plans are the same when only their numbers differ, not when a verdict, the action or the cluster does', () => {
  const withGuard = (verdict: string, age: number) => ({
    ...plan,
    decisions: [
      {
        name: 'cms1',
        kind: 'restart',
        reasons: ['ok'],
        guards: [{ guard: 'fresh', verdict, numbers: { ageMs: age } }],
      },
    ],
  });
  const p = (verdict: string, age: number, extra: { action?: string; cluster?: string } = {}) =>
    planIdentity(
      planEntry({
        at: at + age,
        trigger: 'daemon:leak',
        cluster: extra.cluster ?? 'lab',
        plan: withGuard(verdict, age),
        mode: 'enforce',
        action: extra.action ?? 'deferred-window',
      }),
    );
  assert.equal(p('pass', 1), p('pass', 2));
  assert.notEqual(p('pass', 1), p('fail', 1));
  assert.notEqual(p('pass', 1), p('pass', 1, { action: 'restart' }));
  assert.notEqual(p('pass', 1), p('pass', 1, { cluster: 'other' }));
});
