import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluateRestart,
  planRollingRestart,
  type RestartInput,
  realSessionsBound,
} from '../../../src/core/policy/index.js';
import { DEFAULT_THRESHOLDS } from '../../helpers/guard-thresholds.js';

const NOW = Date.UTC(2026, 10, 21, 2, 0, 0);
const T = DEFAULT_THRESHOLDS;

function input(over: Partial<RestartInput> = {}): RestartInput {
  const base: RestartInput = {
    name: 'cms1',
    now: NOW,
    active: 40,
    webbridgeSeenAt: NOW - 60_000,
    clusterCma: 0,
    oldestCallbridgeSeenAt: NOW - 10_000,
    restartsToday: 0,
    restartInFlight: null,
    force: false,
    ...over,
  };
  // Unless a case says otherwise, the analysis proved active − Σ CMA (core/analysis proves it at each sample).
  const proven = base.active === null || base.clusterCma === null ? null : Math.max(0, base.active - base.clusterCma);
  return { ...base, provenLeak: 'provenLeak' in over ? over.provenLeak : proven };
}

function verdicts(d: ReturnType<typeof evaluateRestart>): Record<string, string> {
  return Object.fromEntries(d.guards.map((g) => [g.guard, g.verdict]));
}

describe('evaluateRestart', () => {
  const cases: Array<{
    name: string;
    over: Partial<RestartInput>;
    kind: 'restart' | 'skip' | 'defer';
    failed: string[];
  }> = [
    { name: 'idle, leaking, fresh: restart', over: {}, kind: 'restart', failed: [] },
    {
      name: 'real sessions present: defer (idle)',
      over: { active: 40, clusterCma: 3 },
      kind: 'defer',
      failed: ['idle'],
    },
    { name: 'not leaking enough: skip', over: { active: 10, clusterCma: 0 }, kind: 'skip', failed: ['worth-it'] },
    {
      name: 'near the limit with little provable leak is worth it but not idle',
      over: { active: 146, clusterCma: 140 },
      kind: 'defer',
      failed: ['idle'],
    },
    {
      name: 'stale Web Bridge data: defer',
      over: { webbridgeSeenAt: NOW - 3_600_000, provenLeak: 40 },
      kind: 'defer',
      failed: ['fresh'],
    },
    {
      name: 'stale Call Bridge data: defer',
      over: { oldestCallbridgeSeenAt: NOW - 3_600_000, provenLeak: 40 },
      kind: 'defer',
      failed: ['fresh'],
    },
    {
      name: 'never seen: defer on fresh and idle, skip on worth it',
      over: { active: null, webbridgeSeenAt: null },
      kind: 'skip',
      failed: ['fresh', 'worth-it', 'idle'],
    },
    { name: 'quota used: skip', over: { restartsToday: 1 }, kind: 'skip', failed: ['not-too-often'] },
    {
      name: 'another restart in flight: defer',
      over: { restartInFlight: 'cms2' },
      kind: 'defer',
      failed: ['one-at-a-time'],
    },
    {
      name: 'force skips idle, worth it, fresh',
      over: { force: true, active: 10, clusterCma: 5, webbridgeSeenAt: NOW - 3_600_000 },
      kind: 'restart',
      failed: [],
    },
    {
      name: 'force never skips the quota',
      over: { force: true, restartsToday: 1 },
      kind: 'skip',
      failed: ['not-too-often'],
    },
    {
      name: 'force never skips one at a time',
      over: { force: true, restartInFlight: 'cms3' },
      kind: 'defer',
      failed: ['one-at-a-time'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = evaluateRestart(input(c.over), T);
      assert.equal(d.kind, c.kind);
      const failed = d.guards.filter((g) => g.verdict === 'fail').map((g) => g.guard);
      assert.deepEqual(failed.sort(), [...c.failed].sort());
      if (d.kind !== 'restart') {
        assert.equal(d.reasons.length, c.failed.length);
      }
    });
  }

  test('every guard reports the numbers behind it', () => {
    const d = evaluateRestart(input({ active: 37, clusterCma: 2 }), T);
    const idle = d.guards.find((g) => g.guard === 'idle');
    assert.equal(idle?.numbers.realBound, 2);
    assert.match(idle?.detail ?? '', /min\(active 37, Σ CMA 2\) = 2 > 0/);
    const worth = d.guards.find((g) => g.guard === 'worth-it');
    assert.equal(worth?.numbers.leakedMin, 35);
  });

  test('forced guards are marked, not hidden', () => {
    const d = evaluateRestart(input({ force: true, clusterCma: 5 }), T);
    assert.equal(d.kind, 'restart');
    assert.equal(verdicts(d).idle, 'forced');
    assert.ok(d.reasons.some((r) => r.includes('FORCED')));
  });

  test('a fresher CMS API count wins over the syslog bound', () => {
    const withApi = input({ clusterCma: 0, apiRealSessions: { count: 2, at: NOW - 1_000 } });
    assert.deepEqual(realSessionsBound(withApi), { bound: 2, source: 'api' });
    assert.equal(evaluateRestart(withApi, T).kind, 'defer');
    const oldApi = input({ clusterCma: 0, apiRealSessions: { count: 2, at: NOW - 900_000 } });
    assert.deepEqual(realSessionsBound(oldApi), { bound: 0, source: 'syslog' });
  });

  test('a higher idle threshold admits a few real sessions', () => {
    assert.equal(evaluateRestart(input({ clusterCma: 2 }), { ...T, maxActiveSessions: 2 }).kind, 'restart');
    assert.equal(evaluateRestart(input({ clusterCma: 3 }), { ...T, maxActiveSessions: 2 }).kind, 'defer');
  });
});

describe('planRollingRestart', () => {
  test('at the limit first, then most leaked, others after', () => {
    const ds = [
      evaluateRestart(input({ name: 'cms1', active: 60 }), T),
      evaluateRestart(input({ name: 'cms2', active: 149 }), T),
      evaluateRestart(input({ name: 'cms3', active: 90 }), T),
      evaluateRestart(input({ name: 'cms4', active: 5 }), T),
    ];
    const plan = planRollingRestart(ds, 149);
    assert.deepEqual(plan.order, ['cms2', 'cms3', 'cms1']);
    assert.deepEqual(
      plan.decisions.map((d) => d.name),
      ['cms2', 'cms3', 'cms1', 'cms4'],
    );
  });
});
