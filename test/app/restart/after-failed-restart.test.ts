/**
 * Issue 16's safety case, at every door, against the simulator's slow-restart fault over real SSH: after
 * `wbguard restart cms1 --force --yes` ends unverified (exit 1), cms1 counts as down until it logs again, so no other
 * Web Bridge of the cluster is restarted — not by the CLI (forced or not, with or without logs), not by the timers'
 * `restart --leaking --yes`, not by `POST /api/v1/restart`, not by the daemon's policy. And the CLI's dry-run plan
 * and the daemon's `GET /api/v1/plan` agree on one state folder, guard for guard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { leakingCluster } from './sim-fixture.js';

interface Guard {
  readonly guard: string;
  readonly verdict: string;
  readonly detail: string;
  readonly numbers: Readonly<Record<string, unknown>>;
}
interface PlanDoc {
  readonly order: readonly string[];
  readonly decisions: ReadonlyArray<{
    readonly name: string;
    readonly kind: string;
    readonly guards: readonly Guard[];
  }>;
}

const oneAtATime = (d: PlanDoc['decisions'][number]) => d.guards.find((g) => g.guard === 'one-at-a-time');

/** Guard for guard, without the ages (the two plans are made a moment apart). */
function comparable(p: PlanDoc) {
  return {
    order: p.order,
    decisions: p.decisions.map((d) => ({
      name: d.name,
      kind: d.kind,
      guards: d.guards.map((g) => ({
        guard: g.guard,
        verdict: g.verdict,
        numbers: Object.fromEntries(Object.entries(g.numbers).filter(([k]) => !k.endsWith('AgeMs'))),
      })),
    })),
  };
}

test('a restart not verified back blocks every other restart of its cluster, at every door', async (t) => {
  // Simulated time stands still: cms1, once restarted with the slow-restart fault, stays down and silent.
  const f = await leakingCluster(t, { live: false });
  f.env.HTTP_TOKEN = 'after-failed-restart-token';
  f.writeConfig({
    restart: { leakThreshold: 10, verifyTimeoutMs: 1500, verifyIntervalMs: 200 },
    syslog: { tcp: '127.0.0.1:0' },
    http: { listen: '127.0.0.1:0', token: 'env:HTTP_TOKEN' },
    policy: { mode: 'enforce' },
  });
  const restartsOf = (n: string) =>
    f.sim.cluster.history.filter((h) => h.node === n && h.event === 'restart:started').length;

  // Control: before the failure, every guard lets cms2 be restarted.
  const control = await f.wbguard(['restart', 'cms2', '--logs', f.logs, '--dry-run', '--json']);
  assert.equal(control.code, 0, control.err);
  assert.deepEqual((JSON.parse(control.out) as { plan: PlanDoc }).plan.order, ['cms2']);

  f.sim.cluster.setFaults('cms1', { slowRestartMs: 3_600_000 });
  const first = await f.wbguard(['restart', 'cms1', '--force', '--yes', '--json', '--logs', f.logs]);
  assert.equal(first.code, 1, first.err);
  assert.match(first.out, /not verified back within 1500 ms/);
  assert.equal(restartsOf('cms1'), 1);

  // The CLI, forced, with the logs and without any session data.
  for (const args of [
    ['restart', 'cms2', '--force', '--yes', '--json', '--logs', f.logs],
    ['restart', 'cms2', '--force', '--yes', '--json'],
    ['restart', 'cms2', '--yes', '--json', '--logs', f.logs],
  ]) {
    const r = await f.wbguard(args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.err}${r.out}`);
    const d = (JSON.parse(r.out) as { plan: PlanDoc }).plan.decisions[0];
    assert.equal(d?.kind, 'defer');
    assert.equal(oneAtATime(d as PlanDoc['decisions'][number])?.verdict, 'fail');
    assert.match(oneAtATime(d as PlanDoc['decisions'][number])?.detail ?? '', /^cms1 was restarted .* counts as down/);
  }
  // The timers' command.
  const timer = await f.wbguard(['restart', '--leaking', '--yes', '--json', '--logs', f.logs]);
  assert.equal(timer.code, 3, timer.err);
  const timerPlan = (JSON.parse(timer.out) as { plan: PlanDoc }).plan;
  assert.ok(
    timerPlan.decisions.some((d) => d.name !== 'cms1'),
    JSON.stringify(timerPlan),
  );
  // cms1 itself is also out of today's quota (skip); the others wait (defer).
  assert.deepEqual(timerPlan.order, []);
  assert.ok(
    timerPlan.decisions.every((d) => oneAtATime(d)?.verdict === 'fail' && (d.kind === 'defer' || d.name === 'cms1')),
    JSON.stringify(timerPlan),
  );

  // The daemon on the same state folder, fed the cluster's picture as it was before cms1 went down.
  const config = await loadConfig(f.configPath, { env: f.env });
  const daemon = await startDaemon(config, { env: f.env, evaluateEveryMs: 3_600_000, probeFirstAfterMs: 3_600_000 });
  t.after(() => daemon.close());
  await feedPicture(daemon, f.sim, f.sim.cluster.now - 60_000);
  const e = await daemon.evaluate();
  assert.ok(e.triggered.includes('cms2'), JSON.stringify(e));
  assert.deepEqual(e.plan.order, []);
  assert.ok(e.plan.decisions.every((d) => oneAtATime(d)?.verdict === 'fail'));

  // The API (and the dashboard's button, which posts the same request).
  const res = await fetch(`${daemon.url}/api/v1/restart`, {
    method: 'POST',
    headers: { authorization: `Bearer ${f.env.HTTP_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ names: ['cms2'] }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { results: Array<{ name: string; outcome: string; reasons: string[] }> };
  assert.deepEqual(
    body.results.map((r) => [r.name, r.outcome]),
    [['cms2', 'deferred']],
  );
  assert.match(body.results[0]?.reasons.join(' ') ?? '', /cms1 was restarted/);
  for (const n of ['cms2', 'cms3']) {
    assert.equal(restartsOf(n), 0, `${n} was never restarted`);
  }

  // Same state, same plan: the CLI's dry run (reading the daemon's store) and the API's plan, guard for guard.
  const cli = await f.wbguard(['restart', '--leaking', '--dry-run', '--json']);
  assert.equal(cli.code, 0, cli.err);
  const api = (await (
    await fetch(`${daemon.url}/api/v1/plan`, { headers: { authorization: `Bearer ${f.env.HTTP_TOKEN}` } })
  ).json()) as { plan: PlanDoc };
  assert.ok(api.plan.decisions.length >= 2, JSON.stringify(api));
  assert.deepEqual(comparable((JSON.parse(cli.out) as { plan: PlanDoc }).plan), comparable(api.plan));
});
