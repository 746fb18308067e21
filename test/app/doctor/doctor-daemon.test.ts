/**
 * `wbguard doctor` while `wbguard run` holds the syslog addresses: a daemon that refuses the doctor's token is named
 * as such, with the fix, and the doctor does not try to listen on the addresses it holds; a node the daemon marks
 * stale, and a node it has never heard from, are each a ✘ naming the node with the fix (its syslog target).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { doctorCluster, failures } from './fixture.js';

const DAEMON_TOKEN = 'daemon-token-4f1c9a';

test('a running daemon that refuses the token: named, with the fix, and its port is not bound', async (t) => {
  const f = await doctorCluster(t, 1);
  const base = f.base();
  const withToken = { ...base, http: { ...(base.http as object), token: 'env:WBGUARD_HTTP_TOKEN' } };
  f.writeConfig(withToken);
  const daemonEnv = { ...f.env, WBGUARD_HTTP_TOKEN: DAEMON_TOKEN };
  const daemon = await startDaemon(await loadConfig(f.configPath, { env: daemonEnv }), {
    env: daemonEnv,
    evaluateEveryMs: 3_600_000,
    probeFirstAfterMs: 3_600_000,
  });
  t.after(() => daemon.close());

  await t.test('a wrong token', async () => {
    const r = await f.doctor(['--listen-seconds', '1'], { ...f.env, WBGUARD_HTTP_TOKEN: 'not-the-token-77' });
    assert.equal(r.code, 1, r.out);
    const failed = failures(r.out);
    assert.match(
      failed,
      /✘ source: a wbguard daemon is running at http:\/\/127\.0\.0\.1:\d+ and holds the syslog addresses, but the token http\.token refers to \(env:WBGUARD_HTTP_TOKEN\) was refused \(401\): syslog was not checked/,
    );
    assert.match(failed, /fix: run the doctor with the daemon's configuration \(--config\), whose http\.token refers/);
    assert.match(failed, /or set http\.publicReadOnly: true in the daemon's configuration/);
    assert.doesNotMatch(r.out, /cannot listen|EADDRINUSE/);
    assert.ok(!r.out.includes('not-the-token-77') && !r.out.includes(DAEMON_TOKEN), 'no token printed');
    // The rest is still checked.
    assert.match(r.out, /✔ cms1 127\.0\.0\.1:\d+: login of admin accepted/);
  });

  await t.test('no token configured for the doctor', async () => {
    f.writeConfig(base);
    const r = await f.doctor(['--listen-seconds', '1']);
    f.writeConfig(withToken);
    assert.equal(r.code, 1, r.out);
    assert.match(
      failures(r.out),
      /✘ source: a wbguard daemon is running at \S+ and holds the syslog addresses, but no http\.token is configured here, and it requires one \(401\)/,
    );
    assert.doesNotMatch(r.out, /cannot listen|EADDRINUSE/);
  });

  await t.test('the right token: the daemon is read', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // Stats reach the daemon
    const r = await f.doctor(['--listen-seconds', '1'], daemonEnv);
    assert.match(r.out, /✔ source: the running daemon at \S+ answers/);
    assert.match(r.out, /✔ cms1: Web Bridge Stats: last at \S+ \(\d+ s ago\), by the running daemon/);
  });
});

test('a node the daemon marks stale and a node it never heard from: each a ✘ with its syslog target', async (t) => {
  const f = await doctorCluster(t, 2);
  // cms2 sends nothing from before the daemon starts: the daemon never hears of it.
  f.sim.cluster.setFaults('cms2', { syslogSilent: true });
  const base = f.base();
  f.writeConfig({ ...base, analysis: { staleAfterMs: 1500 } });
  const daemon = await startDaemon(await loadConfig(f.configPath, { env: f.env }), {
    env: f.env,
    evaluateEveryMs: 3_600_000,
    probeFirstAfterMs: 3_600_000,
  });
  t.after(() => daemon.close());
  await new Promise((r) => setTimeout(r, 2500)); // cms1's Stats and STATS reach the daemon
  f.sim.cluster.setFaults('cms1', { syslogSilent: true });
  await new Promise((r) => setTimeout(r, 3000)); // then stop: older than staleAfterMs and twice the interval
  const r = await f.doctor(['--listen-seconds', '1']);
  assert.equal(r.code, 1, r.out);
  const failed = failures(r.out);
  const target = `udp 127\\.0\\.0\\.1:${f.syslogPort}`;
  assert.match(
    failed,
    new RegExp(
      `✘ cms1: Web Bridge Stats: last at \\S+ \\(\\d+ s ago\\), by the running daemon: the daemon marks cms1 stale \\(no longer arriving\\)\\n\\s+fix: check cms1's syslog destination \\(syslog server add, to ${target}\\)`,
    ),
  );
  assert.match(failed, /✘ cms1: Call Bridge STATS: last at \S+ .*stale/);
  assert.match(
    failed,
    new RegExp(
      `✘ cms2: the running daemon has received nothing from cms2 \\(cms2 is not in its data\\)\\n\\s+fix: on cms2's MMP: syslog server add, to ${target}; or, if it names itself differently, set syslogHost of cms2`,
    ),
  );
  assert.equal(failed.match(/✘ cms2/g)?.length, 1, 'one line for a node silent in both roles');
  assert.doesNotMatch(r.out, /cannot listen/);
});
