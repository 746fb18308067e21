/**
 * @module adapters/store/sqlite-store-worker
 * The worker thread behind SqliteWorkerStore: opens the synchronous SqliteStore (migrating the file) and answers one
 * call at a time, in the order they came, so a commit the main thread is told about is on disk (WAL) before the
 * answer leaves. `close` closes the database, answers, and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from './sqlite-store.js';
import {
  type FromStoreWorker,
  type PackedRecords,
  type StoreCall,
  serializeError,
  unpackRecords,
} from './sqlite-worker-protocol.js';

const port = parentPort;
const { path } = workerData as { path: string };

function post(message: FromStoreWorker): void {
  port?.postMessage(message);
}

function run(store: SqliteStore, call: StoreCall): unknown {
  const a = call.args;
  switch (call.op) {
    case 'migrate':
      return store.migrate();
    case 'schemaVersion':
      return store.schemaVersion();
    case 'appendRecords':
      return store.appendNewRecords(unpackRecords(a[0] as PackedRecords));
    case 'recordPage':
      return store.recordPage(a[0] as number, a[1] as number);
    case 'recordsSince':
      return store.recordsSince(a[0] as number);
    case 'minuteSeries':
      return store.minuteSeries(
        a[0] as string[],
        a[1] as Parameters<SqliteStore['minuteSeries']>[1],
        a[2] as number,
        a[3] as number,
        a[4] as number,
      );
    case 'countRecords':
      return store.countRecords();
    case 'appendEvent':
      return store.appendEvent(a[0] as string, a[1], ...(a[2] === undefined ? [] : [a[2] as string]));
    case 'events':
      return store.events(...(a[0] === undefined ? [] : [a[0] as number]));
    case 'prune':
      return store.prune(a[0] as number);
    case 'pruneMinutes':
      return store.pruneMinutes(a[0] as number);
    case 'close':
      store.close();
      return undefined;
  }
}

let store: SqliteStore | undefined;
try {
  store = new SqliteStore(path);
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
  port?.close();
}

if (store) {
  const opened = store;
  port?.on('message', (call: StoreCall) => {
    try {
      post({ type: 'result', id: call.id, value: run(opened, call) });
    } catch (err) {
      post({ type: 'error', id: call.id, error: serializeError(err) });
    }
    if (call.op === 'close') {
      port?.close();
    }
  });
}
