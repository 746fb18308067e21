/**
 * A port already in use names the port and what changes it, for the daemon's HTTP and syslog listeners and the
 * simulator's ports, instead of "unexpected error: listen EADDRINUSE". Real sockets: the port is held by a server
 * of this test.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/app/cli/program.js';
import { parseConfig } from '../../src/app/config/index.js';
import { startDaemon } from '../../src/app/daemon/daemon.js';
import { memoryIo } from '../helpers/cli-io.js';
import { oneNodeLab } from '../helpers/lab-config.js';
import { tempDir } from '../sim/helpers.js';

async function holdPort(t: { after: (f: () => Promise<void>) => void }): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** Binds a UDP port on 127.0.0.1 for the test's length. */
async function holdUdpPort(t: { after: (f: () => Promise<void>) => void }): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

function daemonConfig(dir: string, over: Record<string, unknown>) {
  return parseConfig(oneNodeLab(dir, { syslog: {}, ...over }));
}

test('the daemon: HTTP and syslog ports in use are named with their configuration key', async (t) => {
  const dir = tempDir(t);
  const tcp = await holdPort(t);
  // UDP is bound by the listener's receiving thread: its error comes back across the thread as dgram's own.
  const udp = await holdUdpPort(t);
  for (const [over, key, busy] of [
    [{ http: { listen: `127.0.0.1:${tcp}` } }, 'http.listen', tcp],
    [{ syslog: { tcp: `127.0.0.1:${tcp}` } }, 'syslog.tcp', tcp],
    [{ syslog: { udp: `127.0.0.1:${udp}` } }, 'syslog.udp', udp],
  ] as const) {
    const err = await startDaemon(daemonConfig(dir, over), { env: {}, evaluateEveryMs: 3_600_000 }).then(
      (d) => d.close().then(() => assert.fail('started on a port in use')),
      (e: { code?: string; message: string; hint?: string }) => e,
    );
    assert.equal(err.code, 'WBGUARD_ERR_PORT_IN_USE', err.message);
    assert.equal(err.message, `port ${busy} is already in use [127.0.0.1:${busy}]`);
    assert.match(
      err.hint ?? '',
      new RegExp(`choose another port with ${key.replace('.', '\\.')} in the configuration`),
    );
  }
});

test('wbguard run: one line naming the port and the key, exit 1, no "unexpected error"', async (t) => {
  const dir = tempDir(t);
  const busy = await holdPort(t);
  const file = join(dir, 'wbguard.yaml');
  writeFileSync(
    file,
    [
      'cluster: lab',
      `webbridges: [{ name: cms1, mmp: "127.0.0.1:1", hostKey: "SHA256:${'a'.repeat(43)}" }]`,
      'callbridges: [{ name: cms1 }]',
      `http: { listen: "127.0.0.1:${busy}" }`,
      `state: ${join(dir, 'state')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const io = memoryIo();
  assert.equal(await runCli(['run', '--config', file], io), 1);
  assert.equal(
    io.err(),
    `wbguard: port ${busy} is already in use [127.0.0.1:${busy}]\n` +
      '  fix: stop the program listening there (another wbguard?), or choose another port with http.listen in the configuration\n',
  );
});

test('wbguard sim: the port in use is named with its flag', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const busy = await holdPort(t);
  const io = memoryIo({ WBGUARD_SIM_PASSWORD: 'sim-secret-Pa55' });
  const code = await runCli(
    ['sim', '--ssh-port', '0', '--api-port', '0', '--control-port', String(busy), '--state-dir', dir],
    io,
  );
  assert.equal(code, 1, io.out());
  assert.match(io.err(), new RegExp(`^wbguard: port ${busy} is already in use`));
  assert.match(io.err(), /choose another port with --control-port/);
});
