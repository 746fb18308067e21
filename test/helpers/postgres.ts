/**
 * A real PostgreSQL server for a test: Debian's binaries (/usr/lib/postgresql/<version>/bin), a cluster made by
 * initdb in a fresh temporary folder, listening on 127.0.0.1 on a free port (and a Unix socket in that folder),
 * password authentication (SCRAM) for everyone, stopped and deleted by `stop()`. initdb and postgres refuse to run
 * as root, so under root they run as the `postgres` user. No PostgreSQL installed is an error, never a skip.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface Postgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The temporary folder holding the cluster (data/), its socket and its log. */
  readonly dir: string;
  readonly user: 'postgres';
  /** The superuser's password, made up for this server. */
  readonly password: string;
  /** The server's log so far (for failure messages). */
  log(): string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>?sslmode=…` — never with the password. */
  url(database: string, sslmode?: 'disable' | 'require' | 'verify-ca' | 'verify-full'): string;
  /** Creates an empty database with a fresh name and returns the name. */
  createDatabase(): Promise<string>;
  /** Runs one statement as the superuser in `database` (test set-up and inspection). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    database: string,
    sql: string,
    values?: unknown[],
  ): Promise<R[]>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Serve TLS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /**
   * Server settings that override the test defaults (given last, so they win): the benchmark turns fsync back on
   * and gives the server production-like memory.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

const READY = /database system is ready to accept connections/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The newest installed PostgreSQL's bin folder. @throws when none is installed */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql; .ci/run does)',
    );
  }
  return join(root, newest, 'bin');
}

/** Under root: the uid and gid of `postgres`, which initdb and postgres run as. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root, and initdb refuses root: no user postgres to run it as (Debian creates one)');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

// A clean environment: PG* variables of the caller must not steer the test server or its tools.
const ENV = { PATH: '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };

let databases = 0;

export async function startPostgres(options: StartPostgresOptions = {}): Promise<Postgres> {
  const bin = postgresBinDir();
  const owner = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const own = (path: string) => {
    if (owner) {
      chownSync(path, owner.uid, owner.gid);
    }
  };
  own(dir);
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  own(pwfile);
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '-N'],
      { env: ENV, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, ...(owner ?? {}) },
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(err as Error).message}\n${stderr}`);
  }
  rmSync(pwfile);
  const tlsArgs: string[] = [];
  if (options.tls) {
    const cert = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    writeFileSync(cert, options.tls.cert, { mode: 0o644 });
    writeFileSync(key, options.tls.key, { mode: 0o600 });
    own(cert);
    own(key);
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`);
  }
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = [
      '-D',
      data,
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-p',
      String(port),
      // A test server: no fsync (nothing here must survive a power cut), small memory, quiet.
      '-c',
      'fsync=off',
      '-c',
      'shared_buffers=16MB',
      '-c',
      'max_connections=60',
      '-c',
      'logging_collector=off',
      ...tlsArgs,
      ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ];
    const child: ChildProcess = spawn(join(bin, 'postgres'), args, {
      env: ENV,
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(owner ?? {}),
    });
    let log = '';
    let exited = false;
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const exit = new Promise<void>((resolve) => {
      child.once('exit', () => {
        exited = true;
        resolve();
      });
    });
    // A test that dies before stop() must not leave a server behind.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!exited && !READY.test(log) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    if (READY.test(log) && !exited) {
      return server(dir, port, password, child, exit, () => log, reap);
    }
    child.kill('SIGKILL');
    await exit;
    process.removeListener('exit', reap);
    lastLog = log;
    if (!/could not bind|already in use/i.test(log)) {
      break;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`postgres did not start within ${START_TIMEOUT_MS} ms:\n${lastLog}`);
}

function server(
  dir: string,
  port: number,
  password: string,
  child: ChildProcess,
  exit: Promise<void>,
  log: () => string,
  reap: () => void,
): Postgres {
  let stopped = false;
  const query = async <R extends pg.QueryResultRow>(database: string, sql: string, values?: unknown[]) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, ssl: false });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    host: '127.0.0.1',
    port,
    dir,
    user: 'postgres',
    password,
    log,
    url: (database, sslmode = 'disable') => `postgres://postgres@127.0.0.1:${port}/${database}?sslmode=${sslmode}`,
    query,
    async createDatabase() {
      databases += 1;
      const name = `wbguard_${process.pid}_${databases}`;
      await query('postgres', `CREATE DATABASE ${name}`);
      return name;
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, the server exits cleanly.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
      process.removeListener('exit', reap);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
