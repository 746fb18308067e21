/**
 * The contract's fixture for a SQLite store, whichever class opens the file: a fresh database file per case in a
 * temporary folder, every store opened on it closed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsyncStore } from '../../../src/ports/async-store.js';

export function sqliteFixture(open: (path: string) => AsyncStore, tempPrefix: string) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), tempPrefix));
    const path = join(dir, 'wbguard.db');
    const opened: AsyncStore[] = [];
    const openOne = async () => {
      const s = open(path);
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
  };
}
