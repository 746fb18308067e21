/**
 * @module app/analyze/scan-worker
 * Worker thread that reads log sources for the main thread: one thread per core, several sources each. Each source
 * is streamed batch by batch on demand (a credit per `next` message), so a source never runs ahead of the merge in
 * memory; one whose worker has nothing else to do reads on into a temporary file (read-on.ts).
 */
import { setImmediate as turn } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { type ReadOptions, type RecordBatch, readBatches } from '../../adapters/logfiles/read-batches.js';
import { batchSizingOf } from '../../adapters/logfiles/read-size.js';
import { SpareBufferList } from '../../adapters/logfiles/spare-buffers.js';
import { readOnChoice, SourceTurn } from './read-on.js';
import { readSegments, segmentBatches } from './segment-reading.js';
import type { FromWorker, ToWorker, WorkerReadOptions } from './worker-protocol.js';

const running = new Map<number, SourceTurn>();
/** Files being read in segments by this worker (segment-reading.ts): it is busy, none of its sources reads on. */
let segmentJobs = 0;
const port = parentPort;

/**
 * The buffers of this worker's batches, handed back by the main thread once merged, for its next batches: packed
 * into new memory each time, they were freed only when the main thread's collector came to them, and 892 MB of Stats
 * lines (~430 MB of batches) took analyze to 184–248 MB of RSS in some runs.
 */
const spares = new SpareBufferList();

/**
 * What this turn of the event loop has to say, posted in one message at the next turn. Each message costs both
 * threads a structured clone and a wake-up (~40 µs a batch in a worker's profile): with many small sources (1,000
 * rotated pieces, each read a batch at a time, one source after another in the same turn) one message per batch
 * took those pieces 1.97 s against 1.80 s now, 1,000 files of 8 MB 5.1 against 4.8 s (medians of 5 and 3
 * alternated runs); with few sources a message holds one batch, as before (2 GB: 1.38 s either way).
 */
const outbox: FromWorker[] = [];
const moved: ArrayBuffer[] = [];
let flushing = false;

function flush(): void {
  flushing = false;
  port?.postMessage(outbox.splice(0), moved.splice(0));
}

function post(message: FromWorker): void {
  // A batch's numbers are moved to the main thread, not copied.
  outbox.push(message);
  if (message.type === 'batch') {
    moved.push(message.batch.numbers.buffer as ArrayBuffer);
  }
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

/** The source that should read on now (read-on.ts), or undefined. */
function readOnTurn(): SourceTurn | undefined {
  return readOnChoice(running.values(), running.size, segmentJobs > 0);
}

/** Wakes the source whose turn it now is to read on, if it waits. */
function wakeReadOn(): void {
  const turnNow = readOnTurn();
  if (turnNow?.wake) {
    const wake = turnNow.wake;
    turnNow.wake = undefined;
    wake();
  }
}

async function run(id: number, read: () => AsyncGenerator<RecordBatch>): Promise<void> {
  const state = running.get(id) as SourceTurn;
  try {
    // Each source of this worker takes its turn, a batch at a time, and the other 'open' messages are read first.
    // Reading is synchronous: without these turns, one source read its whole read-ahead before the next was even
    // opened, and the merge, which starts only with every source's first batch, waited ~100 ms at the start while
    // the workers ran out of credit (measured: the last source opened 115 ms after the first).
    await turn();
    // Batches come packed (numbers, no record objects): posted, their numbers are moved, not copied. The credit is
    // waited for before the next batch is read, not after: a source let go after its first batch (read-batches.ts
    // releaseStreams) would otherwise be opened again at once to read its second. While waiting, a source may read
    // on into a temporary file when the worker has nothing else to do (read-on.ts).
    const batches = read();
    try {
      for (;;) {
        while (state.credit === 0 && !state.closed) {
          if (readOnTurn() === state) {
            await state.readOn(batches, spares);
            if (state.ended) {
              wakeReadOn();
            }
            await turn();
            continue;
          }
          await new Promise<void>((resolve) => {
            state.wake = resolve;
          });
        }
        const batch = state.closed ? undefined : await state.next(batches, spares);
        if (batch === undefined) {
          break;
        }
        state.credit--;
        post({ type: 'batch', id, batch });
        if (state.credit === 0) {
          wakeReadOn();
        }
        await turn();
      }
    } finally {
      state.close();
      await batches.return(undefined);
    }
    if (!state.closed) {
      post({ type: 'done', id });
    }
  } catch (err) {
    post({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    running.delete(id);
    wakeReadOn();
  }
}

/**
 * The read options of the sources opened so far, one object for each distinct value: every 'open' message carries
 * its own copy, and each source's reading kept it (the refusal patterns and levels: ~1 KB a source, with thousands
 * of files spanning the same time).
 */
const sharedOptions = new Map<string, ReadOptions>();

function optionsOnce(options: WorkerReadOptions): ReadOptions {
  const key = JSON.stringify(options);
  let shared = sharedOptions.get(key);
  if (!shared) {
    shared = { ...options, spares };
    sharedOptions.set(key, shared);
  }
  return shared;
}

port?.on('message', (message: ToWorker) => {
  if (message.type === 'open') {
    // Batches a source may read ahead of the merge: enough to ride out the main thread's pauses, few enough that
    // memory stays flat (worker-protocol.ts).
    // A compressed source let go after its first batch is opened again only when the merge asks (read-on.ts).
    const letGo = message.options.releaseStreams === true && message.source.kind === 'gzip';
    const options = optionsOnce(message.options);
    const state = new SourceTurn(message.readAhead, !letGo, batchSizingOf(options));
    running.set(message.id, state);
    void run(message.id, () => readBatches(message.source, options, state.sizing));
  } else if (message.type === 'segments') {
    segmentJobs++;
    void readSegments(message.job, message.worker, spares).finally(() => {
      segmentJobs--;
      wakeReadOn();
    });
  } else if (message.type === 'open-segment') {
    // Its batches are in a temporary file already: nothing to read on.
    running.set(message.id, new SourceTurn(message.readAhead, false));
    void run(message.id, () => segmentBatches(message.job, message.segment, spares));
  } else if (message.type === 'next' || message.type === 'close') {
    if (message.type === 'next') {
      for (const buffer of message.buffers) {
        spares.give(buffer);
      }
    }
    const state = running.get(message.id);
    if (state) {
      if (message.type === 'next') {
        state.credit += message.batches;
        // Credit before the merge reaches it leaves it to read on as one not reached (read-on.ts).
        state.asked ||= message.early !== true;
        if (message.sizing && state.sizing) {
          state.sizing.batchRecords = message.sizing.batchRecords;
          state.sizing.readRecords = message.sizing.readRecords;
        }
      } else {
        state.closed = true;
      }
      state.wake?.();
      state.wake = undefined;
    }
  }
});
