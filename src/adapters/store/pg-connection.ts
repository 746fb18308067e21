/**
 * @module adapters/store/pg-connection
 * From `store: postgres://user@host:port/db?sslmode=…` (plus the password by reference and the TLS options) to a
 * `pg` pool, and from `pg`'s errors to StoreError. The URL never carries the password: the configuration refuses
 * one, and so does this module, in the user-info part and in the query (`?password=`). TLS is on and verified by
 * default on TCP (the system CAs, or `ca`), off on a Unix socket (PostgreSQL has no TLS there).
 */
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { SecretError, StoreError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';

/** What a configured secret has to offer: its value, only when asked (app/config/secrets.ts `Secret`). */
export interface SecretValue {
  reveal(): string;
}

export interface PgConnectionOptions {
  /** `postgres://user@host:5432/db`, optionally `?sslmode=disable|require|verify-ca|verify-full`. No password. */
  readonly url: string;
  /** The password, resolved from its reference (`env:`, `file:`). Unset: trust, peer, or ~/.pgpass. */
  readonly password?: SecretValue | undefined;
  /** PEM text of the CA that signed the server certificate (the file `store.ca` names, read by the caller). */
  readonly ca?: string | undefined;
  /** TLS without verifying the server certificate (`store.insecure`). @default false */
  readonly insecure?: boolean | undefined;
  /** Most connections the pool opens. @default 4 */
  readonly maxConnections?: number | undefined;
  /** How long to wait for a connection. @default 10000 */
  readonly connectTimeoutMs?: number | undefined;
  /** How long one query may take before it fails (client side). @default 30000 */
  readonly queryTimeoutMs?: number | undefined;
  /** The server gives up a statement that waited this long for a lock (unset: waits). */
  readonly lockTimeoutMs?: number | undefined;
  /**
   * The server ends a session that sat idle inside a transaction this long, so a client that stalls mid-transaction
   * (paused, cut off) cannot hold row locks for ever. @default 60000
   */
  readonly idleInTransactionTimeoutMs?: number | undefined;
  /** Shown in pg_stat_activity. @default 'wbguard' */
  readonly applicationName?: string | undefined;
  readonly log?: Logger | undefined;
}

/** Where a pool connects, safe to print (no password): for error messages and logs. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly tls: 'off' | 'verify-full' | 'verify-ca' | 'unverified';
}

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

const INT8_OID = 20;

// int8 (count(*), bigint ids, epoch milliseconds) comes back from pg as a string; every int8 wbguard stores fits in a
// double exactly, so it is read as a number, and one that would not fit is an error rather than a rounded value.
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') {
      return (text: string) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) {
          throw new StoreError(`an int8 value does not fit a JavaScript number [value:${text}]`);
        }
        return n;
      };
    }
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function badUrl(url: string, why: string): StoreError {
  return new StoreError(`cannot use the store URL [url:${redactUrl(url)}]: ${why}`, {
    code: 'WBGUARD_ERR_STORE_CONNECT',
    hint: 'write store: postgres://user@host:5432/db (optionally ?sslmode=verify-full|verify-ca|require|disable)',
  });
}

/** The URL with any password replaced, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') {
      u.password = 'redacted';
    }
    if (u.searchParams.has('password')) {
      u.searchParams.set('password', 'redacted');
    }
    return u.toString();
  } catch {
    return '(unparsable)';
  }
}

/**
 * The pool configuration for `options`, and where it points.
 * @throws SecretError WBGUARD_ERR_SECRET_PLAINTEXT when the URL carries a password
 * @throws StoreError WBGUARD_ERR_STORE_CONNECT when the URL cannot be used
 */
export function pgPoolConfig(options: PgConnectionOptions): { config: pg.PoolConfig; target: PgTarget } {
  let u: URL;
  try {
    u = new URL(options.url);
  } catch {
    throw badUrl(options.url, 'not a URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw badUrl(options.url, `not a postgres:// URL (${u.protocol})`);
  }
  if (u.password !== '' || u.searchParams.has('password')) {
    throw new SecretError('WBGUARD_ERR_SECRET_PLAINTEXT', 'a password in the store URL is a plain secret', {
      hint: 'remove it from the URL and set store.password: env:NAME or file:/path (chmod 600)',
    });
  }
  for (const key of u.searchParams.keys()) {
    if (key !== 'sslmode') {
      // An ignored parameter would be a silent surprise (libpq accepts dozens); refuse it by name.
      throw badUrl(options.url, `unsupported parameter ${key} (only sslmode)`);
    }
  }
  const host = decodeURIComponent(u.hostname);
  if (host === '') {
    throw badUrl(options.url, 'no host');
  }
  const user = decodeURIComponent(u.username);
  if (user === '') {
    throw badUrl(options.url, 'no user (postgres://user@host/db)');
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user;
  const port = u.port === '' ? 5432 : Number(u.port);
  const socket = host.startsWith('/');
  const requested = u.searchParams.get('sslmode');
  if (requested !== null && !(SSL_MODES as readonly string[]).includes(requested)) {
    throw badUrl(options.url, `sslmode must be one of ${SSL_MODES.join(', ')}`);
  }
  const mode: SslMode = (requested as SslMode | null) ?? (socket ? 'disable' : 'verify-full');
  if (mode !== 'disable' && socket) {
    throw badUrl(options.url, `sslmode=${mode} on a Unix socket (PostgreSQL offers no TLS there)`);
  }
  let ssl: false | ConnectionOptions = false;
  let tls: PgTarget['tls'] = 'off';
  if (mode !== 'disable') {
    if (options.insecure || mode === 'require') {
      ssl = { rejectUnauthorized: false };
      tls = 'unverified';
    } else {
      ssl = {
        rejectUnauthorized: true,
        ...(options.ca ? { ca: options.ca } : {}),
        // verify-ca: the chain is checked, the name is not (libpq's meaning).
        ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
      };
      tls = mode;
    }
  }
  const secret = options.password;
  return {
    target: { host, port, database, user, tls },
    config: {
      host,
      port,
      database,
      user,
      // A function, so the value is read at each connection and never sits in the pool's options.
      ...(secret ? { password: () => secret.reveal() } : {}),
      ssl,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      ...(options.lockTimeoutMs === undefined ? {} : { lock_timeout: options.lockTimeoutMs }),
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
      application_name: options.applicationName ?? 'wbguard',
      keepAlive: true,
      types: TYPES,
    },
  };
}

// SQLSTATE classes 08 (connection exception) and 28 (invalid authorization), 3D000 (no such database), and the
// socket and TLS failures Node reports by errno or by message.
const CONNECT_CODES =
  /^(08|28|3D000|57P03|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOENT|ERR_TLS|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|CERT_)/;
const CONNECT_TEXT = /timeout expired|terminated|does not support SSL|certificate|SASL|password|Connection terminated/i;

/** True when the error means "could not connect or log in" rather than "this statement failed". */
function isConnectError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e.code === 'string' && CONNECT_CODES.test(e.code)) ||
    (typeof e.message === 'string' && CONNECT_TEXT.test(e.message))
  );
}

/** Wraps a pg error with what was being done and where (never the password). */
export function storeError(err: unknown, what: string, target: PgTarget): StoreError {
  if (err instanceof StoreError || err instanceof SecretError) {
    return err as StoreError;
  }
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? `, sqlstate:${e.code}` : '';
  const where = `store:postgres, host:${target.host}, port:${target.port}, db:${target.database}, user:${target.user}`;
  if (isConnectError(err)) {
    return new StoreError(`cannot connect to the PostgreSQL store [${where}, tls:${target.tls}${code}]: ${e.message}`, {
      cause: err,
      code: 'WBGUARD_ERR_STORE_CONNECT',
      hint: 'check store.url, store.password (by reference), store.ca / sslmode, and that the server accepts this user',
    });
  }
  return new StoreError(`postgres store failed to ${what} [${where}${code}]: ${e.message}`, { cause: err });
}

/** A pool that logs (rather than crashes on) errors of idle connections, e.g. when the server restarts. */
export function createPgPool(options: PgConnectionOptions): { pool: pg.Pool; target: PgTarget } {
  const { config, target } = pgPoolConfig(options);
  const pool = new pg.Pool(config);
  pool.on('error', (err) => {
    options.log?.warn({ err: storeError(err, 'keep an idle connection', target) }, 'postgres idle connection lost');
  });
  return { pool, target };
}
