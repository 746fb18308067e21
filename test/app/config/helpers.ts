/** Shared by the configuration tests: a temporary folder removed after the test, and error capture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CaughtError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly issues?: readonly string[];
  readonly hint?: string;
}

export function errorOf(f: () => unknown): CaughtError {
  try {
    f();
  } catch (err) {
    return err as CaughtError;
  }
  throw new Error('expected an error');
}

export async function rejectionOf(p: Promise<unknown>): Promise<CaughtError> {
  try {
    await p;
  } catch (err) {
    return err as CaughtError;
  }
  throw new Error('expected a rejection');
}

/** Everything an error could show: message, issues, hint, JSON and the stack. */
export function everythingShown(e: CaughtError): string {
  return [e.message, ...(e.issues ?? []), e.hint ?? '', JSON.stringify(e), (e as Error).stack ?? ''].join('\n');
}

/** A fingerprint of the right shape. */
export const FP = `SHA256:${'A'.repeat(42)}x`;
