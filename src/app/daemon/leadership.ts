/**
 * @module app/daemon/leadership
 * Who may act. A single instance (the default) always leads. With `ha.enabled` on a PostgreSQL store, the instances
 * elect one leader with a lease and a fencing token (adapters/store/pg-leader.ts); only the leader evaluates to act,
 * sends alerts and restarts, and before a rolling restart it takes the cluster's lock in the database with its token
 * (adapters/store/pg-restart-lock.ts), so a former leader that stalled cannot restart what the new one does.
 */
import { readFileSync } from 'node:fs';
import { PgLeader } from '../../adapters/store/pg-leader.js';
import { PgRestartLock } from '../../adapters/store/pg-restart-lock.js';
import type { Logger } from '../../ports/logger.js';
import { storeSettings, type WbguardConfig } from '../config/index.js';

export type Role = 'single' | 'leader' | 'follower';

export interface ClusterFence {
  readonly ok: boolean;
  /** Why the cluster could not be taken (another instance's restart, a stale token). */
  readonly reason?: string;
  release(): Promise<void>;
}

export interface DaemonLeadership {
  role(): Role;
  /** True for a single instance, and for the leader while its lease holds (checked right before acting). */
  isLeader(): boolean;
  /** The cluster's restart lock in the database, taken with the current token (single: always granted). */
  fenceCluster(cluster: string, node: string): Promise<ClusterFence>;
  close(): Promise<void>;
}

const NO_FENCE: ClusterFence = { ok: true, release: async () => {} };

export async function startLeadership(config: WbguardConfig, log?: Logger): Promise<DaemonLeadership> {
  const s = storeSettings(config);
  if (!config.ha.enabled || s.kind !== 'postgres') {
    return { role: () => 'single', isLeader: () => true, fenceCluster: async () => NO_FENCE, close: async () => {} };
  }
  const connection = {
    url: s.url,
    password: s.password,
    ca: s.ca ? readFileSync(s.ca, 'utf8') : undefined,
    insecure: s.insecure,
  };
  const leader = new PgLeader({
    ...connection,
    leaseMs: config.ha.leaseMs,
    renewEveryMs: config.ha.renewEveryMs,
    ...(log ? { log } : {}),
  });
  const lock = new PgRestartLock(connection);
  await leader.start();
  leader.onChange((c) =>
    log?.warn({ leader: c.leader }, c.leader ? 'this instance now leads' : 'this instance follows'),
  );
  return {
    role: () => (leader.isLeader() ? 'leader' : 'follower'),
    isLeader: () => leader.isLeader(),
    async fenceCluster(cluster, node) {
      const token = leader.token();
      if (token === undefined) {
        return { ok: false, reason: 'this instance is not the leader', release: async () => {} };
      }
      const r = await lock.tryAcquire(cluster, node, token);
      if (!r.ok) {
        return {
          ok: false,
          reason:
            r.reason === 'held'
              ? `one-at-a-time: ${r.holder.node} is being restarted by ${r.holder.host} (pid ${r.holder.pid}) since ${r.holder.since}`
              : `fenced: ${r.detail}`,
          release: async () => {},
        };
      }
      if (!(await r.confirm())) {
        await r.release();
        return { ok: false, reason: 'lost the leadership while taking the lock', release: async () => {} };
      }
      return { ok: true, release: () => r.release() };
    },
    async close() {
      await leader.stop();
      await lock.close();
    },
  };
}
