/**
 * @module app/config/write-file
 * Writes a configuration file the way one should be: readable only by its owner (mode 0600, even when it replaces
 * a file that was more open), never over an existing file unless asked, and never half-written (a temporary file
 * renamed into place).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';

/** @throws UsageError when `path` exists and `force` is false */
export async function writePrivateFile(path: string, text: string, force: boolean): Promise<void> {
  if (!force) {
    try {
      // 'wx' fails when the file exists: no window between a check and the write.
      await writeFile(path, text, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UsageError(`${path} exists; not overwritten`, { hint: 'add --force to replace it' });
      }
      throw cannotWrite(path, err);
    }
  }
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'wx', mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw cannotWrite(path, err);
  }
}

function cannotWrite(path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new UsageError(`cannot write ${path} [${code}]`, {
    cause: err,
    hint: code === 'ENOENT' ? 'create its folder first' : 'check the folder and its permissions',
  });
}
