/**
 * @module adapters/store/pg-restart-lock
 * "One restart at a time per cluster" in PostgreSQL, for several wbguard instances: a `restart_locks` row per
 * cluster, taken only with the current leadership token (pg-leader.ts). The token is checked against the lease row
 * in the same transaction that takes the lock, with the lease row share-locked, so no takeover can slip in between:
 * a leader that stalled and lost its lease is refused ("fenced") when it wakes, even if it still believes it leads.
 *
 * The lock belongs to the cluster, not to the term: a new leader finds the lock of a restart its predecessor began
 * and waits for it to be released or to expire (`maxHoldMs`), so a cluster is never restarted twice at once even
 * across a failover. `confirm()` lets the holder check, right before it sends the command, that it still holds the
 * lock and still leads.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { InvalidStateError } from '../../errors.js';
import type { FencedAcquireResult, FencedRestartLock } from '../../ports/leadership.js';
import type { LockHolder } from '../../ports/restart-lock.js';
import { createPgPool, type PgConnectionOptions, type PgTarget, storeError } from './pg-connection.js';
import { defaultHolderId } from './pg-leader.js';
import { inTransaction } from './pg-transaction.js';

export interface PgRestartLockOptions extends PgConnectionOptions {
  /** The election whose token fences the lock (PgLeaderOptions.name). @default 'wbguard' */
  readonly election?: string | undefined;
  /** A lock not released after this long is taken over (its holder is presumed dead). @default 7200000 (2 h) */
  readonly maxHoldMs?: number | undefined;
  /** Identity written in the lock. @default `<hostname>:<pid>:<random>` */
  readonly holder?: string | undefined;
}

const TAKE = `
INSERT INTO restart_locks AS r (cluster, lock_id, node, holder, token, pid, host, since, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp(), clock_timestamp() + make_interval(secs => $8::float8 / 1000))
ON CONFLICT (cluster) DO UPDATE SET
  lock_id = excluded.lock_id, node = excluded.node, holder = excluded.holder, token = excluded.token,
  pid = excluded.pid, host = excluded.host, since = excluded.since, expires_at = excluded.expires_at
WHERE r.expires_at <= clock_timestamp()
RETURNING lock_id`;

const HOLDER = `
SELECT node, pid, host, since FROM restart_locks WHERE cluster = $1 AND expires_at > clock_timestamp()`;

const CONFIRM = `
SELECT
  EXISTS (SELECT 1 FROM restart_locks WHERE cluster = $1 AND lock_id = $2 AND expires_at > clock_timestamp()) AND
  EXISTS (SELECT 1 FROM leader_lease WHERE name = $3 AND token = $4 AND expires_at > clock_timestamp()) AS ok`;

type Refusal = Exclude<FencedAcquireResult, { readonly ok: true }>;

interface HolderRow {
  node: string;
  pid: number;
  host: string;
  since: Date;
}

function toHolder(r: HolderRow): LockHolder {
  return { node: r.node, pid: r.pid, host: r.host, since: r.since.toISOString() };
}

export class PgRestartLock implements FencedRestartLock {
  readonly #pool: pg.Pool;
  readonly #target: PgTarget;
  readonly #election: string;
  readonly #maxHoldMs: number;
  readonly #holder: string;
  #closed = false;

  /** The schema must be migrated (PgStore.migrate()). @throws StoreError, SecretError */
  constructor(options: PgRestartLockOptions) {
    const { pool, target } = createPgPool({
      ...options,
      maxConnections: options.maxConnections ?? 2,
      // tryAcquire share-locks the lease row: if this process stalls inside that transaction, the server ends the
      // session after this long, so the stall cannot hold up a takeover for longer.
      idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 5_000,
    });
    this.#pool = pool;
    this.#target = target;
    this.#election = options.election ?? 'wbguard';
    this.#maxHoldMs = options.maxHoldMs ?? 2 * 3_600_000;
    this.#holder = options.holder ?? defaultHolderId();
  }

  async holder(cluster: string): Promise<LockHolder | undefined> {
    this.#assertOpen('read the restart lock');
    try {
      const r = await this.#pool.query<HolderRow>(HOLDER, [cluster]);
      return r.rows[0] ? toHolder(r.rows[0]) : undefined;
    } catch (err) {
      throw storeError(err, 'read the restart lock', this.#target);
    }
  }

  async tryAcquire(cluster: string, node: string, token: number): Promise<FencedAcquireResult> {
    this.#assertOpen('take the restart lock');
    let outcome: { readonly id: string } | Refusal;
    try {
      outcome = await inTransaction(this.#pool, async (client): Promise<{ readonly id: string } | Refusal> => {
        // FOR SHARE: a takeover (an UPDATE of this row) waits until this transaction ends.
        const lease = await client.query<{ token: number; live: boolean }>(
          'SELECT token, expires_at > clock_timestamp() AS live FROM leader_lease WHERE name = $1 FOR SHARE',
          [this.#election],
        );
        const current = lease.rows[0];
        const fenced =
          current === undefined
            ? `no leader has been elected [election:${this.#election}]`
            : current.token !== token
              ? `stale leadership token [election:${this.#election}, token:${token}, current:${current.token}]`
              : !current.live
                ? `leadership lease expired [election:${this.#election}, token:${token}]`
                : undefined;
        if (fenced !== undefined) {
          return { ok: false, reason: 'fenced', detail: fenced };
        }
        const id = randomUUID();
        const taken = await client.query(TAKE, [
          cluster,
          id,
          node,
          this.#holder,
          token,
          process.pid,
          hostname(),
          this.#maxHoldMs,
        ]);
        if (taken.rowCount === 0) {
          const row = (await client.query<HolderRow>(HOLDER, [cluster])).rows[0];
          // Released in between (another transaction committed after our take failed): still "held" for this
          // attempt; the caller tries again later.
          const holder = row
            ? toHolder(row)
            : { node: 'unknown', pid: -1, host: 'unknown', since: new Date().toISOString() };
          return { ok: false, reason: 'held', holder };
        }
        return { id };
      });
    } catch (err) {
      throw storeError(err, 'take the restart lock', this.#target);
    }
    if (!('id' in outcome)) {
      return outcome;
    }
    const { id } = outcome;
    return {
      ok: true,
      confirm: async () => {
        const r = await this.#query<{ ok: boolean }>('confirm the restart lock', CONFIRM, [
          cluster,
          id,
          this.#election,
          token,
        ]);
        return r.rows[0]?.ok === true;
      },
      release: async () => {
        await this.#query('release the restart lock', 'DELETE FROM restart_locks WHERE cluster = $1 AND lock_id = $2', [
          cluster,
          id,
        ]);
      },
    };
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#pool.end();
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) {
      throw new InvalidStateError(`restart lock closed, cannot ${what} [store:postgres, host:${this.#target.host}]`);
    }
  }

  async #query<R extends pg.QueryResultRow>(what: string, sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    this.#assertOpen(what);
    try {
      return await this.#pool.query<R>(sql, values);
    } catch (err) {
      throw storeError(err, what, this.#target);
    }
  }
}
