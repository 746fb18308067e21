/**
 * @module worker-thread
 * Starts a worker thread on a module that lies beside the caller, for the threads wbguard runs (analyze's scan
 * workers and its reader of standard input, the SQLite store's writer, the UDP syslog receiver). Compiled, the
 * module is plain `.js` (in dist/src, or in the installed bundle, where scripts/bundle.ts makes each such NAME an
 * entry point beside the chunks). Under tsx (development, tests) it is `.ts` and needs tsx's loader, which a worker
 * does not inherit: a tiny bootstrap registers it before importing the module.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker on `./NAME.js` (or `./NAME.ts` under tsx) beside the module at `callerUrl` (its `import.meta.url`). */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const compiled = !callerUrl.endsWith('.ts');
  const module = new URL(`./${name}.${compiled ? 'js' : 'ts'}`, callerUrl);
  if (compiled) {
    return new Worker(module, options);
  }
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
