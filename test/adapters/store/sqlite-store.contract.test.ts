/** The AsyncStore contract against SQLite: a fresh database file per case in a temporary folder. */
import { SqliteAsyncStore } from '../../../src/adapters/store/sqlite-async-store.js';
import { sqliteFixture } from './sqlite-fixture.js';
import { runStoreContract } from './store-contract.js';

runStoreContract({
  kind: 'sqlite',
  open: sqliteFixture((path) => new SqliteAsyncStore(path), 'wbguard-sqlite-contract-'),
});
