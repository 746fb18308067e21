/** The AsyncStore contract against SQLite in a worker thread (the daemon's store): a fresh database file per case in a temporary folder. */
import { SqliteWorkerStore } from '../../../src/adapters/store/sqlite-worker-store.js';
import { sqliteFixture } from './sqlite-fixture.js';
import { runStoreContract } from './store-contract.js';

runStoreContract({
  kind: 'sqlite',
  open: sqliteFixture((path) => new SqliteWorkerStore(path), 'wbguard-sqlite-worker-contract-'),
});
