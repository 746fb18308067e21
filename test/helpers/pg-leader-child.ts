/**
 * One wbguard-like instance in its own process, for leadership tests that kill or pause it: it runs a PgLeader and
 * a PgRestartLock on the database named by the environment, prints each change as a JSON line, and answers commands
 * on stdin (one per line) with a JSON line:
 *   acquire <cluster> <node>   take the restart lock with the last token this process held (even if it no longer
 *                              leads: that is what a leader that stalled between its check and its action does)
 *   confirm                    the last lock taken: still held and still leading?
 *   release                    give the last lock taken back
 * Environment: WBGUARD_TEST_PG_URL, WBGUARD_TEST_PG_PASSWORD, WBGUARD_TEST_LEASE_MS, WBGUARD_TEST_RENEW_MS.
 */
import { createInterface } from 'node:readline';
import { PgLeader } from '../../src/adapters/store/pg-leader.js';
import { PgRestartLock } from '../../src/adapters/store/pg-restart-lock.js';
import type { FencedAcquireResult } from '../../src/ports/leadership.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) {
    throw new Error(`pg-leader-child: ${name} is not set`);
  }
  return v;
};
const password = { reveal: () => env('WBGUARD_TEST_PG_PASSWORD') };
const url = env('WBGUARD_TEST_PG_URL');
const leader = new PgLeader({
  url,
  password,
  leaseMs: Number(env('WBGUARD_TEST_LEASE_MS')),
  renewEveryMs: Number(env('WBGUARD_TEST_RENEW_MS')),
});
const lock = new PgRestartLock({ url, password });
const say = (o: object) => process.stdout.write(`${JSON.stringify({ ...o, pid: process.pid })}\n`);

let lastToken: number | undefined;
let lastLock: FencedAcquireResult | undefined;
leader.onChange((c) => {
  if (c.leader) {
    lastToken = c.token;
  }
  say({ event: 'change', ...c });
});
await leader.start();
say({ event: 'started', leader: leader.isLeader() });

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, cluster = '', node = ''] = line.trim().split(/\s+/);
  // isLeader() is read first, before any overdue timer of a resumed process can run.
  const isLeader = leader.isLeader();
  if (cmd === 'acquire') {
    lastLock = await lock.tryAcquire(cluster, node, lastToken ?? 0);
    say({
      event: 'acquire',
      isLeader,
      token: lastToken,
      ok: lastLock.ok,
      ...(lastLock.ok ? {} : { reason: lastLock.reason }),
    });
  } else if (cmd === 'confirm') {
    say({ event: 'confirm', isLeader, ok: lastLock?.ok === true ? await lastLock.confirm() : false });
  } else if (cmd === 'release') {
    if (lastLock?.ok) {
      await lastLock.release();
    }
    say({ event: 'release', isLeader });
  }
}
await leader.stop();
await lock.close();
