/**
 * Several clusters in one configuration (issue 10): each is analysed on its own (its leak is Σ of its own nodes), has
 * its own policy, restarts only its own Web Bridges, and is shown apart in the API and labelled in the metrics —
 * even when both name their nodes cms1..cms3.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import type { DaemonState } from '../../../src/app/daemon/view-model.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { until } from '../../helpers/until.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

/** A simulated cluster that leaked for hours, then went idle: every Web Bridge holds only leaked sessions. */
async function leakedIdle(t: Parameters<typeof simulator>[0], leakRate: number) {
  const sim = await simulator(t, { leakRate, joinRate: 600, meanStay: '5m' });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000);
  for (const n of ['cms1', 'cms2', 'cms3']) {
    // A restart that never finishes: the test sees it start, then stops the daemon (abandoned, journaled).
    sim.cluster.setFaults(n, { slowRestartMs: 86_400_000 });
  }
  return sim;
}

test('two clusters in one daemon: apart in the analysis, the policy, the restarts, the API and the metrics', async (t) => {
  const dir = tempDir(t, 'wbguard-clusters-');
  const berlin = await leakedIdle(t, 0.5);
  const paris = await leakedIdle(t, 0.15);
  const env = { PW: SIM_PASSWORD };
  const nodesOf = (sim: typeof berlin, prefix: string) => ({
    webbridges: sim.mmp.nodes.map((n) => ({
      name: n.name,
      mmp: `127.0.0.1:${n.port}`,
      hostKey: n.fingerprint,
      syslogHost: `${prefix}${n.name}`,
    })),
    callbridges: sim.mmp.nodes.map((n) => ({ name: n.name, syslogHost: `${prefix}${n.name}` })),
  });
  const input = {
    clusters: [
      { name: 'berlin', ...nodesOf(berlin, 'ber-'), policy: { mode: 'enforce' } },
      { name: 'paris', ...nodesOf(paris, 'par-'), policy: { mode: 'dry-run' } },
    ],
    mmp: {
      password: 'env:PW',
      connectTimeoutMs: 3000,
      commandTimeoutMs: 3000,
      statusPattern: 'Status\\s*:\\s*running',
    },
    restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365, verifyTimeoutMs: 300_000 },
    analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
    syslog: { tcp: '127.0.0.1:0' },
    http: { listen: '127.0.0.1:0', token: 'env:TOKEN' },
    state: join(dir, 'state'),
  };
  const config = parseConfig(input, { env: { ...env, TOKEN: 'secret-token-1' } });
  const daemon = await startDaemon(config, { env, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  await feedPicture(daemon, berlin, berlin.cluster.now, undefined, 'ber-');
  await feedPicture(daemon, paris, paris.cluster.now, undefined, 'par-');
  const auth = { authorization: 'Bearer secret-token-1' };
  const get = async (path: string) => fetch(`${daemon.url}${path}`, { headers: auth });

  // The analysis: each cluster's own nodes, with the simulators' own numbers, and its own leak.
  const all = (await (await get('/api/v1/clusters')).json()) as DaemonState[];
  assert.deepEqual(
    all.map((k) => k.clusterName),
    ['berlin', 'paris'],
  );
  for (const [k, sim] of [
    [all[0], berlin],
    [all[1], paris],
  ] as const) {
    const expected = Object.fromEntries(sim.state().webbridges.map((w) => [w.name, w.active]));
    assert.deepEqual(Object.fromEntries(k?.webbridges.map((w) => [w.name, w.active]) ?? []), expected);
    const leaked =
      Object.values(expected).reduce((a, b) => a + b, 0) - sim.state().callbridges.reduce((a, c) => a + c.cma, 0);
    assert.equal(k?.cluster.leaked, Math.max(0, leaked));
  }
  assert.notDeepEqual(
    all[0]?.webbridges.map((w) => w.active),
    all[1]?.webbridges.map((w) => w.active),
  );
  const parisState = (await (await get('/api/v1/state?cluster=paris')).json()) as DaemonState;
  assert.equal(parisState.clusterName, 'paris');
  assert.equal(parisState.mode, 'dry-run');
  assert.equal(((await (await get('/api/v1/state')).json()) as DaemonState).clusterName, 'berlin');
  const unknown = await get('/api/v1/state?cluster=rome');
  assert.equal(unknown.status, 400);
  assert.match(
    ((await unknown.json()) as { error: string }).error,
    /unknown cluster: rome \(configured: berlin, paris\)/,
  );

  // The metrics: the same node names, told apart by the cluster label.
  const metrics = await (await get('/metrics')).text();
  for (const [k, name] of [
    [all[0], 'berlin'],
    [all[1], 'paris'],
  ] as const) {
    const cms1 = k?.webbridges.find((w) => w.name === 'cms1')?.active;
    assert.match(
      metrics,
      new RegExp(`wbguard_webbridge_active_sessions\\{webbridge="cms1",cluster="${name}"\\} ${cms1}\\n`),
    );
    assert.match(metrics, new RegExp(`wbguard_cluster_leaked_sessions\\{cluster="${name}"\\} ${k?.cluster.leaked}\\n`));
  }

  // The policy: berlin (enforce) restarts its own Web Bridge; paris (dry-run) only plans; never the other's node.
  const first = await daemon.evaluate();
  assert.equal(first.action, 'restart');
  const parisPlan = (await (await get('/api/v1/plan?cluster=paris')).json()) as { action: string; mode: string };
  assert.equal(parisPlan.mode, 'dry-run');
  assert.equal(parisPlan.action, 'would-restart');
  await until(() => berlin.cluster.history.some((h) => h.event === 'restart:started'), 10_000, 'the restart in berlin');
  assert.equal(paris.cluster.history.filter((h) => h.event === 'restart:started').length, 0, 'paris untouched');
  assert.equal(berlin.cluster.history.filter((h) => h.event === 'restart:started').length, 1, 'one at a time');
  const state = ((await (await get('/api/v1/clusters')).json()) as DaemonState[]).map((k) => k.restarting);
  assert.ok(state[0] !== null && state[1] === null, JSON.stringify(state));

  // Asking to restart a node by the wrong cluster's name list, or an unknown cluster, is refused.
  const post = (body: unknown) =>
    fetch(`${daemon.url}/api/v1/restart`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await post({ cluster: 'rome', names: ['cms1'] })).status, 400);
  assert.equal((await post({ cluster: 'paris', names: ['cms9'] })).status, 400);

  // `wbguard status`: every cluster one after another, or the one asked for; an unknown one is a usage error.
  const status = async (...args: string[]) => {
    const io = memoryIo({ TOKEN: 'secret-token-1' });
    const code = await runCli(['status', '--url', daemon.url, '--token', 'env:TOKEN', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };
  const both = await status();
  assert.equal(both.code, 0, both.err);
  assert.match(both.out, /^cluster berlin: mode enforce/m);
  assert.match(both.out, /^cluster paris: mode dry-run/m);
  const one = await status('--cluster', 'paris', '--json');
  assert.equal(one.code, 0, one.err);
  assert.equal((JSON.parse(one.out) as DaemonState).clusterName, 'paris');
  const list = await status('--json');
  assert.deepEqual(
    (JSON.parse(list.out) as DaemonState[]).map((k) => k.clusterName),
    ['berlin', 'paris'],
  );
  const wrong = await status('--cluster', 'rome');
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /unknown cluster: rome/);

  await daemon.close();
  const journal = readFileSync(join(config.state, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; cluster?: string });
  assert.ok(journal.some((e) => e.kind === 'plan' && e.cluster === 'berlin'));
  assert.ok(
    journal.some((e) => e.kind === 'plan' && e.cluster === 'paris'),
    'the dry-run plan is journaled too',
  );
  assert.ok(journal.filter((e) => e.kind === 'result').every((e) => e.cluster === 'berlin'));

  // `wbguard restart` acts on one cluster: --cluster is required with several, and names a configured one.
  const file = join(dir, 'wbguard.yaml');
  writeFileSync(file, stringify(input));
  const restart = async (...args: string[]) => {
    const io = memoryIo({ ...env, TOKEN: 'secret-token-1' });
    const code = await runCli(['restart', '--config', file, ...args], io);
    return { code, out: io.out(), err: io.err() };
  };
  const unsaid = await restart('--all', '--dry-run');
  assert.equal(unsaid.code, 2);
  assert.match(unsaid.err, /several clusters: say which with --cluster \(berlin, paris\)/);
  assert.equal((await restart('--cluster', 'rome', '--all', '--dry-run')).code, 2);
  const planned = await restart('--cluster', 'paris', '--all', '--dry-run', '--json');
  assert.equal(planned.code, 0, planned.err);
  const doc = JSON.parse(planned.out) as { plan: { decisions: Array<{ name: string }> } };
  assert.deepEqual(doc.plan.decisions.map((d) => d.name).sort(), ['cms1', 'cms2', 'cms3']);
});
