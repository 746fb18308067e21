/**
 * @module app/analyze/batch-feeds
 * A source's batches, pulled one at a time: read in this thread (stdin, a single file, this thread's share) or by a
 * scan worker, whose batches come packed (packed-batch.ts).
 * Worker feeds keep one batch in flight ahead of the merge, so workers read while the main thread analyses.
 */
import { Worker } from 'node:worker_threads';
import { type ReadOptions, type RecordBatch, readBatches } from '../../adapters/logfiles/read-batches.js';
import type { LogSource } from '../../adapters/logfiles/sources.js';
import type { PackedBatch } from './packed-batch.js';
import { CREDIT_STEP, type FromWorker, type ToWorker } from './worker-protocol.js';

export interface BatchFeed {
  readonly source: LogSource;
  /** The next batch (packed when it comes from a worker), or undefined at the end. Rejects when unreadable. */
  next(): Promise<PackedBatch | RecordBatch | undefined>;
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

type Settled = { kind: 'batch'; batch: PackedBatch } | { kind: 'done' } | { kind: 'error'; message: string };

/** A pool of scan workers, each started when it is given its first source. */
export class ScanPool {
  readonly #workers: Array<Worker | undefined>;
  readonly #queues = new Map<number, { items: Settled[]; waiter: ((s: Settled) => void) | undefined }>();
  #nextId = 0;

  constructor(size: number) {
    this.#workers = new Array<Worker | undefined>(size).fill(undefined);
  }

  #worker(index: number): Worker {
    let w = this.#workers[index];
    if (!w) {
      w = startWorker();
      w.on('message', (m: FromWorker) => this.#deliver(m));
      w.on('error', (err) => {
        for (const id of this.#queues.keys()) {
          this.#deliver({ type: 'error', id, message: `scan worker failed: ${err.message}` });
        }
      });
      this.#workers[index] = w;
    }
    return w;
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

  /** Reads `source` in worker `index` (0 ≤ index < size). */
  open(source: LogSource, options: Omit<ReadOptions, 'stdin'>, index: number): BatchFeed {
    const id = this.#nextId++;
    const worker = this.#worker(index % this.#workers.length);
    const queue = { items: [] as Settled[], waiter: undefined as ((s: Settled) => void) | undefined };
    this.#queues.set(id, queue);
    worker.postMessage({ type: 'open', id, source, options } satisfies ToWorker);
    let finished = false;
    let taken = 0;
    return {
      source,
      next: async () => {
        if (finished) {
          return undefined;
        }
        const settled = queue.items.shift() ?? (await new Promise<Settled>((resolve) => (queue.waiter = resolve)));
        if (settled.kind === 'batch') {
          // Hand the credit back now, so the worker reads on while this one is merged.
          if (++taken === CREDIT_STEP) {
            taken = 0;
            worker.postMessage({ type: 'next', id, batches: CREDIT_STEP } satisfies ToWorker);
          }
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
    await Promise.all(this.#workers.map((w) => w?.terminate()));
  }
}
