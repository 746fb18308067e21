/**
 * A folder of its own for a test file that points TMPDIR at it (where analyze makes its temporary file of records):
 * removed after the file's tests, and TMPDIR put back as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export function scratchTmpdir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const saved = process.env.TMPDIR;
  after(() => {
    if (saved === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = saved;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
