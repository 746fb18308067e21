/** The Grafana dashboard in docs/ uses only metric names the daemon exports, and all of the required ones. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createMetrics } from '../../src/app/daemon/metrics.js';

test('docs/grafana-dashboard.json matches the exported metric names', async () => {
  const report = {
    webbridges: [],
    callbridges: [],
    cluster: { active: 0, cma: 0, leaked: 0, leakedValid: true, invalidReasons: [], at: null },
    lines: { read: 0, webbridgeStats: 0, callbridgeStats: 0, malformed: 0 },
    recommendations: [],
  };
  const m = createMetrics(
    () => [{ name: 'cluster', report, api: [] }],
    149,
    () => 0,
  );
  const exported = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
  const dashboard = readFileSync('docs/grafana-dashboard.json', 'utf8');
  const used = new Set([...dashboard.matchAll(/\b(wbguard_[a-z_]+)\b/g)].map((x) => x[1] as string));
  assert.deepEqual(
    [...used].filter((n) => !exported.has(n)),
    [],
  );
  for (const required of [
    'wbguard_webbridge_active_sessions',
    'wbguard_webbridge_leaked_sessions',
    'wbguard_callbridge_cma_sessions',
    'wbguard_cluster_leaked_sessions',
    'wbguard_webbridge_at_limit',
    'wbguard_restarts_total',
    'wbguard_syslog_messages_total',
    'wbguard_syslog_dropped_total',
    'wbguard_log_lines_malformed_total',
  ]) {
    assert.ok(exported.has(required), `exported: ${required}`);
    assert.ok(used.has(required), `in the dashboard: ${required}`);
  }
});
