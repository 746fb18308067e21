/**
 * The modules wbguard starts worker threads on, found where they are started: `startModuleWorker(import.meta.url,
 * 'NAME')` runs the module NAME beside the caller (src/worker-thread.ts). Shared by scripts/bundle.ts, which makes
 * each one an entry point of the bundle, and the install test, which checks that each one ships.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface WorkerModule {
  /** Its folder, relative to src. */
  readonly dir: string;
  /** Its file name without the extension. */
  readonly name: string;
}

export function workerModules(src = 'src'): WorkerModule[] {
  const found: WorkerModule[] = [];
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) {
      continue;
    }
    const text = readFileSync(join(src, file), 'utf8');
    for (const m of text.matchAll(/startModuleWorker\(import\.meta\.url, '([\w-]+)'/g)) {
      found.push({ dir: dirname(file), name: m[1] as string });
    }
  }
  return found;
}
