/**
 * The CMS API and syslog disagree: compared per Call Bridge only when both counts are recent, and only beyond the
 * threshold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disagreements } from '../../../src/app/daemon/alert-wiring.js';
import type { ApiView } from '../../../src/app/daemon/api-poller.js';
import type { AnalysisReport } from '../../../src/core/model.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function report(cbs: Array<[string, number | null, number]>): AnalysisReport {
  return {
    webbridges: [],
    callbridges: cbs.map(([name, cma, ageMs]) => ({
      host: name,
      name,
      cma,
      cmaPeak: cma ?? 0,
      lastSeen: iso(NOW - ageMs),
      stale: false,
    })),
    cluster: { active: 0, cma: 0, leaked: 0, leakedValid: true, invalidReasons: [], at: null },
    lines: { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 },
    recommendations: [],
  };
}

const view = (name: string, acano: number, ageMs: number): ApiView => ({
  name,
  count: { acano, sip: 0, distributionLinks: 0, requests: 1, at: NOW - ageMs },
  version: undefined,
  error: undefined,
});

test('beyond the threshold with both counts recent: reported; within it, stale, or missing: not', () => {
  const r = report([
    ['cb1', 5, 60_000],
    ['cb2', 5, 60_000],
    ['cb3', 5, 11 * 60_000],
    ['cb4', null, 60_000],
  ]);
  const views = [view('cb1', 16, 5000), view('cb2', 15, 5000), view('cb3', 40, 5000), view('cb4', 40, 5000)];
  assert.deepEqual(disagreements(NOW, r, views, 10), [{ name: 'cb1', api: 16, syslog: 5 }]);
  assert.deepEqual(disagreements(NOW, r, [view('cb1', 16, 11 * 60_000)], 10), [], 'an old API count is not compared');
  assert.deepEqual(disagreements(NOW, r, [view('cb1', 0, 5000)], 4), [{ name: 'cb1', api: 0, syslog: 5 }]);
});
