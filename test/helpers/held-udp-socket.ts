/**
 * A UDP socket nobody reads (its receive buffer fills and the kernel drops what comes next), and a flood to send it:
 * real sockets on loopback, for the tests of what the kernel drops and who counts it.
 */
import { createSocket, type SocketType } from 'node:dgram';
import { Worker } from 'node:worker_threads';

/**
 * Binds a UDP socket to `address` with a small receive buffer in a worker thread and holds that thread's event loop
 * until `release()`: nothing reads the socket meanwhile.
 */
export async function heldSocket(
  type: SocketType,
  address: string,
): Promise<{ port: number; release: () => Promise<void> }> {
  const hold = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    const { createSocket } = require('node:dgram');
    const { workerData, parentPort } = require('node:worker_threads');
    const s = createSocket({ type: workerData.type, recvBufferSize: 4096 });
    s.bind(0, workerData.address, () => {
      parentPort.postMessage(s.address().port);
      Atomics.wait(workerData.hold, 0, 0);
      s.close(() => parentPort.close());
    });`;
  const w = new Worker(code, { eval: true, workerData: { type, address, hold } });
  const port = await new Promise<number>((resolve, reject) => {
    w.once('error', reject);
    w.once('message', resolve);
  });
  return {
    port,
    release: async () => {
      Atomics.store(hold, 0, 1);
      Atomics.notify(hold, 0);
      await new Promise((r) => w.once('exit', r));
    },
  };
}

/** Sends `count` datagrams of 1,000 bytes to `address`:`port` and waits until each has left. */
export async function flood(type: SocketType, address: string, port: number, count: number): Promise<void> {
  const s = createSocket(type);
  const payload = Buffer.alloc(1000, 'x');
  await Promise.all(
    Array.from(
      { length: count },
      () => new Promise<void>((resolve, reject) => s.send(payload, port, address, (e) => (e ? reject(e) : resolve()))),
    ),
  );
  await new Promise<void>((r) => s.close(r));
}
