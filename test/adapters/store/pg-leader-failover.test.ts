/**
 * Failover between wbguard-like instances on a real PostgreSQL (127.0.0.1): the leader runs in a child process
 * (test/helpers/pg-leader-child.ts) so it can really be killed (SIGKILL) or paused (SIGSTOP, standing for a stall or
 * a partition); the other instance runs here. Proves: the other takes over within the bound (lease + one renewal
 * period) and not before the lease ran out; a paused leader's restart lock keeps the cluster from being restarted
 * by the new leader; woken up, the old leader knows it no longer leads and is refused (fenced) by the database
 * even when it acts with the token it had.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { PgLeader } from '../../../src/adapters/store/pg-leader.js';
import { PgRestartLock } from '../../../src/adapters/store/pg-restart-lock.js';
import { Secret } from '../../../src/app/config/secrets.js';
import type { LeadershipChange } from '../../../src/ports/leadership.js';
import { type JsonLines, jsonLines } from '../../helpers/child-lines.js';
import type { Postgres } from '../../helpers/postgres.js';
import { startMigratedPostgres } from './pg-fixture.js';

const LEASE_MS = 2000;
const RENEW_MS = 400;
/** Takeover bound: the lease runs out, then the next try (plus the time a query and a test poll take). */
const TAKEOVER_BOUND_MS = LEASE_MS + RENEW_MS + 1000;
/** A child starts through tsx: give it time. */
const CHILD_START_MS = 20_000;

let server: Postgres;
let database: string;
const children: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];

before(async () => {
  ({ server, database } = await startMigratedPostgres());
});

after(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    }
  }
  for (const close of closers) {
    await close();
  }
  await server?.stop();
});

function startChild(): { child: ChildProcess; out: JsonLines } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/pg-leader-child.ts'], {
    env: {
      ...process.env,
      WBGUARD_TEST_PG_URL: server.url(database),
      WBGUARD_TEST_PG_PASSWORD: server.password,
      WBGUARD_TEST_LEASE_MS: String(LEASE_MS),
      WBGUARD_TEST_RENEW_MS: String(RENEW_MS),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  return { child, out: jsonLines(child, `leader child ${child.pid}`) };
}

function localInstance(): { leader: PgLeader; lock: PgRestartLock; changes: Array<LeadershipChange & { at: number }> } {
  const options = { url: server.url(database), password: Secret.of(server.password) };
  const leader = new PgLeader({ ...options, leaseMs: LEASE_MS, renewEveryMs: RENEW_MS });
  const lock = new PgRestartLock(options);
  closers.push(
    () => leader.stop(),
    () => lock.close(),
  );
  const changes: Array<LeadershipChange & { at: number }> = [];
  leader.onChange((c) => changes.push({ ...c, at: Date.now() }));
  return { leader, lock, changes };
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function send(child: ChildProcess, line: string): void {
  child.stdin?.write(`${line}\n`);
}

test('the leader is killed: the other instance leads within the bound, not before the lease ran out', async () => {
  const a = startChild();
  const gained = await a.out.next((l) => l.event === 'change' && l.leader === true, CHILD_START_MS);
  const oldToken = gained.token as number;
  const b = localInstance();
  await b.leader.start();
  assert.equal(b.leader.isLeader(), false, 'a follower while the child leads');
  // The child keeps leading across several renewals: exactly one leader.
  await new Promise((r) => setTimeout(r, RENEW_MS * 3));
  assert.equal(b.leader.isLeader(), false);

  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await waitFor(() => b.leader.isLeader(), TAKEOVER_BOUND_MS + 2000, 'the survivor to lead');
  const took = (b.changes.find((c) => c.leader)?.at ?? Date.now()) - killedAt;
  assert.ok(took <= TAKEOVER_BOUND_MS, `takeover took ${took} ms, bound ${TAKEOVER_BOUND_MS} ms`);
  // The child renewed at most one period before it died: its lease had at least LEASE_MS - RENEW_MS left.
  assert.ok(took >= LEASE_MS - RENEW_MS - 100, `took over after ${took} ms, before the lease could have run out`);
  assert.ok((b.leader.token() ?? 0) > oldToken, `token ${b.leader.token()} after ${oldToken}`);
  await b.leader.stop();
});

test('the leader stalls holding a restart lock: no second restart of that cluster; woken up, it is fenced', async () => {
  const a = startChild();
  const gained = await a.out.next((l) => l.event === 'change' && l.leader === true, CHILD_START_MS);
  const oldToken = gained.token as number;
  const b = localInstance();
  await b.leader.start();
  assert.equal(b.leader.isLeader(), false);

  // The child begins a restart of cms1 in cluster c-stall: it takes the cluster's lock.
  send(a.child, 'acquire c-stall cms1');
  const took = await a.out.next((l) => l.event === 'acquire', 5000);
  assert.equal(took.ok, true, JSON.stringify(took));

  // It stalls (SIGSTOP: no renewals, no actions, its connections stay open).
  const pausedAt = Date.now();
  assert.equal(a.child.kill('SIGSTOP'), true);
  await waitFor(() => b.leader.isLeader(), TAKEOVER_BOUND_MS + 2000, 'the other instance to lead');
  assert.ok(Date.now() - pausedAt <= TAKEOVER_BOUND_MS + 200, `takeover took ${Date.now() - pausedAt} ms`);
  const newToken = b.leader.token() ?? -1;
  assert.ok(newToken > oldToken);

  // The new leader must not restart another Web Bridge of that cluster while the stalled one's restart may run.
  const second = await b.lock.tryAcquire('c-stall', 'cms2', newToken);
  assert.equal(second.ok, false);
  assert.equal(!second.ok && second.reason === 'held' && second.holder.node, 'cms1', JSON.stringify(second));
  // It does lead: another cluster's lock is its to take.
  const elsewhere = await b.lock.tryAcquire('c-other', 'cms7', newToken);
  assert.equal(elsewhere.ok, true);
  if (elsewhere.ok) {
    await elsewhere.release();
  }

  // The old leader wakes up. Before anything else it knows, by its own clock, that it no longer leads.
  const from = a.out.lines.length;
  assert.equal(a.child.kill('SIGCONT'), true);
  send(a.child, 'confirm');
  const confirm = await a.out.next((l) => l.event === 'confirm', 5000, from);
  assert.equal(confirm.isLeader, false, 'isLeader() after waking');
  assert.equal(confirm.ok, false, 'its lock is no longer confirmed: it must not send the command');
  // It gives its lock back (a deposed leader may release), then tries to act with its old token: fenced, although
  // the cluster's lock is now free.
  send(a.child, 'release');
  await a.out.next((l) => l.event === 'release', 5000, from);
  assert.equal(await b.lock.holder('c-stall'), undefined);
  send(a.child, 'acquire c-stall cms3');
  const late = await a.out.next((l) => l.event === 'acquire', 5000, from);
  assert.equal(late.ok, false, JSON.stringify(late));
  assert.equal(late.reason, 'fenced');
  assert.equal(late.token, oldToken, 'it acted with the token of its old term');
  assert.equal(await b.lock.holder('c-stall'), undefined, 'the refused attempt left no lock behind');
  // The rightful leader can now go on.
  assert.equal((await b.lock.tryAcquire('c-stall', 'cms2', newToken)).ok, true);
  assert.equal(b.leader.isLeader(), true, 'the woken instance did not take the lease back');
  a.child.stdin?.end();
});
