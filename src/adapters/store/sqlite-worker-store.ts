/**
 * @module adapters/store/sqlite-worker-store
 * The embedded SQLite store with its writes and reads in a worker thread (sqlite-store-worker.ts), so the daemon's
 * main thread parses and analyses while the worker inserts: on two cores the two overlap instead of taking turns
 * (docs/benchmarks.md, syslog ingest). Same file, schema and dedup as SqliteStore; each call resolves once the worker
 * has answered it, so `appendRecords` resolves only after the commit, as with the in-thread store.
 *
 * If the worker dies, the calls waiting on it reject with StoreError (the daemon keeps such a batch and retries it)
 * and the next call starts a new worker on the same file.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import type { CmsRecord } from '../../core/model.js';
import { InvalidStateError, StoreError, type StoreErrorCode } from '../../errors.js';
import type { AsyncStore, MinuteKind, MinuteSeries, StoredEvent } from '../../ports/async-store.js';
import { startModuleWorker } from '../../worker-thread.js';
import { eachInPages } from './record-rows.js';
import { sqliteStoreError } from './sqlite-errors.js';
import { SqliteRecordReader } from './sqlite-store.js';
import {
  type FromStoreWorker,
  packRecords,
  type SerializedError,
  type StoreCall,
  type StoreOp,
} from './sqlite-worker-protocol.js';

/** The running worker, for tests that need to make it die. */
export const kWorker: unique symbol = Symbol('sqlite store worker');

/**
 * The worker's young generation, in MB. V8's default let its heap grow to 42–55 MB during a burst of 300k TCP
 * messages (mostly garbage: each batch's records are dead once committed); at 2 MB it stays at 16–18 MB, the
 * daemon's peak RSS 15–25 MB lower, at the same commit rate (3 bursts each, interleaved).
 */
const WORKER_YOUNG_GENERATION_MB = 2;

/** Starts the store's writer thread (src/worker-thread.ts: compiled or under tsx). */
function startWorker(path: string): Worker {
  return startModuleWorker(import.meta.url, 'sqlite-store-worker', {
    workerData: { path },
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

function rebuild(e: SerializedError, path: string, what = 'use the store'): Error {
  switch (e.name) {
    case 'StoreError':
      return new StoreError(e.message, {
        ...(e.code ? { code: e.code as StoreErrorCode } : {}),
        ...(e.hint ? { hint: e.hint } : {}),
      });
    case 'InvalidStateError':
      return new InvalidStateError(e.message);
    case 'RangeError':
      return new RangeError(e.message);
    case 'TypeError':
      return new TypeError(e.message);
    default:
      // better-sqlite3's SqliteError: coded as in the thread (a full disk and a lock held elsewhere have their own
      // code and fix, sqlite-errors.ts); anything else: the message and its code, as a store error.
      return /^SQLITE_/.test(e.code ?? '')
        ? sqliteStoreError({ code: e.code, message: e.message }, path, what)
        : new StoreError(`${e.message} [store:sqlite, path:${path}${e.code ? `, code:${e.code}` : ''}]`);
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  /** What the call does, for the error's message (`append records`). */
  readonly what: string;
}

interface Running {
  readonly worker: Worker;
  /** Settles when the worker has opened (and migrated) the file. */
  readonly ready: Promise<void>;
}

export class SqliteWorkerStore implements AsyncStore {
  readonly kind = 'sqlite' as const;
  readonly #path: string;
  readonly #pending = new Map<number, Pending>();
  #running: Running | undefined;
  #nextId = 1;
  #closed = false;

  /** Starts the worker, which opens (creating if needed) and migrates the file; an error there rejects the calls. */
  constructor(path: string) {
    this.#path = path;
    this.#start();
  }

  get path(): string {
    return this.#path;
  }

  [kWorker](): Worker | undefined {
    return this.#running?.worker;
  }

  #start(): Running {
    const worker = startWorker(this.#path);
    let opened: () => void = () => undefined;
    let failed: (err: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    // Awaited by every call; this only keeps a failure nobody asked about yet from being "unhandled".
    ready.catch(() => undefined);
    const running: Running = { worker, ready };
    const gone = (err: Error) => {
      failed(err);
      if (this.#running === running) {
        this.#running = undefined;
      }
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('message', (m: FromStoreWorker) => {
      if (m.type === 'ready') {
        opened();
      } else if (m.type === 'failed') {
        gone(rebuild(m.error, this.#path));
      } else {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.type === 'result') {
          p?.resolve(m.value);
        } else {
          p?.reject(rebuild(m.error, this.#path, p.what));
        }
      }
    });
    worker.on('error', (err) => gone(new StoreError(`the store worker failed [path:${this.#path}]: ${err.message}`)));
    worker.on('exit', (code) => gone(new StoreError(`the store worker stopped [path:${this.#path}, code:${code}]`)));
    this.#running = running;
    return running;
  }

  async #call<T>(what: string, op: StoreOp, args: readonly unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) {
      throw new InvalidStateError(`store closed, cannot ${what} [store:sqlite, path:${this.#path}]`);
    }
    return this.#send(this.#running ?? this.#start(), op, args, transfer, what);
  }

  async #send<T>(
    running: Running,
    op: StoreOp,
    args: readonly unknown[],
    transfer: ArrayBuffer[] = [],
    what = op as string,
  ): Promise<T> {
    await running.ready;
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, what });
      running.worker.postMessage({ id, op, args } satisfies StoreCall, transfer);
    });
  }

  migrate(): Promise<number> {
    return this.#call('migrate', 'migrate', []);
  }

  schemaVersion(): Promise<number> {
    return this.#call('read the schema version', 'schemaVersion', []);
  }

  appendRecords(records: readonly CmsRecord[]): Promise<number> {
    if (records.length === 0) {
      return this.#closed ? this.#call('append records', 'appendRecords', []) : Promise.resolve(0);
    }
    const packed = packRecords(records);
    return this.#call('append records', 'appendRecords', [packed], [packed.numbers.buffer]);
  }

  recordsSince(at: number): Promise<CmsRecord[]> {
    return this.#call('read records', 'recordsSince', [at]);
  }

  /**
   * In keyset pages (bounded memory) through a read-only connection of this thread, yielding to the event loop
   * between pages, as SqliteAsyncStore does: pages handed over from the worker cost more memory and time than they
   * saved (docs/benchmarks.md). Records the worker commits meanwhile may be missed, as the port allows.
   */
  async eachRecordSince(at: number, fn: (r: CmsRecord) => void): Promise<number> {
    // Through the worker first: the file is open and migrated (or the error is the worker's), the store not closed.
    await this.#call('read records', 'schemaVersion', []);
    const reader = new SqliteRecordReader(this.#path);
    try {
      return await eachInPages(
        at,
        async (after) => {
          if (this.#closed) {
            throw new InvalidStateError(`store closed, cannot read records [store:sqlite, path:${this.#path}]`);
          }
          return reader.recordPage(after.at, after.id);
        },
        fn,
        yieldToLoop,
      );
    } finally {
      reader.close();
    }
  }

  minuteSeries(
    hosts: readonly string[],
    kind: MinuteKind,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<MinuteSeries[]> {
    return this.#call('read the minute series', 'minuteSeries', [hosts, kind, from, to, bucketMs]);
  }

  countRecords(): Promise<number> {
    return this.#call('count records', 'countRecords', []);
  }

  appendEvent(kind: string, data: unknown, at?: string): Promise<number> {
    // Through JSON here, as the store would store it: what cannot be cloned to the worker can still be written.
    return this.#call('append an event', 'appendEvent', [kind, JSON.parse(JSON.stringify(data) ?? 'null'), at]);
  }

  events(limit?: number): Promise<StoredEvent[]> {
    return this.#call('read events', 'events', [limit]);
  }

  prune(before: number): Promise<number> {
    return this.#call('prune records', 'prune', [before]);
  }

  pruneMinutes(before: number): Promise<number> {
    return this.#call('prune the minute series', 'pruneMinutes', [before]);
  }

  /** Calls already made are answered first (the worker takes them in order); then the file is closed. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const running = this.#running;
    if (!running) {
      return;
    }
    const exited = new Promise<void>((r) => running.worker.once('exit', () => r()));
    try {
      await this.#send(running, 'close', []);
    } catch {
      // Not open (it failed) or already gone: nothing to close.
    }
    // The database is closed; the thread ends by itself, or now.
    await Promise.race([exited, running.worker.terminate().then(() => undefined)]);
  }
}
