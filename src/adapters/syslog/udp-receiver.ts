/**
 * @module adapters/syslog/udp-receiver
 * The handle of the UDP socket's own thread (udp-receiver-worker.ts): starts it, hands each batch of datagrams to
 * `onBatch` and acknowledges it once handled, rebuilds a bind error as the thread saw it, and stops the thread.
 *
 * If the thread dies (a bug, or out of memory), the socket dies with it: a new thread binds the same port a second
 * later, and again every second until one does or the receiver is closed. Meanwhile the senders' datagrams are
 * refused by the kernel, and the last few milliseconds the dead thread had not posted are lost with it.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../worker-thread.js';
import type { FromUdpReceiver, UdpBatch, UdpReceiverSetup } from './udp-receiver-protocol.js';

export type { UdpBatch } from './udp-receiver-protocol.js';

const RESTART_DELAY_MS = 1000;

/** The running thread, for tests that need to make it die. */
export const kThread: unique symbol = Symbol('udp receiving thread');

export interface UdpReceiver {
  readonly port: number;
  /** The address the socket is bound to (`0.0.0.0`, `::`, `127.0.0.1`, …), as the socket says. */
  readonly address: string;
  /** The first socket's receive buffer as the kernel reports it (SO_RCVBUF: Linux reports twice what it grants). */
  readonly receiveBufferBytes: number;
  /** Handles what the thread had received, frees the port and stops the thread. */
  close(): Promise<void>;
  readonly [kThread]: () => Worker;
}

/**
 * The receiving thread's old generation is capped: what lives there is a batch being filled and its sender names
 * (the datagrams' bytes are buffers, outside the heap), a few MB at most; a thread that somehow kept more would
 * otherwise grow the daemon without bound. Past the cap it dies and is replaced (below), and the daemon logs both.
 * The young generation is left as is: at 100k datagrams/s a smaller one means more frequent pauses of this thread.
 */
const RECEIVER_LIMITS = { maxOldGenerationSizeMb: 64 };

/** Starts the receiving thread (src/worker-thread.ts: compiled or under tsx). */
function startReceiverThread(setup: UdpReceiverSetup): Worker {
  return startModuleWorker(import.meta.url, 'udp-receiver-worker', {
    workerData: setup,
    resourceLimits: RECEIVER_LIMITS,
  });
}

/**
 * One thread, bound: resolves once it listens, rejects with its bind error (or its death before it listened).
 * `onExit` is called when a thread that listened has exited, whatever the reason.
 */
function bindThread(
  setup: UdpReceiverSetup,
  onBatch: (batch: UdpBatch) => void,
  onExit: () => void,
): Promise<{ thread: Worker; port: number; address: string; receiveBufferBytes: number }> {
  const thread = startReceiverThread(setup);
  let listening = false;
  return new Promise((resolve, reject) => {
    thread.on('error', (err) => {
      if (!listening) {
        reject(err);
      }
    });
    thread.on('exit', () => {
      if (listening) {
        onExit();
      } else {
        reject(new Error('the UDP receiving thread stopped before it was listening'));
      }
    });
    thread.on('message', (m: FromUdpReceiver) => {
      switch (m.kind) {
        case 'batch':
          onBatch(m);
          if (m.bytes > 0) {
            thread.postMessage({ kind: 'ack', bytes: m.bytes });
          }
          return;
        case 'listening':
          listening = true;
          resolve({ thread, port: m.port, address: m.address, receiveBufferBytes: m.receiveBufferBytes });
          return;
        case 'bind-error': {
          const { kind: _, name, message, ...fields } = m;
          const err = Object.assign(new Error(message), fields);
          err.name = name;
          void thread.terminate();
          reject(err);
          return;
        }
        case 'closed':
          void thread.terminate();
          return;
      }
    });
  });
}

/**
 * What happened to the receiving thread: it died (a bug, out of memory; datagrams are not read until it is back),
 * or a new one listens again on the same port.
 */
export type UdpThreadEvent = 'exited' | 'restarted';

/** Starts the thread and binds; rejects with the bind error (EADDRINUSE with its address and port, as dgram's). */
export async function startUdpReceiver(
  setup: UdpReceiverSetup,
  onBatch: (batch: UdpBatch) => void,
  onThread: (event: UdpThreadEvent) => void = () => undefined,
): Promise<UdpReceiver> {
  let closing: Promise<void> | undefined;
  let closed: () => void = () => undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  const onExit = () => {
    if (closing) {
      closed();
      return;
    }
    onThread('exited');
    restartTimer = setTimeout(restart, RESTART_DELAY_MS);
  };
  const first = await bindThread(setup, onBatch, onExit);
  let thread = first.thread;
  const port = first.port;
  const restart = () => {
    restartTimer = undefined;
    bindThread({ ...setup, port }, onBatch, onExit).then(
      (t) => {
        thread = t.thread;
        if (closing) {
          thread.postMessage({ kind: 'close' });
        } else {
          onThread('restarted');
        }
      },
      () => {
        if (closing) {
          closed();
        } else {
          restartTimer = setTimeout(restart, RESTART_DELAY_MS);
        }
      },
    );
  };
  return {
    port,
    address: first.address,
    receiveBufferBytes: first.receiveBufferBytes,
    [kThread]: () => thread,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        closed = resolve;
        if (restartTimer) {
          // Dead and waiting to start again: nothing to stop.
          clearTimeout(restartTimer);
          resolve();
        } else {
          thread.postMessage({ kind: 'close' });
        }
      });
      return closing;
    },
  };
}
