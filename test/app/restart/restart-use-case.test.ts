/**
 * The restart use case's facts from the real journal and lock in a state folder, its snapshot of a report, and the
 * exit status every door reports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { FileRestartLock } from '../../../src/adapters/lock/file-lock.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { historyOf } from '../../../src/app/restart/history-facts.js';
import { exitStatusOf, planRestart, snapshotOf } from '../../../src/app/restart/restart-use-case.js';
import type { AnalysisReport } from '../../../src/core/model.js';
import { tempDir } from '../../sim/helpers.js';

const NOW = Date.UTC(2026, 10, 21, 2, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function configIn(state: string) {
  return parseConfig(
    {
      cluster: 'lab',
      webbridges: ['cms1', 'cms2', 'cms3'].map((name) => ({ name, mmp: `127.0.0.1:2${name.slice(3)}22` })),
      callbridges: [{ name: 'cms1' }],
      mmp: { password: 'env:PW' },
      state,
    },
    { env: { PW: 'x' } },
  );
}

function report(): AnalysisReport {
  const wb = (name: string, active: number, seen: number) => ({
    host: name,
    name,
    active,
    peakActive: active,
    reachedLimit: false,
    limitEpisodes: [],
    restarts: [],
    leakedMin: active,
    leakRatePerDay: null,
    limitForecast: null,
    lastSeen: iso(seen),
    lastJoinAt: null,
    stale: false,
  });
  return {
    webbridges: [wb('cms1', 40, NOW - 120_000), wb('cms2', 30, NOW - 20_000)],
    callbridges: [{ host: 'cms1', name: 'cms1', cma: 0, cmaPeak: 0, lastSeen: iso(NOW - 10_000), stale: false }],
    cluster: { active: 70, cma: 0, leaked: 70, leakedValid: true, invalidReasons: [], at: iso(NOW) },
    lines: { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 },
    recommendations: [],
  };
}

describe('restart use case', () => {
  test('the history as facts: restarts today, the latest command and its result, the lock', (t) => {
    const state = tempDir(t, 'wbguard-usecase-');
    const config = configIn(state);
    const journal = new JsonlJournal(state);
    const entry = (at: number, kind: 'command' | 'result', node: string, outcome?: string) =>
      journal.append({ ts: iso(at), trigger: 'test', kind, cluster: 'lab', node, ...(outcome ? { outcome } : {}) });
    entry(NOW - 3 * 86_400_000, 'command', 'cms3');
    entry(NOW - 3 * 86_400_000 + 1, 'result', 'cms3', 'failure');
    entry(NOW - 60_000, 'command', 'cms1');
    entry(NOW - 50_000, 'result', 'cms1', 'failure');
    entry(NOW - 40_000, 'command', 'cms2');
    journal.append({ ts: iso(NOW - 30_000), trigger: 'test', kind: 'command', cluster: 'other', node: 'cms3' });
    const lock = new FileRestartLock(state);
    const h = historyOf(journal, lock, config, NOW);
    assert.deepEqual(h.restartsToday, { cms1: 1, cms2: 1, cms3: 0 });
    assert.deepEqual(h.lastRestart, {
      cms1: { commandAt: NOW - 60_000, outcome: 'failure' },
      cms2: { commandAt: NOW - 40_000, outcome: null },
    });
    assert.equal(h.lockHolder, null);
    const held = lock.tryAcquire('lab', 'cms2', NOW);
    t.after(() => held.ok && held.release());
    assert.equal(historyOf(journal, lock, config, NOW).lockHolder, 'cms2');
    // The decision over it (lock aside): cms1 failed and has not logged since its command, so nothing else goes.
    const d = planRestart(
      {
        config,
        report,
        api: () => undefined,
        journal,
        lock: { holder: () => undefined, tryAcquire: lock.tryAcquire.bind(lock) },
        now: () => NOW,
      },
      { select: { kind: 'names', names: ['cms2'] }, force: true },
    );
    assert.deepEqual(d.plan.order, []);
    const oneAtATime = d.plan.decisions[0]?.guards.find((g) => g.guard === 'one-at-a-time');
    assert.equal(oneAtATime?.verdict, 'fail');
    assert.match(oneAtATime?.detail ?? '', /^cms1 was restarted 60 s ago, ended in failure/);
  });

  test('the snapshot: every configured Web Bridge, null facts for one never seen, instants as epoch ms', () => {
    const config = configIn('/nonexistent-state');
    const s = snapshotOf(
      config,
      report(),
      { now: NOW, history: { restartsToday: {}, lastRestart: {}, lockHolder: null }, api: undefined },
      { select: { kind: 'all' }, force: false },
    );
    assert.deepEqual(
      s.webbridges.map((w) => [w.name, w.active, w.seenAt, w.provenLeak]),
      [
        ['cms1', 40, NOW - 120_000, 40],
        ['cms2', 30, NOW - 20_000, 30],
        ['cms3', null, null, null],
      ],
    );
    assert.deepEqual(s.callbridges, [{ name: 'cms1', cma: 0, at: NOW - 10_000 }]);
    assert.equal(s.newestDataAt, NOW - 10_000);
    assert.equal(s.thresholds.leakThreshold, config.restart.leakThreshold);
  });

  test('the exit status: 1 a failure, 3 a refusal, 0 otherwise (a dry run, nothing considered)', () => {
    const decision = (order: string[], considered: string[]) => ({
      now: NOW,
      windowOpen: true,
      considered,
      selectedBecause: {},
      plan: { order, decisions: [] },
    });
    const r = (outcome: 'success' | 'failure' | 'deferred' | 'abandoned') => ({ name: 'cms1', outcome, reasons: [] });
    assert.equal(exitStatusOf(decision([], ['cms1']), [], false), 3);
    assert.equal(exitStatusOf(decision([], ['cms1']), [], true), 0);
    assert.equal(exitStatusOf(decision([], []), [], false), 0);
    assert.equal(exitStatusOf(decision(['cms1'], ['cms1']), [r('success'), r('deferred')], false), 3);
    assert.equal(exitStatusOf(decision(['cms1'], ['cms1']), [r('success'), r('abandoned')], false), 1);
    assert.equal(exitStatusOf(decision(['cms1'], ['cms1']), [r('success')], false), 0);
  });
});
