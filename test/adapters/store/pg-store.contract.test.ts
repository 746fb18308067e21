/**
 * The AsyncStore contract against a real PostgreSQL (test/helpers/postgres.ts) on 127.0.0.1: one server for the
 * file, a fresh database per case, the password handed over as a secret (never in the URL).
 */
import { after, before } from 'node:test';
import { PgStore } from '../../../src/adapters/store/pg-store.js';
import { Secret } from '../../../src/app/config/secrets.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import { type Postgres, startPostgres } from '../../helpers/postgres.js';
import { runStoreContract } from './store-contract.js';

let server: Postgres | undefined;

before(async () => {
  server = await startPostgres();
});

after(async () => {
  await server?.stop();
});

runStoreContract({
  kind: 'postgres',
  async open() {
    if (!server) {
      throw new Error('the PostgreSQL server did not start (see the before hook)');
    }
    const pg = server;
    const database = await pg.createDatabase();
    const opened: AsyncStore[] = [];
    const openOne = async () => {
      const s = new PgStore({ url: pg.url(database), password: Secret.of(pg.password) });
      opened.push(s);
      await s.migrate();
      return s;
    };
    return {
      store: await openOne(),
      another: openOne,
      async dispose() {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  },
});
