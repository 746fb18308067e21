/**
 * @module adapters/syslog/udp-receiver-worker
 * The UDP syslog socket's own thread: its event loop does nothing but drain the socket into batches and post them
 * (udp-receiver-protocol.ts), so that the socket is read within microseconds however long the main thread is busy
 * parsing, committing or collecting garbage; the kernel's receive buffer (4 MiB asked, 8 MiB granted: about 10,000
 * small datagrams, 0.1 s at 100k/s) only has to cover this thread's own pauses. docs/development.md, "UDP".
 *
 * A batch is posted when it holds BATCH_BYTES or BATCH_DATAGRAMS, or FLUSH_MS after its first datagram, so a lone
 * datagram is not held back. The allow-list is checked here: it is pure, and a refused datagram is then never copied.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { createAllowList } from './allow-list.js';
import type { FromUdpReceiver, ToUdpReceiver, UdpBatch, UdpReceiverSetup } from './udp-receiver-protocol.js';

const BATCH_BYTES = 64 * 1024;
const BATCH_DATAGRAMS = 1024;
const FLUSH_MS = 3;
/** A batch's buffer starts this small (a lone datagram) and doubles as datagrams come. */
const FIRST_BUFFER_BYTES = 4096;
/** Senders per batch: the index is one byte. */
const MAX_SENDERS = 256;

const setup = workerData as UdpReceiverSetup;
const port = parentPort;
if (!port) {
  throw new Error('udp-receiver-worker runs in a worker thread');
}
const post = (m: FromUdpReceiver, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const allowed = createAllowList(setup.allow);

let data = new Uint8Array(0);
let used = 0;
let ends = new Uint32Array(BATCH_DATAGRAMS);
let from = new Uint8Array(BATCH_DATAGRAMS);
let senders = new Map<string, number>();
let count = 0;
let denied = 0;
let dropped = 0;
let errors = 0;
/** Datagram bytes posted and not yet acknowledged. */
let inFlight = 0;
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (count === 0 && denied === 0 && dropped === 0 && errors === 0) {
    return;
  }
  const counts = { denied, dropped, errors };
  if (count > 0) {
    const batch: UdpBatch = {
      kind: 'batch',
      data,
      ends,
      from,
      senders: [...senders.keys()],
      count,
      bytes: used,
      ...counts,
    };
    post(batch, [data.buffer as ArrayBuffer, ends.buffer as ArrayBuffer, from.buffer as ArrayBuffer]);
    inFlight += used;
    data = new Uint8Array(0);
    ends = new Uint32Array(BATCH_DATAGRAMS);
    from = new Uint8Array(BATCH_DATAGRAMS);
    senders = new Map();
  } else {
    // Only counts: empty arrays, not the next batch's (they would be copied for nothing).
    const empty = { data: new Uint8Array(0), ends: new Uint32Array(0), from: new Uint8Array(0), senders: [] };
    post({ kind: 'batch', ...empty, count: 0, bytes: 0, ...counts });
  }
  used = 0;
  count = 0;
  denied = 0;
  dropped = 0;
  errors = 0;
}

/** Something to report came: it goes out within FLUSH_MS at the latest. */
function soon(): void {
  timer ??= setTimeout(flush, FLUSH_MS);
}

function append(msg: Buffer, sender: string): void {
  if (used + msg.length > data.length) {
    if (used > 0 && used + msg.length > BATCH_BYTES) {
      flush();
    }
    let size = Math.max(data.length, FIRST_BUFFER_BYTES);
    while (size < used + msg.length) {
      size *= 2;
    }
    const grown = new Uint8Array(size);
    grown.set(data.subarray(0, used));
    data = grown;
  }
  let s = senders.get(sender);
  if (s === undefined) {
    s = senders.size;
    senders.set(sender, s);
  }
  data.set(msg, used);
  used += msg.length;
  ends[count] = used;
  from[count] = s;
  count++;
  if (count === BATCH_DATAGRAMS || used >= BATCH_BYTES || senders.size === MAX_SENDERS) {
    flush();
  } else {
    soon();
  }
}

const socket = createSocket({ type: setup.type, recvBufferSize: setup.recvBufferBytes });
socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
  if (!allowed(rinfo.address)) {
    denied++;
  } else if (inFlight + used + msg.length > setup.maxInFlightBytes) {
    dropped++;
  } else {
    append(msg, rinfo.address);
    return;
  }
  soon();
});
const onBindError = (err: NodeJS.ErrnoException & { address?: string; port?: number }) => {
  post({
    kind: 'bind-error',
    name: err.name,
    message: err.message,
    ...(err.code === undefined ? {} : { code: err.code }),
    ...(err.errno === undefined ? {} : { errno: err.errno }),
    ...(err.syscall === undefined ? {} : { syscall: err.syscall }),
    ...(err.address === undefined ? {} : { address: err.address }),
    ...(err.port === undefined ? {} : { port: err.port }),
  });
  port.close();
};
socket.once('error', onBindError);
socket.bind(setup.port, setup.host, () => {
  socket.off('error', onBindError);
  socket.on('error', () => {
    errors++;
    soon();
  });
  const bound = socket.address();
  post({ kind: 'listening', port: bound.port, address: bound.address, receiveBufferBytes: socket.getRecvBufferSize() });
});

port.on('message', (m: ToUdpReceiver) => {
  if (m.kind === 'ack') {
    inFlight -= m.bytes;
    return;
  }
  // Closing: what was received goes out first, then the port is freed, then the handle is told.
  flush();
  socket.close(() => {
    post({ kind: 'closed' });
    port.close();
  });
});
