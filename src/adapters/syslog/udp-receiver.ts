/**
 * @module adapters/syslog/udp-receiver
 * The handle of the UDP socket's own thread (udp-receiver-worker.ts): starts it, hands each batch of datagrams to
 * `onBatch` and acknowledges it once handled, rebuilds a bind error as the thread saw it, and stops the thread.
 */
import { Worker } from 'node:worker_threads';
import type { FromUdpReceiver, ToUdpReceiver, UdpBatch, UdpReceiverSetup } from './udp-receiver-protocol.js';

export type { UdpBatch } from './udp-receiver-protocol.js';

export interface UdpReceiver {
  readonly port: number;
  /** Handles what the thread had received, frees the port and stops the thread. */
  close(): Promise<void>;
}

/**
 * Compiled, the worker is plain .js. Under tsx (development, tests) it is .ts and needs tsx's loader, which a worker
 * does not inherit: a tiny bootstrap registers it first (as the store's and analyze's workers do).
 */
function startReceiverThread(setup: UdpReceiverSetup): Worker {
  const compiled = !import.meta.url.endsWith('.ts');
  const worker = new URL(`./udp-receiver-worker.${compiled ? 'js' : 'ts'}`, import.meta.url);
  if (compiled) {
    return new Worker(worker, { workerData: setup });
  }
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(worker.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

/** Starts the thread and binds; rejects with the bind error (EADDRINUSE with its address and port, as dgram's). */
export function startUdpReceiver(setup: UdpReceiverSetup, onBatch: (batch: UdpBatch) => void): Promise<UdpReceiver> {
  const worker = startReceiverThread(setup);
  const send = (m: ToUdpReceiver) => worker.postMessage(m);
  let closing: Promise<void> | undefined;
  let exited = false;
  let closed: () => void = () => undefined;
  return new Promise((resolve, reject) => {
    // Before 'listening' an error or an exit fails the start; after it, close() ends with the thread's exit.
    worker.on('error', reject);
    worker.on('exit', () => {
      exited = true;
      closed();
      reject(new Error('the UDP receiving thread stopped before it was listening'));
    });
    worker.on('message', (m: FromUdpReceiver) => {
      switch (m.kind) {
        case 'batch':
          onBatch(m);
          if (m.bytes > 0) {
            send({ kind: 'ack', bytes: m.bytes });
          }
          return;
        case 'listening':
          resolve({
            port: m.port,
            close: () => {
              closing ??= exited
                ? Promise.resolve()
                : new Promise<void>((r) => {
                    closed = r;
                    send({ kind: 'close' });
                  });
              return closing;
            },
          });
          return;
        case 'bind-error': {
          const { kind: _, name, message, ...fields } = m;
          const err = Object.assign(new Error(message), fields);
          err.name = name;
          void worker.terminate();
          reject(err);
          return;
        }
        case 'closed':
          void worker.terminate();
          return;
      }
    });
  });
}
