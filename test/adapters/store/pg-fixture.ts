/** A real PostgreSQL with one fresh, migrated database: the set-up of the leadership tests. */
import { PgStore } from '../../../src/adapters/store/pg-store.js';
import { Secret } from '../../../src/app/config/secrets.js';
import { type Postgres, startPostgres } from '../../helpers/postgres.js';

export async function startMigratedPostgres(): Promise<{ server: Postgres; database: string }> {
  const server = await startPostgres();
  try {
    const database = await server.createDatabase();
    const store = new PgStore({ url: server.url(database), password: Secret.of(server.password) });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    return { server, database };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
