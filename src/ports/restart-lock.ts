/**
 * @module ports/restart-lock
 * "Never two Web Bridges of a cluster restarting at once", across processes: a lock per cluster.
 */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly node: string;
  /** ISO-8601. */
  readonly since: string;
}

export interface RestartLock {
  /** Who holds the cluster's lock now, if anyone (stale locks are not reported). */
  holder(cluster: string, now: number): LockHolder | undefined;
  tryAcquire(
    cluster: string,
    node: string,
    now: number,
  ): { ok: true; release: () => void } | { ok: false; holder: LockHolder };
}
