/**
 * @module ports/leadership
 * Several wbguard instances on one shared store: all ingest, one leads (acts). Leadership comes with a fencing
 * token that grows with every change of leader; the restart lock in the shared store takes the token and refuses
 * a stale one, so a leader that stalled (paused, partitioned) and lost its lease cannot act when it wakes up. The
 * lock is per cluster and outlives a change of leader, so a cluster is never restarted twice at once.
 * PostgreSQL implements both (adapters/store/pg-leader.ts, pg-restart-lock.ts).
 */
import type { LockHolder } from './restart-lock.js';

export type LeadershipChange = { readonly leader: true; readonly token: number } | { readonly leader: false };

export interface Leadership {
  /** Takes part in the election: tries at once, then keeps trying or renewing. Resolves after the first try. */
  start(): Promise<void>;
  /** Leaves the election; a leader gives its lease up so another takes over at its next try. Idempotent. */
  stop(): Promise<void>;
  /** True while this instance holds an unexpired lease, by its own clock, with a safety margin. */
  isLeader(): boolean;
  /** The fencing token of the current term while leader, else undefined. */
  token(): number | undefined;
  /** Called on every gain and loss of leadership; returns the unsubscribe function. */
  onChange(listener: (change: LeadershipChange) => void): () => void;
}

export type FencedAcquireResult =
  | {
      readonly ok: true;
      /** Still the lock's holder and still the leader of `token`'s term: check right before acting. */
      confirm(): Promise<boolean>;
      /** Gives the lock back (no fencing: a deposed leader may, and should, release what it holds). */
      release(): Promise<void>;
    }
  | { readonly ok: false; readonly reason: 'held'; readonly holder: LockHolder }
  | { readonly ok: false; readonly reason: 'fenced'; readonly detail: string };

/** "One restart at a time per cluster" across instances, fenced by the leadership token. */
export interface FencedRestartLock {
  /** Who holds the cluster's lock now, if anyone (expired locks are not reported). */
  holder(cluster: string): Promise<LockHolder | undefined>;
  /** Takes the cluster's lock for `node` if `token` is the current, unexpired leadership term and the lock is free. */
  tryAcquire(cluster: string, node: string, token: number): Promise<FencedAcquireResult>;
}
