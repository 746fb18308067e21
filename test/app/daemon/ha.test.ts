/**
 * Two `wbguard run` instances on one PostgreSQL (started by the test) with `ha.enabled`: both ingest, exactly one
 * leads — only it acts; the follower refuses to act over HTTP — and when the leader goes, the other takes over
 * within the lease. The restart lock is in the database, fenced by the leader's token: while the old leader's lock
 * is held, the new leader's restart of that cluster is deferred.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PgRestartLock } from '../../../src/adapters/store/pg-restart-lock.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { createSink, parseSinkUrl } from '../../../src/sim/syslog/sinks.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { startPostgres } from '../../helpers/postgres.js';
import { until } from '../../helpers/until.js';
import { tempDir } from '../../sim/helpers.js';

test('one leader acts, the follower does not; the follower takes over within the lease when the leader stops', async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.stop());
  const database = await pg.createDatabase();
  const dir = tempDir(t, 'wbguard-ha-');
  const env = { PGPW: pg.password, TOKEN: 'ha-token-123' };
  const build = (state: string) =>
    parseConfig(
      {
        cluster: 'lab',
        webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
        callbridges: [{ name: 'cms1' }],
        mmp: { probeEveryMs: 0, password: 'env:TOKEN', connectTimeoutMs: 1000 },
        http: { listen: '127.0.0.1:0', token: 'env:TOKEN' },
        syslog: { tcp: '127.0.0.1:0' },
        store: { url: pg.url(database, 'disable'), password: 'env:PGPW' },
        ha: { enabled: true, leaseMs: 3000, renewEveryMs: 1000 },
        policy: { mode: 'enforce' },
        state: join(dir, state),
      },
      { env },
    );
  const a = await startDaemon(build('a'), { env, evaluateEveryMs: 3_600_000 });
  t.after(() => a.close());
  const b = await startDaemon(build('b'), { env, evaluateEveryMs: 3_600_000 });
  t.after(() => b.close());
  const role = async (d: typeof a) =>
    (
      (await (await fetch(`${d.url}/api/v1/state`, { headers: { authorization: 'Bearer ha-token-123' } })).json()) as {
        role: string;
      }
    ).role;
  await until(async () => [await role(a), await role(b)].sort().join() === 'follower,leader', 10_000, 'one leader');
  const [leader, follower] = (await role(a)) === 'leader' ? [a, b] : [b, a];

  // The follower refuses to act; the leader's POST goes through to the guards.
  const post = (d: typeof a) =>
    fetch(`${d.url}/api/v1/restart`, {
      method: 'POST',
      headers: { authorization: 'Bearer ha-token-123', 'content-type': 'application/json' },
      body: '{"names":["cms1"]}',
    });
  assert.equal((await post(follower)).status, 409);
  assert.equal((await post(leader)).status, 200);

  // Both ingest: the leader is told cms1 leaks 60 sessions on an idle cluster (worth it, idle, fresh).
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${leader.listeners.find((l) => l.transport === 'tcp')?.port}`));
  // A Stats line on each side of the STATS line: the leak is proven at a sample no older than the CMA figure.
  sink.send('cms1', webBridgeStatsLine(Date.now() - 2000, 'cms1', 60, 100, 40));
  sink.send('cms1', callBridgeStatsLine(Date.now() - 1000, 'cms1', 0, 0, 0));
  sink.send('cms1', webBridgeStatsLine(Date.now() - 500, 'cms1', 60, 100, 40));
  await until(() => leader.state.lines.webbridgeStats === 2, 5000, 'ingest');
  await sink.close();

  // The follower, sent the same stream, shows the alerts it sees (the leader alone notifies and acts).
  const toFollower = createSink(
    parseSinkUrl(`tcp://127.0.0.1:${follower.listeners.find((l) => l.transport === 'tcp')?.port}`),
  );
  toFollower.send('cms1', webBridgeStatsLine(Date.now() - 2000, 'cms1', 60, 100, 40));
  toFollower.send('cms1', callBridgeStatsLine(Date.now() - 1000, 'cms1', 0, 0, 0));
  toFollower.send('cms1', webBridgeStatsLine(Date.now() - 500, 'cms1', 60, 100, 40));
  await until(() => follower.state.lines.webbridgeStats === 2, 5000, 'ingest by the follower');
  await toFollower.close();
  assert.equal((await follower.evaluate()).action, 'none', 'a follower never acts');
  const shown = (await (
    await fetch(`${follower.url}/api/v1/alerts`, { headers: { authorization: 'Bearer ha-token-123' } })
  ).json()) as Array<{ event: string; subject: string }>;
  assert.ok(
    shown.some((x) => x.event === 'leak' && x.subject === 'cms1'),
    JSON.stringify(shown),
  );
  assert.deepEqual(follower.alerts.alerter.open(), [], 'the follower notified nobody');

  // The cluster's lock is in the database: while another instance holds it (as a former leader mid-restart would),
  // the leader's restart of that cluster is deferred, naming the holder.
  const dbLock = new PgRestartLock({ url: pg.url(database, 'disable'), password: { reveal: () => pg.password } });
  t.after(() => dbLock.close());
  assert.equal(await dbLock.holder('lab'), undefined, 'the leader released the lock after its run');
  await pg.query(
    database,
    `INSERT INTO restart_locks (cluster, lock_id, node, holder, token, pid, host, since, expires_at)
     VALUES ('lab', 'old-term', 'cms1', 'old-leader', 1, 4242, 'host-b', clock_timestamp(), clock_timestamp() + interval '1 hour')`,
  );
  const held = (await (await post(leader)).json()) as {
    results: Array<{ name: string; outcome: string; reasons: string[] }>;
  };
  assert.deepEqual(
    held.results.map((r) => [r.name, r.outcome]),
    [['cms1', 'deferred']],
  );
  assert.match(held.results[0]?.reasons[0] ?? '', /one-at-a-time: cms1 is being restarted by host-b \(pid 4242\)/);
  await pg.query(database, "DELETE FROM restart_locks WHERE cluster = 'lab'");

  // The leader stops (its lease is given up or runs out): the follower leads within the lease and a renewal.
  const stoppedAt = Date.now();
  await leader.close();
  await until(async () => (await role(follower)) === 'leader', 3000 + 1000 + 5000, 'the takeover');
  assert.ok(Date.now() - stoppedAt < 3000 + 1000 + 5000);
  assert.equal((await post(follower)).status, 200, 'the new leader acts');
});
