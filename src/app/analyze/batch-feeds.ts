/**
 * @module app/analyze/batch-feeds
 * A source's batches, pulled one at a time: read in this thread (stdin, small inputs) or by a scan worker.
 * Worker feeds keep one batch in flight ahead of the merge, so workers read while the main thread analyses.
 */
import { Worker } from 'node:worker_threads';
import { type ReadOptions, type RecordBatch, readBatches } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface BatchFeed {
  readonly source: LogSource;
  /** The next batch, or undefined at the end. Rejects when the source cannot be read. */
  next(): Promise<RecordBatch | undefined>;
}

export function localFeed(source: LogSource, options: ReadOptions): BatchFeed {
  const gen = readBatches(source, options);
  return {
    source,
    async next() {
      const r = await gen.next();
      return r.done ? undefined : r.value;
    },
  };
}

/**
 * Starts a scan worker. Compiled, it is plain .js. Under tsx (development, tests) the worker is .ts and needs tsx's
 * loader, which a worker does not inherit: a tiny bootstrap registers it before importing the worker module.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./scan-worker.js', import.meta.url));
  }
  const target = JSON.stringify(new URL('./scan-worker.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${target}); });`;
  return new Worker(bootstrap, { eval: true });
}

type Settled = { kind: 'batch'; batch: RecordBatch } | { kind: 'done' } | { kind: 'error'; message: string };

/** A pool of scan workers; sources are spread over them round-robin. */
export class ScanPool {
  readonly #workers: Worker[] = [];
  readonly #queues = new Map<number, { items: Settled[]; waiter: ((s: Settled) => void) | undefined }>();
  #nextId = 0;
  #turn = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (m: FromWorker) => this.#deliver(m));
      w.on('error', (err) => {
        for (const id of this.#queues.keys()) {
          this.#deliver({ type: 'error', id, message: `scan worker failed: ${err.message}` });
        }
      });
      this.#workers.push(w);
    }
  }

  #deliver(m: FromWorker): void {
    const q = this.#queues.get(m.id);
    if (!q) {
      return;
    }
    const settled: Settled =
      m.type === 'batch'
        ? { kind: 'batch', batch: m.batch }
        : m.type === 'done'
          ? { kind: 'done' }
          : { kind: 'error', message: m.message };
    if (q.waiter) {
      const w = q.waiter;
      q.waiter = undefined;
      w(settled);
    } else {
      q.items.push(settled);
    }
  }

  open(source: LogSource, options: Omit<ReadOptions, 'stdin'>): BatchFeed {
    const id = this.#nextId++;
    const worker = this.#workers[this.#turn++ % this.#workers.length] as Worker;
    const queue = { items: [] as Settled[], waiter: undefined as ((s: Settled) => void) | undefined };
    this.#queues.set(id, queue);
    worker.postMessage({ type: 'open', id, source, options } satisfies ToWorker);
    let finished = false;
    return {
      source,
      next: async () => {
        if (finished) {
          return undefined;
        }
        const settled = queue.items.shift() ?? (await new Promise<Settled>((resolve) => (queue.waiter = resolve)));
        if (settled.kind === 'batch') {
          // Ask for the following batch now, so the worker reads it while this one is merged.
          worker.postMessage({ type: 'next', id } satisfies ToWorker);
          return settled.batch;
        }
        finished = true;
        this.#queues.delete(id);
        if (settled.kind === 'error') {
          throw new Error(settled.message);
        }
        return undefined;
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
