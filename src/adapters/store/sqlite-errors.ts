/**
 * @module adapters/store/sqlite-errors
 * better-sqlite3 throws `SqliteError` with SQLite's own code (`SQLITE_FULL`, `SQLITE_BUSY`, …) and a message that
 * names neither the file nor what was being done. This turns it into a coded StoreError that names both, with the
 * fix an operator needs: a full disk and a lock held by another process are the two that happen in the field.
 */
import { StoreError, type StoreErrorCode, WbguardError } from '../../errors.js';

/** SQLite result codes (primary and extended) that mean "cannot write to the disk". */
const FULL = /^SQLITE_(FULL|IOERR)/;
/** SQLite result codes that mean "another connection holds the lock" (after busy_timeout). */
const LOCKED = /^SQLITE_(BUSY|LOCKED)/;

export function sqliteStoreError(err: unknown, path: string, what: string): WbguardError {
  if (err instanceof WbguardError) {
    return err;
  }
  const e = err as { code?: unknown; message?: string };
  const sqliteCode = typeof e.code === 'string' ? e.code : 'unknown';
  let code: StoreErrorCode = 'WBGUARD_ERR_STORE';
  let hint: string | undefined;
  if (FULL.test(sqliteCode)) {
    code = 'WBGUARD_ERR_STORE_FULL';
    hint = `free space on the file system that holds ${path} (df -h); records are kept in memory meanwhile`;
  } else if (LOCKED.test(sqliteCode)) {
    code = 'WBGUARD_ERR_STORE_LOCKED';
    hint = `another process holds a lock on ${path} (a second wbguard on the same state folder?): find it with fuser ${path}`;
  }
  // An error of the file system (mkdir EEXIST, EACCES) is named as such, not as SQLite's.
  const origin = /^SQLITE_/.test(sqliteCode) ? `sqlite:${sqliteCode}` : `code:${sqliteCode}`;
  return new StoreError(`${what} failed [path:${path}, ${origin}]: ${e.message ?? String(err)}`, {
    code,
    cause: err,
    ...(hint ? { hint } : {}),
  });
}
