/**
 * @module adapters/store/pg-leader
 * Leader election among wbguard instances sharing one PostgreSQL: a lease row (`leader_lease`, one per election
 * name) that the leader renews every `renewEveryMs` and the others try to take every `renewEveryMs`; it is theirs
 * once `leaseMs` passed without a renewal. Every decision about expiry uses the database's clock, so instances'
 * clocks need not agree. The row's `token` grows by one at every change of holder and is never reset (a leader
 * that stops expires its lease instead of deleting it): it is the fencing token the restart lock checks.
 *
 * Why a lease and not a session advisory lock: a leader that is paused (SIGSTOP, a VM freeze, a long GC) or cut
 * off keeps its TCP connection and so its advisory lock, and nobody could take over; a lease just runs out.
 *
 * Bounds: after the leader dies, another instance leads within `leaseMs + renewEveryMs` (plus a query's time).
 * Locally, `isLeader()` turns false `leaseMs` after the start of the last successful renewal (less a drift
 * margin), without waiting for a timer: a process that wakes from a pause sees it lost leadership before it acts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { InvalidStateError } from '../../errors.js';
import type { Leadership, LeadershipChange } from '../../ports/leadership.js';
import type { Logger } from '../../ports/logger.js';
import { createPgPool, type PgConnectionOptions, type PgTarget, storeError } from './pg-connection.js';

export interface PgLeaderOptions extends PgConnectionOptions {
  /** The election: instances with the same name on the same database elect one leader. @default 'wbguard' */
  readonly name?: string | undefined;
  /** How long a lease lasts without renewal. @default 15000 */
  readonly leaseMs?: number | undefined;
  /** How often the leader renews and the others try. Must be under leaseMs / 2. @default leaseMs / 3 */
  readonly renewEveryMs?: number | undefined;
  /** This instance's identity in the lease row. @default `<hostname>:<pid>:<random>` */
  readonly holder?: string | undefined;
  readonly log?: Logger | undefined;
}

/** Local clocks may run a little fast or slow against the database's: give the lease up this much earlier. */
const DRIFT = 0.05;

// Take the lease when it is free or expired, renew it when it is ours. The token changes only when the holder does,
// or when our own lease had run out (someone may have held it meanwhile: our old term is over either way).
const ACQUIRE = `
INSERT INTO leader_lease AS l (name, holder, token, acquired_at, renewed_at, expires_at)
VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp(), clock_timestamp() + make_interval(secs => $3::float8 / 1000))
ON CONFLICT (name) DO UPDATE SET
  token = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.token ELSE l.token + 1 END,
  acquired_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.acquired_at ELSE clock_timestamp() END,
  holder = excluded.holder,
  renewed_at = clock_timestamp(),
  expires_at = excluded.expires_at
WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
RETURNING token`;

const RESIGN = `
UPDATE leader_lease SET expires_at = clock_timestamp()
WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp()`;

/** A holder id unique to this process's run (a restarted process with the same pid is a new holder). */
export function defaultHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export class PgLeader implements Leadership {
  readonly name: string;
  readonly holder: string;
  readonly leaseMs: number;
  readonly renewEveryMs: number;
  readonly #pool: pg.Pool;
  readonly #target: PgTarget;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<(change: LeadershipChange) => void>();
  #token: number | undefined;
  #deadline = 0;
  #tickTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  /** The schema must be migrated (PgStore.migrate()) before start(). @throws StoreError, SecretError */
  constructor(options: PgLeaderOptions) {
    this.name = options.name ?? 'wbguard';
    this.holder = options.holder ?? defaultHolderId();
    this.leaseMs = options.leaseMs ?? 15_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    if (!(this.leaseMs > 0) || !(this.renewEveryMs > 0) || this.renewEveryMs * 2 > this.leaseMs) {
      throw new TypeError(
        `renewEveryMs must be positive and at most half of leaseMs [leaseMs:${this.leaseMs}, renewEveryMs:${this.renewEveryMs}]`,
      );
    }
    this.#log = options.log;
    // One connection: renewals are sequential. A renewal that hangs fails before the lease could run out.
    const { pool, target } = createPgPool({
      ...options,
      maxConnections: 1,
      queryTimeoutMs: Math.max(1, Math.floor(this.leaseMs / 2)),
      // A renewal stuck behind a row lock gives up on the server too, not only in this client.
      lockTimeoutMs: Math.max(1, Math.floor(this.leaseMs / 4)),
      connectTimeoutMs: Math.max(1, Math.floor(this.leaseMs / 2)),
    });
    this.#pool = pool;
    this.#target = target;
  }

  /** @throws InvalidStateError after stop() (an instance that left the election does not come back) */
  async start(): Promise<void> {
    if (this.#stopped) {
      throw new InvalidStateError(`leader stopped, cannot start again [election:${this.name}]`);
    }
    if (this.#started) {
      return;
    }
    this.#started = true;
    await this.#tick();
  }

  isLeader(): boolean {
    return this.#token !== undefined && performance.now() < this.#deadline;
  }

  token(): number | undefined {
    return this.isLeader() ? this.#token : undefined;
  }

  onChange(listener: (change: LeadershipChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    clearTimeout(this.#tickTimer);
    await this.#inFlight;
    const token = this.#token;
    if (token !== undefined && this.isLeader()) {
      try {
        // Expire rather than delete: the next leader's token must still be higher than ours.
        await this.#pool.query(RESIGN, [this.name, this.holder, token]);
      } catch (err) {
        this.#log?.warn({ err: storeError(err, 'resign the lease', this.#target) }, 'leader lease not given up');
      }
    }
    this.#lose();
    await this.#pool.end();
  }

  #tick(): Promise<void> {
    const run = async () => {
      const sentAt = performance.now();
      try {
        const r = await this.#pool.query<{ token: number }>(ACQUIRE, [this.name, this.holder, this.leaseMs]);
        const token = r.rows[0]?.token;
        if (token === undefined) {
          this.#lose();
        } else {
          this.#gain(token, sentAt);
        }
      } catch (err) {
        // Keep what we have until it runs out locally (the expiry timer); the next tick tries again.
        this.#log?.warn({ err: storeError(err, 'renew the leader lease', this.#target) }, 'leader lease not renewed');
        if (!this.isLeader()) {
          this.#lose();
        }
      }
    };
    this.#inFlight = run().finally(() => {
      this.#inFlight = undefined;
      if (!this.#stopped) {
        this.#tickTimer = setTimeout(() => void this.#tick(), this.renewEveryMs);
      }
    });
    return this.#inFlight;
  }

  #gain(token: number, sentAt: number): void {
    // The same term goes on only if we still held it locally; anything else is a new term (after a loss, said so).
    const continuing = this.isLeader() && this.#token === token;
    if (!continuing) {
      this.#lose();
    }
    this.#token = token;
    // Counted from before the query was sent: the database's expiry is at least this late.
    this.#deadline = sentAt + this.leaseMs * (1 - DRIFT);
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = setTimeout(
      () => {
        if (!this.isLeader()) {
          this.#lose();
        }
      },
      this.#deadline - performance.now() + 1,
    );
    if (!continuing) {
      this.#log?.info({ election: this.name, token }, 'leadership gained');
      this.#emit({ leader: true, token });
    }
  }

  #lose(): void {
    clearTimeout(this.#expiryTimer);
    if (this.#token === undefined) {
      return;
    }
    const token = this.#token;
    this.#token = undefined;
    this.#deadline = 0;
    this.#log?.info({ election: this.name, token }, 'leadership lost');
    this.#emit({ leader: false });
  }

  #emit(change: LeadershipChange): void {
    for (const l of this.#listeners) {
      try {
        l(change);
      } catch (err) {
        // A bad listener must not stop the election.
        this.#log?.error({ err }, 'leadership listener failed');
      }
    }
  }
}
