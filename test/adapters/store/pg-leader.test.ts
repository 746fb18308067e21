/**
 * Leadership and the fenced restart lock, several instances in this process on a real PostgreSQL (127.0.0.1):
 * one leader at a time, hand-over on stop, tokens that only grow, and a restart lock that refuses stale or expired
 * terms and is held per cluster. Killing and pausing a leader process: pg-leader-failover.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { pgPoolConfig } from '../../../src/adapters/store/pg-connection.js';
import { PgLeader } from '../../../src/adapters/store/pg-leader.js';
import { PgRestartLock } from '../../../src/adapters/store/pg-restart-lock.js';
import { Secret } from '../../../src/app/config/secrets.js';
import type { LeadershipChange } from '../../../src/ports/leadership.js';
import type { Postgres } from '../../helpers/postgres.js';
import { until } from '../../helpers/until.js';
import { startMigratedPostgres } from './pg-fixture.js';

const LEASE_MS = 1500;
const RENEW_MS = 300;

let server: Postgres;
let database: string;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  ({ server, database } = await startMigratedPostgres());
});

after(async () => {
  for (const close of closers.reverse()) {
    await close();
  }
  await server?.stop();
});

let elections = 0;
/** A fresh election name per test, so tests on the one database do not see each other's leases. */
function election(): string {
  elections += 1;
  return `test-${elections}`;
}

let clusterCount = 0;
/** Fresh cluster names: the restart locks are per cluster whatever the election, and the tests share a database. */
function clusters(): [string, string] {
  clusterCount += 2;
  return [`cluster-${clusterCount - 1}`, `cluster-${clusterCount}`];
}

function leader(name: string, extra: { leaseMs?: number; renewEveryMs?: number } = {}): PgLeader {
  const l = new PgLeader({
    url: server.url(database),
    password: Secret.of(server.password),
    name,
    leaseMs: extra.leaseMs ?? LEASE_MS,
    renewEveryMs: extra.renewEveryMs ?? RENEW_MS,
  });
  closers.push(() => l.stop());
  return l;
}

function restartLock(name: string, maxHoldMs?: number): PgRestartLock {
  const l = new PgRestartLock({
    url: server.url(database),
    password: Secret.of(server.password),
    election: name,
    ...(maxHoldMs === undefined ? {} : { maxHoldMs }),
  });
  closers.push(() => l.close());
  return l;
}

async function leaseToken(name: string): Promise<number | undefined> {
  const rows = await server.query<{ token: string }>(database, 'SELECT token FROM leader_lease WHERE name = $1', [
    name,
  ]);
  return rows[0] ? Number(rows[0].token) : undefined;
}

test('a lone instance leads at once, with a token, and says so once', async () => {
  const name = election();
  const a = leader(name);
  const changes: LeadershipChange[] = [];
  a.onChange((c) => changes.push(c));
  await a.start();
  assert.equal(a.isLeader(), true);
  assert.equal(a.token(), 1);
  await new Promise((r) => setTimeout(r, RENEW_MS * 3));
  assert.deepEqual(changes, [{ leader: true, token: 1 }], 'renewals are not changes');
  assert.equal(a.isLeader(), true);
});

test('of three instances exactly one leads, sample after sample', async () => {
  const name = election();
  const all = [leader(name), leader(name), leader(name)];
  await Promise.all(all.map((l) => l.start()));
  for (let i = 0; i < 20; i++) {
    const leading = all.filter((l) => l.isLeader());
    assert.equal(leading.length, 1, `sample ${i}: ${leading.length} leaders`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('a leader that stops hands over within one renewal period, and the token grows', async () => {
  const name = election();
  const a = leader(name);
  const b = leader(name);
  await a.start();
  await b.start();
  assert.equal(a.isLeader(), true);
  assert.equal(b.isLeader(), false);
  const before = a.token() ?? -1;
  const t0 = Date.now();
  await a.stop();
  assert.equal(a.isLeader(), false);
  await until(() => b.isLeader(), RENEW_MS + 1000, 'b to lead');
  const took = Date.now() - t0;
  assert.ok(took <= RENEW_MS + 1000, `took ${took} ms`);
  assert.equal(b.token(), before + 1);
  assert.equal(await leaseToken(name), before + 1, 'the row keeps counting (expired, not deleted)');
});

test('a follower that stops changes nothing', async () => {
  const name = election();
  const a = leader(name);
  const b = leader(name);
  await a.start();
  await b.start();
  const token = a.token();
  await b.stop();
  await new Promise((r) => setTimeout(r, RENEW_MS * 2));
  assert.equal(a.isLeader(), true);
  assert.equal(a.token(), token);
});

test('renewEveryMs above half the lease is refused (TypeError)', () => {
  assert.throws(
    () => new PgLeader({ url: server.url(database), leaseMs: 1000, renewEveryMs: 600 }),
    (e: unknown) => e instanceof TypeError,
  );
});

test('restart lock: the leader takes it; one per cluster; released, it is free again', async () => {
  const [c1, c2] = clusters();
  const name = election();
  const a = leader(name);
  await a.start();
  const lock = restartLock(name);
  const token = a.token() ?? -1;
  const first = await lock.tryAcquire(c1, 'cms1', token);
  assert.equal(first.ok, true);
  const holder = await lock.holder(c1);
  assert.equal(holder?.node, 'cms1');
  assert.equal(holder?.pid, process.pid);
  const second = await lock.tryAcquire(c1, 'cms2', token);
  assert.equal(second.ok, false);
  assert.equal(!second.ok && second.reason, 'held');
  assert.equal(!second.ok && second.reason === 'held' && second.holder.node, 'cms1');
  const other = await lock.tryAcquire(c2, 'cms9', token);
  assert.equal(other.ok, true, 'another cluster has its own lock');
  assert.equal(first.ok && (await first.confirm()), true);
  if (first.ok) {
    await first.release();
    await first.release();
  }
  assert.equal(await lock.holder(c1), undefined);
  assert.equal((await lock.tryAcquire(c1, 'cms2', token)).ok, true);
});

test('restart lock: a stale token is fenced even when the lock is free', async () => {
  const [c1] = clusters();
  const name = election();
  const a = leader(name);
  const b = leader(name);
  await a.start();
  await b.start();
  const old = a.token() ?? -1;
  await a.stop();
  await until(() => b.isLeader(), RENEW_MS + 1000, 'b to lead');
  const lock = restartLock(name);
  const r = await lock.tryAcquire(c1, 'cms1', old);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'fenced');
  assert.match(!r.ok && r.reason === 'fenced' ? r.detail : '', /stale leadership token/);
  assert.equal(await lock.holder(c1), undefined);
  assert.equal((await lock.tryAcquire(c1, 'cms1', b.token() ?? -1)).ok, true);
});

test('restart lock: the current token of an expired lease is fenced; no election at all is fenced', async () => {
  const [c1] = clusters();
  const name = election();
  const a = leader(name);
  await a.start();
  const token = a.token() ?? -1;
  await a.stop(); // expires the lease; nobody else is there to take it
  const lock = restartLock(name);
  const r = await lock.tryAcquire(c1, 'cms1', token);
  assert.equal(!r.ok && r.reason === 'fenced' && /expired/.test(r.detail), true, JSON.stringify(r));
  const none = await restartLock(election()).tryAcquire(c1, 'cms1', 1);
  assert.equal(!none.ok && none.reason === 'fenced' && /no leader/.test(none.detail), true, JSON.stringify(none));
});

test('restart lock: confirm() turns false when its holder stops leading', async () => {
  const [c1] = clusters();
  const name = election();
  const a = leader(name);
  await a.start();
  const lock = restartLock(name);
  const r = await lock.tryAcquire(c1, 'cms1', a.token() ?? -1);
  assert.ok(r.ok);
  assert.equal(await r.confirm(), true);
  await a.stop();
  assert.equal(await r.confirm(), false);
  assert.equal((await lock.holder(c1))?.node, 'cms1', 'the lock itself stays until released or expired');
});

test('restart lock: a lock held past maxHoldMs is taken over', async () => {
  const [c1] = clusters();
  const name = election();
  const a = leader(name);
  await a.start();
  const lock = restartLock(name, 300);
  const token = a.token() ?? -1;
  assert.equal((await lock.tryAcquire(c1, 'cms1', token)).ok, true);
  assert.equal((await lock.tryAcquire(c1, 'cms2', token)).ok, false);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await lock.holder(c1), undefined, 'an expired lock is not reported');
  assert.equal((await lock.tryAcquire(c1, 'cms2', token)).ok, true);
  assert.equal((await lock.holder(c1))?.node, 'cms2');
});

test('two leaders racing for one cluster lock: exactly one gets it', async () => {
  const [c1] = clusters();
  const name = election();
  const a = leader(name);
  await a.start();
  const token = a.token() ?? -1;
  const locks = [restartLock(name), restartLock(name), restartLock(name), restartLock(name)];
  const results = await Promise.all(locks.map((l, i) => l.tryAcquire(c1, `cms${i}`, token)));
  assert.equal(results.filter((r) => r.ok).length, 1);
  assert.equal(results.filter((r) => !r.ok && r.reason === 'held').length, 3);
});

test('stop() and close() are idempotent; later calls reject as InvalidStateError', async () => {
  const name = election();
  const a = leader(name);
  await a.start();
  const lock = restartLock(name);
  const taken = await lock.tryAcquire(clusters()[0], 'cms1', a.token() ?? -1);
  await a.stop();
  await a.stop();
  await assert.rejects(a.start(), { name: 'InvalidStateError', code: 'WBGUARD_ERR_INVALID_STATE' });
  await lock.close();
  await lock.close();
  await assert.rejects(lock.holder('x'), { code: 'WBGUARD_ERR_INVALID_STATE' });
  await assert.rejects(lock.tryAcquire('x', 'cms1', 1), { code: 'WBGUARD_ERR_INVALID_STATE' });
  assert.ok(taken.ok);
  await assert.rejects(taken.release(), { code: 'WBGUARD_ERR_INVALID_STATE' });
});

test('a client stalled inside a transaction on the lease row holds renewals up no longer than its idle timeout', async () => {
  const name = election();
  const a = leader(name);
  await a.start();
  const token = a.token();
  // What tryAcquire does, then a stall: the lease row share-locked by an open transaction that never ends.
  const { config } = pgPoolConfig({
    url: server.url(database),
    password: Secret.of(server.password),
    idleInTransactionTimeoutMs: 1000,
  });
  const stalled = new pg.Client(config);
  stalled.on('error', () => undefined); // the server ends this session: that is the point
  await stalled.connect();
  await stalled.query('BEGIN');
  await stalled.query('SELECT token FROM leader_lease WHERE name = $1 FOR SHARE', [name]);
  const ended = new Promise<void>((resolve) => stalled.once('end', () => resolve()));
  // Renewals wait on the row lock; the stalled session is ended after 1 s, before the lease (1.5 s) runs out.
  for (let i = 0; i < 15; i++) {
    assert.equal(a.isLeader(), true, `sample ${i}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(a.token(), token, 'the same term throughout');
  await ended;
  await stalled.end().catch(() => undefined);
});
