/**
 * @module app/daemon/open-store
 * The store `store:` names, opened and migrated: SQLite (the state folder's wbguard.db, or a path) or PostgreSQL
 * (password by reference, TLS verified unless configured otherwise). Both behind the one async store port; SQLite
 * works in a worker thread, so its inserts overlap the main thread's parsing.
 */
import { readFileSync } from 'node:fs';
import { PgStore } from '../../adapters/store/pg-store.js';
import { SqliteWorkerStore } from '../../adapters/store/sqlite-worker-store.js';
import type { AsyncStore } from '../../ports/async-store.js';
import type { Logger } from '../../ports/logger.js';
import { storeSettings, type WbguardConfig } from '../config/index.js';

export async function openDaemonStore(config: WbguardConfig, log?: Logger): Promise<AsyncStore> {
  const s = storeSettings(config);
  const store =
    s.kind === 'sqlite'
      ? new SqliteWorkerStore(s.path)
      : new PgStore({
          url: s.url,
          password: s.password,
          ca: s.ca ? readFileSync(s.ca, 'utf8') : undefined,
          insecure: s.insecure,
          ...(log ? { log } : {}),
        });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
