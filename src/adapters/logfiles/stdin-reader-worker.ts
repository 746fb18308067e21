/**
 * @module adapters/logfiles/stdin-reader-worker
 * Thread that drains standard input into chunks for the thread analysing it (stdin-reader.ts), so that the program
 * writing into the pipe is never held up by the analysis: a pipe holds 64 KiB, and read by the analysing thread
 * between scans the writer waited while each MiB was scanned, the two taking turns instead of running together.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readPipe } from './open-files.js';
import type { FromStdinReader, StdinReaderData, ToStdinReader } from './stdin-reader-protocol.js';

const port = parentPort;
let credit = 0;
let wake: (() => void) | undefined;

port?.on('message', (message: ToStdinReader) => {
  credit += message.chunks;
  wake?.();
  wake = undefined;
});

function post(message: FromStdinReader): void {
  port?.postMessage(message, message.type === 'chunk' ? [message.bytes] : []);
}

async function drain(chunkBytes: number): Promise<void> {
  for (;;) {
    while (credit === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    // Its own memory, moved to the other thread.
    const chunk = Buffer.allocUnsafeSlow(chunkBytes);
    const { bytes, end } = readPipe(0, chunk, chunkBytes);
    if (bytes > 0) {
      credit--;
      post({ type: 'chunk', bytes: chunk.buffer as ArrayBuffer, length: bytes });
    }
    if (end) {
      post({ type: 'end' });
      return;
    }
  }
}

drain((workerData as StdinReaderData).chunkBytes).catch((err: unknown) => {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
});
