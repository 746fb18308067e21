/**
 * The UDP listener under load: a burst that arrives while the main thread is blocked (parsing, a store commit, GC) is
 * received whole, the kernel dropping nothing; past the in-flight bound datagrams are dropped and counted, never
 * lost silently; the allow-list, a bind error and close() work as before. Real sockets on loopback; the sender runs
 * in its own thread so that it keeps sending while this test's main thread is blocked.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, type TestContext, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { udpSocketDrops } from '../../../src/adapters/syslog/kernel-drops.js';
import {
  type SyslogListener,
  type SyslogListenerOptions,
  startSyslogListener,
} from '../../../src/adapters/syslog/listeners.js';
import { kThread, startUdpReceiver } from '../../../src/adapters/syslog/udp-receiver.js';
import { flood } from '../../helpers/held-udp-socket.js';
import { until } from '../../helpers/until.js';

/**
 * Sends `count` datagrams `<14>seq N` to 127.0.0.1:`port` from a worker thread, in chunks of 1,000 every 10 ms
 * (100k/s, the rate the daemon must take without loss: paced, so that what is tested is the receiver, not which
 * thread the scheduler favours on a loaded machine). Resolves once the first chunk is sent; `done` once all are.
 */
function sendInThread(port: number, count: number): Promise<{ done: Promise<number> }> {
  const code = `
    const { createSocket } = require('node:dgram');
    const { workerData, parentPort } = require('node:worker_threads');
    const { port, count } = workerData;
    const s = createSocket('udp4');
    s.connect(port, '127.0.0.1', () => {
      let acked = 0;
      let errors = 0;
      const start = performance.now();
      const chunk = (from) => {
        const to = Math.min(count, from + 1000);
        for (let i = from; i < to; i++) {
          s.send('<14>seq ' + i, (err) => {
            if (err) errors++;
            if (++acked === count) s.close(() => parentPort.postMessage({ done: true, errors }));
          });
        }
        if (from === 0) parentPort.postMessage({ started: true });
        if (to < count) setTimeout(() => chunk(to), Math.max(0, start + (to / 1000) * 10 - performance.now()));
      };
      chunk(0);
    });`;
  const w = new Worker(code, { eval: true, workerData: { port, count } });
  let doneResolve: (errors: number) => void = () => undefined;
  const done = new Promise<number>((r) => {
    doneResolve = r;
  });
  return new Promise((resolve, reject) => {
    w.on('error', reject);
    w.on('message', (m: { started?: true; done?: true; errors?: number }) => {
      if (m.started) {
        resolve({ done });
      }
      if (m.done) {
        doneResolve(m.errors ?? 0);
        void w.terminate();
      }
    });
  });
}

/** Blocks this thread's event loop for `ms`: what a long parse, a commit or a GC pause does to the daemon. */
function blockMainThread(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: no event, no timer, no message is handled meanwhile
  }
}

/**
 * Sends `sent` datagrams to `l` while this thread is blocked for `blockMs`, waits until the listener has accounted
 * for them, and checks that the kernel dropped none of them at the socket.
 */
async function burstWhileBlocked(l: SyslogListener, sent: number, blockMs: number): Promise<void> {
  const sender = await sendInThread(l.port, sent);
  blockMainThread(blockMs);
  assert.equal(await sender.done, 0, 'send errors');
  await settled(l, sent);
  assert.equal(l.kernelDrops(), 0, 'datagrams the kernel dropped at the listening socket');
  assert.equal(udpSocketDrops(l.port), 0);
}

/** Waits until the listener has accounted for `sent` datagrams, or nothing more came for 2 s. */
async function settled(l: SyslogListener, sent: number): Promise<void> {
  let last = -1;
  let stillSince = Date.now();
  await until(
    () => {
      const seen = l.counters.messages + l.counters.dropped;
      if (seen !== last) {
        last = seen;
        stillSince = Date.now();
      }
      return seen >= sent || Date.now() - stillSince > 2000;
    },
    60_000,
    'the listener to settle',
  );
}

/** A UDP listener on 127.0.0.1 (or `host`), port 0, closed after the test. */
async function listenUdp(
  t: TestContext,
  o: Partial<SyslogListenerOptions> & Pick<SyslogListenerOptions, 'onMessage'>,
): Promise<SyslogListener> {
  const l = await startSyslogListener({ transport: 'udp', host: '127.0.0.1', port: 0, ...o });
  t.after(() => l.close());
  return l;
}

describe('UDP listener under load', () => {
  test('50,000 datagrams at 100k/s while the main thread is blocked for 300 ms: every one received and counted, none dropped by the kernel', async (t) => {
    const seqs = new Set<string>();
    const l = await listenUdp(t, {
      onMessage: (m) => seqs.add(m),
    });
    const sent = 50_000;
    await burstWhileBlocked(l, sent, 300);
    assert.equal(l.counters.dropped, 0);
    assert.equal(l.counters.messages, sent);
    assert.equal(seqs.size, sent, 'every datagram delivered once');
    assert.ok(seqs.has('<14>seq 0') && seqs.has(`<14>seq ${sent - 1}`));
  });

  test('past the in-flight bound the receiving thread drops datagrams and counts them: messages + dropped = sent', async (t) => {
    let delivered = 0;
    const l = await listenUdp(t, {
      maxUdpInFlightBytes: 4096,
      onMessage: () => {
        delivered++;
      },
    });
    const sent = 5000;
    await burstWhileBlocked(l, sent, 200);
    assert.ok(l.counters.dropped > 0, 'some dropped past the bound');
    assert.equal(l.counters.messages + l.counters.dropped, sent);
    assert.equal(delivered, l.counters.messages);
  });

  test('a sender outside the allow-list is counted in denied and not delivered; one inside is', async (t) => {
    const got: Array<{ message: string; sender: string }> = [];
    const l = await listenUdp(t, {
      allow: ['10.0.0.0/8'],
      onMessage: (message, sender) => got.push({ message, sender }),
    });
    const ok = await listenUdp(t, {
      allow: ['127.0.0.1'],
      onMessage: (message, sender) => got.push({ message, sender }),
    });
    const s = createSocket('udp4');
    t.after(() => s.close());
    for (let i = 0; i < 3; i++) {
      s.send(`<14>denied ${i}\n`, l.port, '127.0.0.1');
    }
    s.send('<14>allowed\r\n', ok.port, '127.0.0.1');
    await until(() => l.counters.denied === 3 && got.length === 1);
    assert.deepEqual(got, [{ message: '<14>allowed', sender: '127.0.0.1' }]);
    assert.equal(l.counters.messages, 0);
    assert.equal(ok.counters.messages, 1);
    assert.equal(ok.counters.denied, 0);
  });

  test('close() frees the port: it can be bound again at once', async () => {
    const l = await startSyslogListener({ transport: 'udp', host: '127.0.0.1', port: 0, onMessage: () => undefined });
    const port = l.port;
    await l.close();
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', resolve);
    });
    again.close();
  });

  test('a port in use rejects with the bind error (EADDRINUSE, the port), as the daemon reports it', async (t) => {
    const taken = createSocket('udp4');
    t.after(() => taken.close());
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
    const port = taken.address().port;
    await assert.rejects(
      startSyslogListener({ transport: 'udp', host: '127.0.0.1', port, onMessage: () => undefined }),
      (err: NodeJS.ErrnoException & { port?: number; address?: string }) => {
        assert.ok(err instanceof Error);
        assert.equal(err.code, 'EADDRINUSE');
        assert.equal(err.syscall, 'bind');
        assert.equal(err.port, port);
        assert.equal(err.address, '127.0.0.1');
        return true;
      },
    );
  });

  test('IPv6: a listener on ::1 receives from an IPv6 sender', async (t) => {
    const got: Array<{ message: string; sender: string }> = [];
    const l = await listenUdp(t, {
      host: '::1',
      onMessage: (message, sender) => got.push({ message, sender }),
    });
    const s = createSocket('udp6');
    t.after(() => s.close());
    s.send('<14>over IPv6\n', l.port, '::1');
    await until(() => got.length === 1);
    assert.deepEqual(got, [{ message: '<14>over IPv6', sender: '::1' }]);
  });

  test('a receiving thread that dies is started again on the same port', async (t) => {
    let received = 0;
    const events: string[] = [];
    const r = await startUdpReceiver(
      { type: 'udp4', host: '127.0.0.1', port: 0, recvBufferBytes: 1 << 20, allow: [], maxInFlightBytes: 1 << 20 },
      (b) => {
        received += b.count;
      },
      (event) => events.push(event),
    );
    t.after(() => r.close());
    const first = r[kThread]();
    await first.terminate();
    const s = createSocket('udp4');
    t.after(() => s.close());
    await until(
      () => {
        s.send('<14>still there?', r.port, '127.0.0.1');
        return received > 0;
      },
      10_000,
      'a datagram received by a new thread',
    );
    assert.notEqual(r[kThread](), first);
    // Told, so that the daemon can say so in its log.
    assert.deepEqual(events, ['exited', 'restarted']);
    // Bound as before: the kernel's line of the new socket is found by the same address and port.
    assert.equal(r.address, '127.0.0.1');
    assert.equal(udpSocketDrops(r.port, r.address), 0);
  });

  test("a listener's kernel drop count is its own socket's, by the address it is bound to (IPv4 and IPv6)", async (t) => {
    const v4 = await listenUdp(t, { onMessage: () => undefined });
    const v6 = await listenUdp(t, { host: '::1', onMessage: () => undefined });
    assert.equal(v4.kernelDrops(), 0);
    assert.equal(v6.kernelDrops(), 0);
    assert.equal(udpSocketDrops(v4.port, '127.0.0.1'), 0);
    assert.equal(udpSocketDrops(v6.port, '::1'), 0);
    await v6.close();
    assert.equal(v6.kernelDrops(), undefined, 'no socket, no count');
    // The receive buffer granted: what was asked (4 MiB by default), at most the kernel's limit.
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    assert.equal(v4.receiveBufferBytes, Math.min(4 * 1024 * 1024, rmemMax));
    const small = await listenUdp(t, { recvBufferBytes: 65_536, onMessage: () => undefined });
    assert.equal(small.receiveBufferBytes, Math.min(65_536, rmemMax));
    // A burst faster than its thread reads overflows that small buffer: each datagram received, or dropped by the
    // kernel and counted at this listener (the other listener's socket dropped none).
    const sent = 20_000;
    await flood('udp4', '127.0.0.1', small.port, sent);
    await until(
      () => small.counters.messages + small.counters.dropped + (small.kernelDrops() ?? 0) === sent,
      10_000,
      'every datagram received or counted as dropped',
    );
    assert.ok((small.kernelDrops() ?? 0) > 0, 'the kernel dropped some');
    assert.equal(v4.kernelDrops(), 0);
  });
});
