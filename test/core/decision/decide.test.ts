import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClusterAnalyzer } from '../../../src/core/analysis/index.js';
import { decide, restartInFlight } from '../../../src/core/decision/decide.js';
import type { Snapshot, WebBridgeFacts } from '../../../src/core/decision/snapshot.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../helpers/guard-thresholds.js';

const NOW = Date.UTC(2026, 10, 21, 2, 0, 0);

function wb(name: string, over: Partial<WebBridgeFacts> = {}): WebBridgeFacts {
  return { name, active: 40, seenAt: NOW - 20_000, provenLeak: 40, lastJoinAt: null, limitInHours: null, ...over };
}

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    now: NOW,
    webbridges: [wb('cms1'), wb('cms2'), wb('cms3')],
    callbridges: [{ name: 'cms1', cma: 0, at: NOW - 10_000 }],
    newestDataAt: NOW - 10_000,
    history: { restartsToday: {}, lastRestart: {}, lockHolder: null },
    policy: { windows: [], blackouts: [], tz: 'UTC', leakTrigger: true, forecastWithinHours: 24 },
    thresholds: DEFAULT_THRESHOLDS,
    select: { kind: 'all' },
    force: false,
    ...over,
  };
}

const guard = (d: ReturnType<typeof decide>, name: string, g: string) =>
  d.plan.decisions.find((x) => x.name === name)?.guards.find((x) => x.guard === g);

describe('decide: one at a time counts a restart not verified back', () => {
  const failed = { restartsToday: { cms1: 1 }, lastRestart: { cms1: { commandAt: NOW - 60_000, outcome: 'failure' } } };

  test('a Web Bridge whose restart failed and that has not logged since defers every other, even forced', () => {
    const s = snapshot({
      webbridges: [wb('cms1', { seenAt: NOW - 120_000 }), wb('cms2'), wb('cms3')],
      history: { ...failed, lockHolder: null },
      select: { kind: 'names', names: ['cms2'] },
      force: true,
    });
    const d = decide(s);
    assert.deepEqual(d.plan.order, []);
    assert.equal(d.plan.decisions[0]?.kind, 'defer');
    assert.equal(guard(d, 'cms2', 'one-at-a-time')?.verdict, 'fail');
    assert.match(guard(d, 'cms2', 'one-at-a-time')?.detail ?? '', /cms1 was restarted 60 s ago, ended in failure/);
  });

  test('a command without a result yet blocks too; its own recheck (except) does not block itself', () => {
    const s = snapshot({
      webbridges: [wb('cms1', { seenAt: null }), wb('cms2')],
      history: {
        restartsToday: {},
        lastRestart: { cms1: { commandAt: NOW - 5_000, outcome: null } },
        lockHolder: null,
      },
    });
    assert.equal(restartInFlight(s)?.name, 'cms1');
    assert.equal(restartInFlight(s, 'cms1'), null);
  });

  test('once it logs again (after the command settled), or after success, it no longer counts', () => {
    const seenAgain = snapshot({
      webbridges: [wb('cms1', { seenAt: NOW - 60_000 + 31_000 }), wb('cms2')],
      history: { ...failed, lockHolder: null },
      select: { kind: 'names', names: ['cms2'] },
    });
    assert.deepEqual(decide(seenAgain).plan.order, ['cms2']);
    const justAfter = snapshot({
      webbridges: [wb('cms1', { seenAt: NOW - 60_000 + 10_000 }), wb('cms2')],
      history: { ...failed, lockHolder: null },
      select: { kind: 'names', names: ['cms2'] },
    });
    assert.deepEqual(decide(justAfter).plan.order, [], 'a line 10 s after the command may be it going down');
    const ok = snapshot({
      webbridges: [wb('cms1', { seenAt: null }), wb('cms2')],
      history: {
        restartsToday: {},
        lastRestart: { cms1: { commandAt: NOW - 60_000, outcome: 'success' } },
        lockHolder: null,
      },
      select: { kind: 'names', names: ['cms2'] },
    });
    assert.deepEqual(decide(ok).plan.order, ['cms2']);
  });

  test('the lock holder blocks the others', () => {
    const d = decide(snapshot({ history: { restartsToday: {}, lastRestart: {}, lockHolder: 'cms3' } }));
    assert.deepEqual(d.plan.order, []);
    assert.match(guard(d, 'cms1', 'one-at-a-time')?.detail ?? '', /cms3 is being restarted/);
  });
});

describe('decide: the leak and the idle bound between STATS instants', () => {
  test('guests who joined after the last STATS line are not claimed as a leak', () => {
    // The Σ CMA (0) is two minutes older than the Stats sample (40 active): they may be 40 guests who just joined.
    const s = snapshot({
      webbridges: [wb('cms1', { active: 40, provenLeak: 0, seenAt: NOW - 10_000 })],
      callbridges: [{ name: 'cms1', cma: 0, at: NOW - 120_000 }],
    });
    const d = decide(s);
    assert.equal(d.plan.decisions[0]?.kind, 'skip');
    assert.equal(guard(d, 'cms1', 'worth-it')?.numbers.leakedMin, 0);
    assert.deepEqual(decide({ ...s, select: { kind: 'leaking' } }).considered, []);
  });

  test('the leak is the one the analysis proved: not a fresh active − Σ CMA of nearly one moment, not an API count', () => {
    // Guests who left between the Stats line and the STATS line would pass for a leak: only the analysis, which
    // also counts the joins in between, proves one (core/analysis/cluster-analyzer.ts).
    const newer = snapshot({
      webbridges: [wb('cms1', { active: 40, provenLeak: null, seenAt: NOW - 60_000 })],
      callbridges: [{ name: 'cms1', cma: 3, at: NOW - 10_000 }],
    });
    assert.equal(guard(decide(newer), 'cms1', 'worth-it')?.numbers.leakedMin, null);
    assert.equal(guard(decide(newer), 'cms1', 'worth-it')?.numbers.leakSource, 'none');
    const proven = snapshot({ webbridges: [wb('cms1', { active: 40, provenLeak: 37, seenAt: NOW - 60_000 })] });
    assert.equal(guard(decide(proven), 'cms1', 'worth-it')?.numbers.leakedMin, 37);
    assert.equal(guard(decide(proven), 'cms1', 'worth-it')?.numbers.leakSource, 'analysis');
    // Taken at another instant, the API count would count guests who left since the Stats line as leaked.
    const api = snapshot({
      webbridges: [wb('cms1', { active: 40, provenLeak: null, seenAt: NOW - 20_000 })],
      callbridges: [{ name: 'cms1', cma: 0, at: NOW - 200_000 }],
      api: { count: 0, at: NOW - 1_000 },
    });
    assert.equal(guard(decide(api), 'cms1', 'worth-it')?.numbers.leakedMin, null);
    // The idle guard does take the fresher API count.
    assert.equal(guard(decide(api), 'cms1', 'idle')?.numbers.source, 'api');
  });

  test('the idle guard defers when the connect counter rose after the newest count of real sessions', () => {
    const s = snapshot({
      webbridges: [wb('cms1', { lastJoinAt: NOW - 5_000, seenAt: NOW - 5_000 })],
      callbridges: [{ name: 'cms1', cma: 0, at: NOW - 10_000 }],
    });
    const d = decide(s);
    assert.equal(d.plan.decisions[0]?.kind, 'defer');
    assert.equal(guard(d, 'cms1', 'idle')?.verdict, 'fail');
    assert.match(guard(d, 'cms1', 'idle')?.detail ?? '', /a guest joined/);
    // A join before the count is in it: no objection.
    const before = snapshot({ webbridges: [wb('cms1', { lastJoinAt: NOW - 30_000 })] });
    assert.equal(guard(decide(before), 'cms1', 'idle')?.verdict, 'pass');
  });

  test('the analysis proves no leak from guests joining between two STATS lines, and names the join', () => {
    const T0 = NOW - 600_000;
    const recs: CmsRecord[] = [
      { kind: 'webbridge-stats', at: T0, host: 'cms1', active: 0, connects: 100, disconnects: 100 },
      { kind: 'callbridge-stats', at: T0 + 1, host: 'cms1', cma: 0, cmaPeak: 0, raw: {} },
      // The morning ramp-up: 30 guests join; the next STATS line is minutes away.
      { kind: 'webbridge-stats', at: T0 + 60_000, host: 'cms1', active: 30, connects: 130, disconnects: 100 },
    ];
    const a = new ClusterAnalyzer({});
    for (const r of recs) {
      a.add(r);
    }
    const w = a.report({ read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 }).webbridges[0];
    assert.equal(w?.leakedMin, 0);
    assert.equal(w?.lastJoinAt, new Date(T0 + 60_000).toISOString());
  });
});

describe('decide: selection', () => {
  /** cms1 worth a restart now, cms2 not, cms3 not but its limit forecast within 3 h. */
  const threeKinds = () =>
    snapshot({
      webbridges: [
        wb('cms1', { provenLeak: 25 }),
        wb('cms2', { provenLeak: 2, active: 2 }),
        wb('cms3', { provenLeak: 2, active: 2, limitInHours: 3 }),
      ],
    });

  test('the leak trigger selects leaking or forecast Web Bridges; the schedule selects all; names as given', () => {
    const s = threeKinds();
    assert.deepEqual(decide({ ...s, select: { kind: 'leaking' } }).considered, ['cms1', 'cms3']);
    assert.deepEqual(decide({ ...s, select: { kind: 'policy', scheduleDue: true } }).considered, [
      'cms1',
      'cms2',
      'cms3',
    ]);
    assert.deepEqual(
      decide({ ...s, select: { kind: 'policy', scheduleDue: false }, policy: { ...s.policy, leakTrigger: false } })
        .considered,
      [],
    );
    assert.deepEqual(decide({ ...s, select: { kind: 'names', names: ['cms2'] } }).considered, ['cms2']);
  });

  test('the leak trigger says why it chose each Web Bridge; 0 forecast hours never selects on forecast', () => {
    const s = threeKinds();
    const why = decide({ ...s, select: { kind: 'leaking' } }).selectedBecause;
    assert.deepEqual(Object.keys(why), ['cms1', 'cms3']);
    assert.match(why.cms1 ?? '', /worth a restart now/);
    assert.match(why.cms3 ?? '', /forecast in 3\.0 h, within policy\.forecastWithinHours 24 h/);
    assert.deepEqual(decide({ ...s, select: { kind: 'names', names: ['cms3'] } }).selectedBecause, {});
    const never = { ...s, select: { kind: 'leaking' as const }, policy: { ...s.policy, forecastWithinHours: 0 } };
    assert.deepEqual(decide(never).considered, ['cms1']);
    assert.deepEqual(
      decide({ ...never, webbridges: [wb('cms3', { provenLeak: 2, active: 2, limitInHours: 0 })] }).considered,
      [],
    );
  });

  test('the window: closed on a blackout date', () => {
    const s = snapshot({ policy: { ...snapshot().policy, blackouts: ['2026-11-21'] } });
    assert.equal(decide(s).windowOpen, false);
    assert.equal(decide(snapshot()).windowOpen, true);
  });
});
