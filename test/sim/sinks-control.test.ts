import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { loadOrCreateCert } from '../../src/sim/api/tls-cert.js';
import { createSink, parseSinkUrl } from '../../src/sim/syslog/sinks.js';
import { webBridgeStatsLine } from '../../src/sim/syslog/templates.js';
import { until } from '../helpers/until.js';
import { simulator, tempDir } from './helpers.js';

const LINE = webBridgeStatsLine(Date.UTC(2026, 10, 20, 9, 0, 0), 'cms1', 7, 9, 2);

function streamReceiver(onSocket: (s: Socket) => void, tls?: { cert: string; key: string }) {
  const server = tls ? createTlsServer(tls, onSocket) : createServer(onSocket);
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    );
  });
}

describe('syslog sinks', () => {
  test('URLs are parsed, bad ones named', () => {
    assert.deepEqual(parseSinkUrl('tcp://127.0.0.1:6000?framing=octet'), {
      kind: 'tcp',
      host: '127.0.0.1',
      port: 6000,
      framing: 'octet',
    });
    assert.deepEqual(parseSinkUrl('udp://[::1]:514'), { kind: 'udp', host: '::1', port: 514 });
    assert.deepEqual(parseSinkUrl('file:/tmp/{node}.log'), { kind: 'file', path: '/tmp/{node}.log' });
    assert.throws(() => parseSinkUrl('smtp://x'), /unknown syslog transport/);
    assert.throws(() => parseSinkUrl('nonsense'), /not a syslog URL/);
  });

  test('UDP: one datagram per line with <PRI> (user.info = 14)', async (t) => {
    const rx = createSocket('udp4');
    const got: string[] = [];
    rx.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    t.after(() => rx.close());
    const sink = createSink(parseSinkUrl(`udp://127.0.0.1:${rx.address().port}`));
    sink.send('cms1', LINE);
    await until(() => got.length === 1);
    await sink.close();
    assert.equal(got[0], `<14>${LINE}`);
  });

  for (const framing of ['lf', 'octet'] as const) {
    test(`TCP with ${framing} framing, reconnecting after the receiver drops it`, async (t) => {
      let data = '';
      const sockets: Socket[] = [];
      const rx = await streamReceiver((s) => {
        sockets.push(s);
        s.on('data', (d) => {
          data += d.toString();
        });
      });
      t.after(() => rx.close());
      const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${rx.port}${framing === 'octet' ? '?framing=octet' : ''}`));
      sink.send('cms1', LINE);
      const framed = framing === 'lf' ? `<14>${LINE}\n` : `${Buffer.byteLength(`<14>${LINE}`)} <14>${LINE}`;
      await until(() => data === framed);
      sockets[0]?.destroy();
      await until(() => sockets.length === 2);
      sink.send('cms1', LINE);
      await until(() => data === framed + framed);
      await sink.close();
    });
  }

  test('TLS verified against the receiver certificate', async (t) => {
    const dir = tempDir(t);
    const cert = await loadOrCreateCert(join(dir, 'tls'));
    let data = '';
    const rx = await streamReceiver(
      (s) =>
        s.on('data', (d) => {
          data += d.toString();
        }),
      { cert: cert.cert, key: cert.key },
    );
    t.after(() => rx.close());
    const sink = createSink(parseSinkUrl(`tls://localhost:${rx.port}?ca=${cert.certPath}`));
    sink.send('cms1', LINE);
    await until(() => data === `<14>${LINE}\n`);
    await sink.close();
  });

  test('files: one per node with {node}, lines as rsyslog writes them (no PRI)', async (t) => {
    const dir = tempDir(t);
    const sink = createSink(parseSinkUrl(`file:${dir}/{node}.log`));
    sink.send('cms1', LINE);
    sink.send('cms2', LINE.replace('cms1', 'cms2'));
    await sink.close();
    assert.equal(readFileSync(join(dir, 'cms1.log'), 'utf8'), `${LINE}\n`);
    assert.match(readFileSync(join(dir, 'cms2.log'), 'utf8'), / cms2 /);
  });
});

describe('control API', () => {
  test('GET /sim/state has exactly the contract fields', async (t) => {
    const sim = await simulator(t);
    sim.cluster.advance(600_000);
    const state = (await (await fetch(`${sim.control.url}/sim/state`)).json()) as Record<
      string,
      Array<Record<string, unknown>>
    >;
    assert.deepEqual(Object.keys(state), ['webbridges', 'callbridges']);
    assert.deepEqual(Object.keys(state.webbridges?.[0] ?? {}), [
      'name',
      'sshPort',
      'active',
      'leaked',
      'real',
      'restarts',
      'available',
    ]);
    assert.deepEqual(Object.keys(state.callbridges?.[0] ?? {}), ['name', 'cma']);
    assert.equal(state.webbridges?.[0]?.sshPort, sim.mmp.nodes[0]?.port);
  });

  test('POST /sim/load and /sim/faults change the cluster; bad bodies get 400 naming the problem', async (t) => {
    const sim = await simulator(t);
    const post = (path: string, body: unknown) =>
      fetch(`${sim.control.url}${path}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    assert.equal((await post('/sim/load', { joinRate: 0 })).status, 200);
    assert.equal(sim.cluster.joinRatePerHour, 0);
    assert.equal((await post('/sim/faults', { node: 'cms2', faults: { hangOnExec: true } })).status, 200);
    assert.deepEqual(sim.cluster.node('cms2')?.faults, { hangOnExec: true });
    const bad = await post('/sim/faults', { node: 'cms2', faults: { explode: true } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /explode/);
    assert.equal((await post('/sim/faults', { node: 'cms9', faults: {} })).status, 404);
    assert.equal((await post('/sim/load', 'not json')).status, 400);
    assert.equal((await post('/sim/load', { joinRate: -1 })).status, 400);
    const history = (await (await fetch(`${sim.control.url}/sim/history`)).json()) as Array<{ event: string }>;
    assert.deepEqual(
      history.map((h) => h.event),
      ['faults'],
    );
  });
});
