/** The AsyncStore contract against SQLite in a worker thread (the daemon's store): a fresh database file per case in a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteWorkerStore } from '../../../src/adapters/store/sqlite-worker-store.js';
import type { AsyncStore } from '../../../src/ports/async-store.js';
import { runStoreContract } from './store-contract.js';

runStoreContract({
  kind: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'wbguard-sqlite-worker-contract-'));
    const path = join(dir, 'wbguard.db');
    const opened: AsyncStore[] = [];
    const openOne = async () => {
      const s = new SqliteWorkerStore(path);
      opened.push(s);
      await s.migrate();
      return s;
    };
    return {
      store: await openOne(),
      another: openOne,
      async dispose() {
        await Promise.all(opened.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
