/**
 * The PostgreSQL store over TLS, against a real PostgreSQL serving a self-signed certificate for 127.0.0.1: trusted
 * through `ca` it connects (and the server sees TLS), untrusted it is refused by code, `insecure` connects without
 * verifying.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PG_SCHEMA_VERSION } from '../../../src/adapters/store/pg-migrations.js';
import { PgStore } from '../../../src/adapters/store/pg-store.js';
import { Secret } from '../../../src/app/config/secrets.js';
import { loadOrCreateCert } from '../../../src/sim/api/tls-cert.js';
import { type Postgres, startPostgres } from '../../helpers/postgres.js';

let server: Postgres;
let ca: string;
const certDir = mkdtempSync(join(tmpdir(), 'wbguard-pg-tls-'));

before(async () => {
  const cert = await loadOrCreateCert(certDir);
  ca = cert.cert;
  server = await startPostgres({ tls: { cert: cert.cert, key: cert.key } });
});

after(async () => {
  await server?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

async function sslOf(application: string): Promise<boolean[]> {
  const rows = await server.query<{ ssl: boolean }>(
    'postgres',
    'SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = $1',
    [application],
  );
  return rows.map((r) => r.ssl);
}

test('verify-full with the server CA given: connects over TLS', async () => {
  const store = new PgStore({
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    password: Secret.of(server.password),
    ca,
    applicationName: 'wbguard-tls-verified',
    maxConnections: 1,
  });
  try {
    assert.equal(await store.migrate(), PG_SCHEMA_VERSION);
    assert.equal(store.target.tls, 'verify-full');
    assert.deepEqual(await sslOf('wbguard-tls-verified'), [true]);
  } finally {
    await store.close();
  }
});

test('verify-full without the CA: the self-signed certificate is refused (WBGUARD_ERR_STORE_CONNECT)', async () => {
  const store = new PgStore({
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    password: Secret.of(server.password),
  });
  try {
    await assert.rejects(store.schemaVersion(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'WBGUARD_ERR_STORE_CONNECT');
      assert.match(err.message, /certificate/i);
      return true;
    });
  } finally {
    await store.close();
  }
});

test('insecure: TLS without verification connects, and still encrypts', async () => {
  const store = new PgStore({
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    password: Secret.of(server.password),
    insecure: true,
    applicationName: 'wbguard-tls-insecure',
    maxConnections: 1,
  });
  try {
    assert.equal(await store.migrate(), PG_SCHEMA_VERSION);
    assert.equal(store.target.tls, 'unverified');
    assert.deepEqual(await sslOf('wbguard-tls-insecure'), [true]);
  } finally {
    await store.close();
  }
});
