/**
 * `wbguard restart` against the simulator over real SSH: every guard outcome, ordering, every fault mode, and the
 * secret scan.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SIM_PASSWORD } from '../../sim/helpers.js';
import { leakingCluster } from './sim-fixture.js';

interface JsonDoc {
  plan: {
    order: string[];
    decisions: Array<{ name: string; kind: string; guards: Array<{ guard: string; verdict: string }> }>;
  };
  results: Array<{ name: string; outcome: string; reasons: string[]; error?: { code: string } }>;
}

describe('wbguard restart against the simulator', () => {
  test('dry run: the plan with every guard and its numbers; nothing is touched', async (t) => {
    const f = await leakingCluster(t);
    const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Plan: restart cms\d( → cms\d)*/);
    assert.match(r.out, /idle +real ≤ min\(active \d+, Σ CMA 0\) = 0 ≤ 0/);
    assert.match(r.out, /worth-it +leaked ≥ \d+ ≥ threshold 10/);
    assert.equal(f.sim.cluster.history.filter((h) => h.event === 'command').length, 0);
  });

  test('--leaking --yes restarts one at a time, each verified back before the next; journal and Cisco log', async (t) => {
    const f = await leakingCluster(t);
    const before = f.sim
      .state()
      .webbridges.filter((w) => w.leaked >= 10)
      .map((w) => w.name);
    assert.ok(before.length >= 2, JSON.stringify(f.sim.state()));
    const r = await f.wbguard(['restart', '--leaking', '--logs', f.logs, '--yes', '--json']);
    assert.equal(r.code, 0, r.err + r.out);
    const doc = JSON.parse(r.out) as JsonDoc;
    assert.deepEqual([...doc.plan.order].sort(), [...before].sort());
    assert.ok(doc.results.every((x) => x.outcome === 'success'));
    // Order on the simulator: each restart completed before the next command was sent.
    const events = f.sim.cluster.history.filter((h) => h.event !== 'faults' && !h.detail.endsWith(': webbridge'));
    const seq = events.map((h) => `${h.node}:${h.event}`);
    for (let i = 0; i < doc.plan.order.length; i++) {
      const n = doc.plan.order[i];
      const started = seq.indexOf(`${n}:restart:started`);
      const completed = seq.indexOf(`${n}:restart:completed`);
      assert.ok(started >= 0 && completed > started, seq.join(' '));
      const next = doc.plan.order[i + 1];
      if (next) {
        assert.ok(
          seq.indexOf(`${next}:restart:started`) > completed,
          `next started only after ${n} completed: ${seq.join(' ')}`,
        );
      }
    }
    for (const n of before) {
      assert.equal(f.sim.state().webbridges.find((w) => w.name === n)?.leaked, 0);
    }
    const journal = readFileSync(join(f.state, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; outcome?: string });
    assert.deepEqual(
      journal.filter((e) => e.kind === 'result').map((e) => e.outcome),
      before.map(() => 'success'),
    );
    const cisco = readFileSync(join(f.state, 'webbridge_restart_logs.txt'), 'utf8');
    for (const n of before) {
      assert.match(
        cisco,
        new RegExp(
          `^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6} Webbridge on server: ${n} restarted successfully$`,
          'm',
        ),
      );
    }
    // Not too often: the same day again is refused (exit 3) and nothing is sent.
    const again = await f.wbguard(['restart', ...before, '--logs', f.logs, '--yes', '--force', '--json']);
    assert.equal(again.code, 3);
    assert.ok(
      (JSON.parse(again.out) as JsonDoc).plan.decisions.every(
        (d) => d.guards.find((g) => g.guard === 'not-too-often')?.verdict === 'fail',
      ),
    );
  });

  test("dry run with nothing worth restarting: every Web Bridge is still shown with its guards' numbers", async (t) => {
    const f = await leakingCluster(t, { leakRate: 0.02 });
    // No forecast trigger either: a slow leak's forecast can still fall within a day (then it is considered).
    f.writeConfig({ restart: { leakThreshold: 1000 }, policy: { forecastWithinHours: 0 } });
    const r = await f.wbguard(['restart', '--leaking', '--logs', f.logs, '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /No Web Bridge is leaking enough to be worth a restart/);
    for (const n of ['cms1', 'cms2', 'cms3']) {
      assert.match(
        r.out,
        new RegExp(
          `  ${n}: SKIP\\n(    .*\\n)*    NO   worth-it +leaked ≥ \\d+ < threshold 1000 and active \\d+ < 144`,
        ),
      );
    }
    assert.match(r.out, /idle +real ≤ min\(active \d+, Σ CMA \d+\)/);
  });

  test('dry run: a Web Bridge the forecast chose says so above its guards', async (t) => {
    const f = await leakingCluster(t, { leakRate: 0.02 });
    f.writeConfig({ restart: { leakThreshold: 1000 }, policy: { forecastWithinHours: 24 * 365 } });
    const r = await f.wbguard(['restart', '--leaking', '--logs', f.logs, '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Plan: no Web Bridge to restart$/m);
    for (const n of ['cms1', 'cms2', 'cms3']) {
      assert.match(
        r.out,
        new RegExp(
          `  ${n}: SKIP\\n    why  considered +limit 149 forecast in [\\d.]+ h, within policy\\.forecastWithinHours 8760 h\\n`,
        ),
      );
    }
  });

  test('idle guard: real sessions on the cluster defer the restart (exit 3)', async (t) => {
    const f = await leakingCluster(t, { quiet: false, leakRate: 0.02 });
    const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json']);
    const doc = JSON.parse(r.out) as JsonDoc;
    assert.equal(r.code, 3, JSON.stringify(doc.plan.decisions.map((d) => [d.name, d.kind, d.guards])));
    assert.ok(doc.plan.decisions.some((d) => d.guards.find((g) => g.guard === 'idle')?.verdict === 'fail'));
    assert.equal(f.sim.cluster.history.filter((h) => h.event === 'restart:started').length, 0);
  });

  test('with a CMS API on every Call Bridge, the idle guard counts real sessions by the API, counted now', async (t) => {
    const f = await leakingCluster(t);
    f.writeConfig({
      callbridges: f.sim.api.nodes.map((n) => ({
        name: n.name,
        api: { url: n.url, username: 'api', password: 'env:WBGUARD_MMP_PASSWORD', ca: f.sim.api.caCertPath },
      })),
    });
    const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as {
      plan: { decisions: Array<{ guards: Array<{ guard: string; detail: string; numbers: { source?: string } }> }> };
    };
    const idle = doc.plan.decisions.map((d) => d.guards.find((g) => g.guard === 'idle'));
    assert.ok(idle.length > 0);
    for (const g of idle) {
      assert.equal(g?.numbers.source, 'api', JSON.stringify(g));
      assert.match(g?.detail ?? '', /^real sessions by CMS API 0 ≤ 0/);
    }
  });

  test('fresh guard: old logs defer', async (t) => {
    const f = await leakingCluster(t, { live: false });
    f.writeConfig({ restart: { staleAfterMs: 1000, leakThreshold: 10 } });
    await new Promise((r) => setTimeout(r, 1500));
    const stale = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json']);
    assert.equal(stale.code, 3, stale.out);
    assert.ok(
      (JSON.parse(stale.out) as JsonDoc).plan.decisions.some(
        (d) => d.guards.find((g) => g.guard === 'fresh')?.verdict === 'fail',
      ),
    );
  });

  test('worth-it guard: a leak below the threshold, far from the limit, is skipped', async (t) => {
    const f = await leakingCluster(t, { leakRate: 0.02 });
    f.writeConfig({ restart: { leakThreshold: 1000 } });
    const small = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json']);
    assert.equal(small.code, 3);
    assert.ok((JSON.parse(small.out) as JsonDoc).plan.decisions.every((d) => d.kind === 'skip'));
  });

  test('one at a time across processes: a restart in flight elsewhere in the cluster defers every other (exit 3)', async (t) => {
    const f = await leakingCluster(t);
    const { FileRestartLock } = await import('../../../src/adapters/lock/file-lock.js');
    const held = new FileRestartLock(f.state).tryAcquire('lab', 'cms9', Date.now());
    assert.equal(held.ok, true);
    t.after(() => held.ok && held.release());
    const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json']);
    assert.equal(r.code, 3, r.err);
    const doc = JSON.parse(r.out) as JsonDoc;
    assert.ok(
      doc.plan.decisions.every(
        (d) => d.kind === 'defer' && d.guards.find((g) => g.guard === 'one-at-a-time')?.verdict === 'fail',
      ),
    );
    assert.equal(f.sim.cluster.history.filter((h) => h.event === 'command').length, 0);
  });

  test("without --logs, the session data comes from the daemon's store in the state folder", async (t) => {
    const f = await leakingCluster(t);
    const { readdirSync } = await import('node:fs');
    const { SqliteStore } = await import('../../../src/adapters/store/sqlite-store.js');
    const { readBatches } = await import('../../../src/adapters/logfiles/read-batches.js');
    const { unpackRecords } = await import('../../../src/core/packed-records.js');
    await new Promise((r) => setTimeout(r, 300));
    const store = new SqliteStore(join(f.state, 'wbguard.db'));
    for (const name of readdirSync(f.logs)) {
      for await (const b of readBatches({ kind: 'plain', path: join(f.logs, name), mtimeMs: Date.now(), size: 0 })) {
        store.appendRecords(unpackRecords(b));
      }
    }
    store.close();
    const fromLogs = JSON.parse(
      (await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json'])).out,
    ) as JsonDoc;
    const r = await f.wbguard(['restart', '--all', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.err);
    const fromStore = JSON.parse(r.out) as JsonDoc;
    assert.deepEqual([...fromStore.plan.order].sort(), [...fromLogs.plan.order].sort());
    assert.ok(fromStore.plan.order.length > 0);
  });

  test('without --logs, a store or --force there is no session data: usage error', async (t) => {
    const f = await leakingCluster(t, { live: false });
    const r = await f.wbguard(['restart', '--all', '--dry-run']);
    assert.equal(r.code, 2);
    assert.match(r.err, /no session data/);
  });

  test('without a terminal and without --yes nothing happens (exit 2)', async (t) => {
    const f = await leakingCluster(t);
    const r = await f.wbguard(['restart', '--leaking', '--logs', f.logs]);
    assert.equal(r.code, 2);
    assert.match(r.err, /without a terminal/);
    assert.equal(f.sim.cluster.history.filter((h) => h.event === 'command').length, 0);
  });

  const faults: Array<[string, Record<string, unknown>, string]> = [
    ['auth refused', { refuseAuth: true }, 'WBGUARD_ERR_SSH_AUTH'],
    ['hang on exec', { hangOnExec: true }, 'WBGUARD_ERR_SSH_TIMEOUT'],
    ['connection dropped mid-command', { dropMidCommand: true }, 'WBGUARD_ERR_SSH_CLOSED'],
    ['expired password', { passwordExpired: true }, 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED'],
    ['port closed', { portClosed: true }, 'WBGUARD_ERR_SSH_CONNECT'],
  ];
  for (const [what, fault, code] of faults) {
    test(`fault: ${what} → failure ${code}, the rolling run stops, the others are abandoned`, async (t) => {
      const f = await leakingCluster(t);
      const dry = JSON.parse(
        (await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json'])).out,
      ) as JsonDoc;
      const first = dry.plan.order[0] as string;
      f.sim.cluster.setFaults(first, fault);
      await new Promise((r) => setTimeout(r, 50));
      const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json']);
      assert.equal(r.code, 1, r.err);
      const doc = JSON.parse(r.out) as JsonDoc;
      assert.deepEqual(doc.results[0], { ...doc.results[0], name: first, outcome: 'failure' });
      assert.equal(doc.results[0]?.error?.code, code);
      assert.ok(doc.results.slice(1, dry.plan.order.length).every((x) => x.outcome === 'abandoned'));
      assert.equal(f.sim.cluster.history.filter((h) => h.event === 'restart:started').length, 0);
      assert.match(
        readFileSync(join(f.state, 'webbridge_restart_logs.txt'), 'utf8'),
        new RegExp(`Failed to restart webbridge on server ${first}\\. Error: `),
      );
    });
  }

  test('fault: a restart that does not clear the leak is caught by verification; --keep-going goes on to the next, which waits while the failed one counts as down', async (t) => {
    const f = await leakingCluster(t);
    const dry = JSON.parse(
      (await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json'])).out,
    ) as JsonDoc;
    const first = dry.plan.order[0] as string;
    f.sim.cluster.setFaults(first, { restartKeepsLeak: true });
    f.writeConfig({ restart: { leakThreshold: 10, verifyTimeoutMs: 5_000, verifyIntervalMs: 200 } });
    const r = await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--keep-going', '--json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as JsonDoc;
    assert.equal(doc.results[0]?.outcome, 'failure');
    // Each next one is asked again just before its command (on logs read again): the failed Web Bridge has not been
    // seen up long enough after its command, so it counts as down and one-at-a-time holds the others back.
    const rest = doc.results.slice(1, dry.plan.order.length);
    assert.ok(rest.length > 0);
    for (const x of rest) {
      assert.equal(x.outcome, 'deferred', JSON.stringify(doc.results));
      assert.match(x.reasons.join(' '), new RegExp(`one-at-a-time: ${first} was restarted .* counts as down`));
    }
    assert.deepEqual(
      f.sim.cluster
        .state()
        .webbridges.filter((w) => w.restarts > 0)
        .map((w) => w.name),
      [first],
      'only the first Web Bridge was restarted',
    );
    assert.match(readFileSync(join(f.state, 'journal.jsonl'), 'utf8'), /the leak was not cleared/);
  });

  test('fault: a slow restart is not verified in time', async (t) => {
    const f = await leakingCluster(t);
    const dry = JSON.parse(
      (await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json'])).out,
    ) as JsonDoc;
    f.sim.cluster.setFaults(dry.plan.order[0] as string, { slowRestartMs: 3_600_000 });
    f.writeConfig({ restart: { leakThreshold: 10, verifyTimeoutMs: 1500, verifyIntervalMs: 200 } });
    const r = await f.wbguard(['restart', dry.plan.order[0] as string, '--logs', f.logs, '--yes', '--json']);
    assert.equal(r.code, 1);
    assert.match(JSON.stringify(JSON.parse(r.out)), /not verified back within 1500 ms/);
  });

  test('a wrong pinned host key refuses before authentication: no command reaches the MMP', async (t) => {
    const f = await leakingCluster(t);
    const dry = JSON.parse(
      (await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json'])).out,
    ) as JsonDoc;
    const first = dry.plan.order[0] as string;
    f.writeConfig({
      webbridges: f.sim.mmp.nodes.map((n) => ({
        name: n.name,
        mmp: `127.0.0.1:${n.port}`,
        hostKey: n.name === first ? `SHA256:${'A'.repeat(43)}` : n.fingerprint,
      })),
    });
    const r = await f.wbguard(['restart', first, '--logs', f.logs, '--yes', '--json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as JsonDoc;
    assert.equal(doc.results[0]?.error?.code, 'WBGUARD_ERR_SSH_HOST_KEY');
    assert.match(JSON.stringify(doc), /host key CHANGED: pinned SHA256:A{43}, server offered SHA256:/);
    assert.equal(f.sim.cluster.history.filter((h) => h.event === 'command').length, 0);
  });

  test('secret scan: the MMP password appears in no output, journal, log or JSON', async (t) => {
    const f = await leakingCluster(t);
    f.sim.cluster.setFaults('cms3', { refuseAuth: true });
    const outputs = [
      await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--keep-going']),
      await f.wbguard(['restart', '--all', '--logs', f.logs, '--dry-run', '--json']),
      await f.wbguard(['restart', '--all', '--logs', f.logs, '--yes', '--json', '--force', '--keep-going']),
    ];
    const everything = [
      ...outputs.flatMap((o) => [o.out, o.err]),
      readFileSync(join(f.state, 'journal.jsonl'), 'utf8'),
      readFileSync(join(f.state, 'webbridge_restart_logs.txt'), 'utf8'),
    ].join('\n');
    assert.ok(everything.length > 1000);
    assert.ok(!everything.includes(SIM_PASSWORD), 'password leaked');
  });
});
