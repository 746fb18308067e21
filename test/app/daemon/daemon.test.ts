/**
 * The daemon end to end: the demo loop (leak → restart by policy in enforce mode), a plan only in dry-run, nothing
 * outside the window, the API's token, the metrics' names, and a kill -9 that loses nothing acknowledged.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { udpSocketDrops } from '../../../src/adapters/syslog/kernel-drops.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { startDemo } from '../../../src/app/demo/demo.js';
import { createSink, parseSinkUrl } from '../../../src/sim/syslog/sinks.js';
import {
  bsdStamp,
  callBridgeStatsLine,
  joinRefusedLine,
  webBridgeStatsLine,
} from '../../../src/sim/syslog/templates.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { freePort } from '../../helpers/free-port.js';
import { flood, heldSocket } from '../../helpers/held-udp-socket.js';
import { oneNodeLab } from '../../helpers/lab-config.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

async function until<T>(f: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('wbguard run', () => {
  test('the demo loop: a Web Bridge leaks, then is restarted by policy when idle; API, metrics and events show it', async (t) => {
    const demo = await startDemo({ httpPort: 0, speed: 120, busySeconds: 8, quietSeconds: 20, evaluateEveryMs: 1000 });
    t.after(() => demo.close());
    await until(() => demo.sim.state().webbridges.some((w) => w.leaked >= 15) || undefined, 60_000, 'a leak');
    const restarted = await until(
      () => demo.sim.state().webbridges.find((w) => w.restarts > 0),
      90_000,
      'a restart by policy',
    );
    assert.ok(restarted);
    const history = demo.sim.cluster.history.filter((h) => h.event.startsWith('restart'));
    // Never two at once: each restart completes before the next starts.
    let inFlight = 0;
    for (const h of history) {
      inFlight += h.event === 'restart:started' ? 1 : h.event === 'restart:completed' ? -1 : 0;
      assert.ok(inFlight <= 1, JSON.stringify(history));
    }
    const metrics = await until(
      async () => {
        const text = await (await fetch(`${demo.url}/metrics`)).text();
        return /wbguard_restarts_total\{webbridge="cms\d",result="success",cluster="demo"\} [1-9]/.test(text)
          ? text
          : undefined;
      },
      60_000,
      'the restart in the metrics',
    );
    for (const name of [
      'wbguard_webbridge_active_sessions{webbridge="cms1",cluster="demo"}',
      'wbguard_webbridge_leaked_sessions{webbridge="cms1",cluster="demo"}',
      'wbguard_callbridge_cma_sessions{callbridge="cms1",cluster="demo"}',
      'wbguard_cluster_leaked_sessions{cluster="demo"}',
      'wbguard_webbridge_at_limit{webbridge="cms1",cluster="demo"}',
      'wbguard_syslog_messages_total{transport="udp"}',
      'wbguard_log_lines_malformed_total',
    ]) {
      assert.ok(metrics.includes(name), name);
    }
    const state = (await (await fetch(`${demo.url}/api/v1/state`)).json()) as { mode: string; webbridges: unknown[] };
    assert.equal(state.mode, 'enforce');
    assert.equal(state.webbridges.length, 3);
    const events = (await (await fetch(`${demo.url}/api/v1/events`)).json()) as Array<{ kind: string }>;
    assert.ok(events.some((e) => e.kind === 'restart'));
    const hist = (await (await fetch(`${demo.url}/api/v1/history?node=cms1`)).json()) as {
      webbridges: Array<{ name: string; active: { t: number[] } }>;
    };
    assert.deepEqual(
      hist.webbridges.map((w) => w.name),
      ['cms1'],
    );
    assert.ok((hist.webbridges[0]?.active.t.length ?? 0) > 10);
  });

  async function guardAgainstSim(
    t: import('node:test').TestContext,
    policy: Record<string, unknown>,
    http: Record<string, unknown> = {},
  ) {
    const dir = tempDir(t, 'wbguard-daemon-');
    const sim = await simulator(t, { leakRate: 0.5, joinRate: 600, meanStay: '5m' });
    sim.cluster.advance(3 * 3_600_000);
    sim.cluster.setJoinRate(0);
    sim.cluster.advance(2 * 3_600_000);
    const env = { PW: SIM_PASSWORD, TOKEN: 'tok-123456' };
    const config = parseConfig(
      {
        cluster: 'lab',
        webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
        callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
        mmp: { password: 'env:PW', connectTimeoutMs: 3000, commandTimeoutMs: 3000 },
        restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365 },
        analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
        syslog: { tcp: '127.0.0.1:0' },
        http: { listen: '127.0.0.1:0', ...http },
        policy,
        state: join(dir, 'state'),
      },
      { env },
    );
    const daemon = await startDaemon(config, { env, evaluateEveryMs: 3_600_000 });
    t.after(() => daemon.close());
    await feedPicture(daemon, sim, sim.cluster.now);
    return { sim, daemon, dir, config };
  }

  test('dry-run: the plan is journaled as what it would do; nothing is restarted', async (t) => {
    const { sim, daemon, config } = await guardAgainstSim(t, { mode: 'dry-run' });
    const e = await daemon.evaluate();
    assert.equal(e.action, 'would-restart');
    assert.ok(e.plan.order.length > 0);
    assert.equal(sim.cluster.history.filter((h) => h.event === 'command').length, 0);
    assert.match(readFileSync(join(config.state, 'journal.jsonl'), 'utf8'), /"action":"would-restart"/);
  });

  test('enforce outside the maintenance window: deferred, nothing restarted', async (t) => {
    const now = new Date();
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(now.getUTCDay() + 3) % 7];
    const { sim, daemon, config } = await guardAgainstSim(t, {
      mode: 'enforce',
      windows: [{ days: [day], from: '01:00', to: '02:00', tz: 'UTC' }],
    });
    const e = await daemon.evaluate();
    assert.equal(e.windowOpen, false);
    assert.equal(e.action, 'deferred-window');
    assert.equal(sim.cluster.history.filter((h) => h.event === 'command').length, 0);
    // Evaluated again and again while the window stays closed: the unchanged plan is journaled once.
    await daemon.evaluate();
    await daemon.evaluate();
    const plans = readFileSync(join(config.state, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"plan"'));
    assert.equal(plans.length, 1, plans.join('\n'));
  });

  test('POST /api/v1/restart needs the bearer token, from this site only, with a small body naming known nodes', async (t) => {
    const { daemon } = await guardAgainstSim(t, { mode: 'observe' }, { token: 'env:TOKEN' });
    const post = (headers: Record<string, string>, body = '{"names":["cms1"]}') =>
      fetch(`${daemon.url}/api/v1/restart`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const good = { authorization: 'Bearer tok-123456' };
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ authorization: 'Bearer wrong-token' })).status, 401);
    assert.equal((await post({ ...good, origin: 'https://evil.example' })).status, 403, 'cross-site');
    assert.equal((await post({ ...good, 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site');
    assert.equal((await post(good, JSON.stringify({ names: ['x'.repeat(20_000)] }))).status, 413);
    const unknown = await post(good, '{"names":["cms9"]}');
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: string }).error, /unknown Web Bridge: cms9/);
    // A misspelt field is refused, never read as "every Web Bridge" (the strict body: docs/dashboard.md).
    const misspelt = await post(good, '{"name":"cms1"}');
    assert.equal(misspelt.status, 400);
    assert.equal(((await misspelt.json()) as { code: string }).code, 'WBGUARD_ERR_HTTP_INPUT');
    // Reading needs the token too unless http.publicReadOnly; the page itself and /healthz never do.
    assert.equal((await fetch(`${daemon.url}/api/v1/state`)).status, 401);
    assert.equal((await fetch(`${daemon.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${daemon.url}/healthz`)).status, 200);
    const page = await fetch(`${daemon.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const plan = (await (await fetch(`${daemon.url}/api/v1/plan`, { headers: good })).json()) as { mode: string };
    assert.equal(plan.mode, 'observe');
  });

  test('http.publicReadOnly serves reads without the token; acting still needs it', async (t) => {
    const { daemon } = await guardAgainstSim(t, { mode: 'observe' }, { token: 'env:TOKEN', publicReadOnly: true });
    assert.equal((await fetch(`${daemon.url}/api/v1/state`)).status, 200);
    assert.equal((await fetch(`${daemon.url}/api/v1/journal`)).status, 200);
    assert.equal((await fetch(`${daemon.url}/api/v1/restart`, { method: 'POST', body: '' })).status, 401);
  });
});

test('kill -9 and start again: every acknowledged record is still there', async (t) => {
  const dir = tempDir(t, 'wbguard-kill-');
  const config = join(dir, 'wbguard.yaml');
  writeFileSync(config, stringify(oneNodeLab(dir)));
  const main = new URL('../../../src/app/cli/main.ts', import.meta.url).pathname;
  const start = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'run', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    return new Promise<{ child: typeof child; url: string; tcp: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /wbguard run: (http:\/\/\S+) .*tcp:(\d+)/.exec(out);
        if (m) {
          resolve({ child, url: m[1] as string, tcp: Number(m[2]) });
        }
      });
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
  };
  const first = await start();
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${first.tcp}`));
  const t0 = Date.now() - 60_000;
  for (let i = 0; i < 200; i++) {
    sink.send('cms1', webBridgeStatsLine(t0 + i * 100, 'cms1', i % 100, i, i));
  }
  await until(
    async () => {
      const s = (await (await fetch(`${first.url}/api/v1/state`)).json()) as { lines: { webbridgeStats: number } };
      return s.lines.webbridgeStats === 200 ? true : undefined;
    },
    10_000,
    'ingest',
  );
  await new Promise((r) => setTimeout(r, 500)); // past the store's commit interval: acknowledged
  await sink.close();
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  // While the daemon is down, `wbguard status` shows what its store kept.
  const { runCli } = await import('../../../src/app/cli/program.js');
  const { memoryIo } = await import('../../helpers/cli-io.js');
  const down = memoryIo();
  assert.equal(await runCli(['status', '--config', config], down), 0, down.err());
  assert.match(down.err(), /does not answer.*showing what its store at .*wbguard\.db kept/);
  assert.match(down.out(), /mode dry-run \(daemon not running\), maintenance window unknown/);
  assert.match(down.out(), /cms1 +\S+ +99 /);
  const second = await start();
  const s = (await (await fetch(`${second.url}/api/v1/state`)).json()) as {
    webbridges: Array<{ name: string; active: number; peakActive: number }>;
  };
  assert.deepEqual(
    s.webbridges.map((w) => [w.name, w.active, w.peakActive]),
    [['cms1', 99, 99]],
  );
  second.child.kill('SIGTERM');
});

test('util-linux logger feeds the daemon over UDP and TCP (RFC 3164 and 5424): the metrics and the state show it', async (t) => {
  const dir = tempDir(t, 'wbguard-logger-');
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      syslog: { udp: '127.0.0.1:0', tcp: '127.0.0.1:0', allow: ['127.0.0.0/8'] },
      http: { listen: '127.0.0.1:0' },
      state: join(dir, 'state'),
    },
    { env: {} },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  const { run } = await import('../../helpers/run.js');
  const port = (tr: string) => String(daemon.listeners.find((l) => l.transport === tr)?.port);
  const sends = [
    ['--udp', '--rfc3164', '--port', port('udp')],
    ['--udp', '--rfc5424', '--port', port('udp')],
    ['--tcp', '--octet-count', '--rfc5424', '--port', port('tcp')],
    ['--tcp', '--octet-count', '--rfc3164', '--port', port('tcp')],
  ];
  for (const [i, flags] of sends.entries()) {
    const r = await run('logger', [
      ...flags,
      '--server',
      '127.0.0.1',
      '--tag',
      'webbridge',
      `INFO : Stats ${10 + i}, c:${20 + i}, d:${10}`,
    ]);
    assert.equal(r.status, 0, r.stderr);
  }
  const host = (await run('hostname', [])).stdout.trim();
  await until(
    async () =>
      ((await (await fetch(`${daemon.url}/api/v1/state`)).json()) as { lines: { webbridgeStats: number } }).lines
        .webbridgeStats === 4 || undefined,
    10_000,
    'four Stats records',
  );
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /wbguard_syslog_messages_total\{transport="udp"\} 2/);
  assert.match(metrics, /wbguard_syslog_messages_total\{transport="tcp"\} 2/);
  assert.match(metrics, new RegExp(`wbguard_webbridge_active_sessions\\{webbridge="${host}",cluster="lab"\\} 13`));
  const state = (await (await fetch(`${daemon.url}/api/v1/state`)).json()) as { unknownHosts: Record<string, number> };
  assert.equal(state.unknownHosts[host], 4, 'lines from a host not in the configuration are counted and shown');
});

test('the simulator feeds the daemon over TLS; `wbguard status` prints the picture', async (t) => {
  const dir = tempDir(t, 'wbguard-tls-');
  const { loadOrCreateCert } = await import('../../../src/sim/api/tls-cert.js');
  const cert = await loadOrCreateCert(join(dir, 'tls'));
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [{ name: 'cms1' }],
      syslog: { tls: { listen: '127.0.0.1:0', cert: cert.certPath, key: `file:${cert.keyPath}` } },
      http: { listen: '127.0.0.1:0', token: 'env:HTTP_TOKEN' },
      state: join(dir, 'state'),
    },
    { env: { HTTP_TOKEN: 'status-tok-1' } },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  const sink = createSink(
    parseSinkUrl(`tls://localhost:${daemon.listeners[0]?.port}?framing=octet&ca=${cert.certPath}`),
  );
  const at = Date.now() - 1000;
  sink.send('cms1', webBridgeStatsLine(at, 'cms1', 77, 100, 23));
  sink.send('cms1', callBridgeStatsLine(at + 1, 'cms1', 5, 6, 7));
  // The leak is proven at a Stats sample no older than the STATS figure.
  sink.send('cms1', webBridgeStatsLine(at + 2, 'cms1', 77, 100, 23));
  await until(() => (daemon.state.lines.webbridgeStats === 2 ? true : undefined), 10_000, 'TLS ingest');
  await sink.close();
  const { runCli } = await import('../../../src/app/cli/program.js');
  const { memoryIo } = await import('../../helpers/cli-io.js');
  const refused = memoryIo();
  assert.notEqual(await runCli(['status', '--url', daemon.url], refused), 0);
  assert.match(refused.err(), /wants its token to be read/);
  const io = memoryIo({ HTTP_TOKEN: 'status-tok-1' });
  assert.equal(await runCli(['status', '--url', daemon.url, '--token', 'env:HTTP_TOKEN'], io), 0, io.err());
  assert.match(io.out(), /mode dry-run/);
  assert.match(io.out(), /cms1 +leaking +77 /);
  assert.match(io.out(), /Σ Web Bridge active 77 − Σ CMA 5 = 72 leaked/);
  const down = memoryIo();
  assert.notEqual(await runCli(['status', '--url', 'http://127.0.0.1:1'], down), 0);
  assert.match(down.err(), /cannot reach the daemon/);
});

test('stopping the daemon during a restart abandons it cleanly: journaled, counted, never half-verified', async (t) => {
  const dir = tempDir(t, 'wbguard-stop-');
  const sim = await simulator(t, { leakRate: 0.5, joinRate: 600, meanStay: '5m' });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000);
  sim.cluster.setFaults('cms1', { slowRestartMs: 86_400_000 });
  sim.cluster.setFaults('cms2', { slowRestartMs: 86_400_000 });
  sim.cluster.setFaults('cms3', { slowRestartMs: 86_400_000 });
  const env = { PW: SIM_PASSWORD };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: {
        password: 'env:PW',
        connectTimeoutMs: 3000,
        commandTimeoutMs: 3000,
        statusPattern: 'Status\\s*:\\s*running',
      },
      restart: {
        leakThreshold: 10,
        staleAfterMs: 3_600_000 * 24 * 365,
        verifyTimeoutMs: 300_000,
        verifyIntervalMs: 200,
      },
      analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'enforce' },
      state: join(dir, 'state'),
    },
    { env },
  );
  const daemon = await startDaemon(config, { env, evaluateEveryMs: 3_600_000 });
  await feedPicture(daemon, sim, sim.cluster.now);
  const e = await daemon.evaluate();
  assert.equal(e.action, 'restart');
  await until(
    () => (sim.cluster.history.some((h) => h.event === 'restart:started') ? true : undefined),
    10_000,
    'the restart command',
  );
  const started = Date.now();
  await daemon.close();
  assert.ok(Date.now() - started < 10_000, 'close does not wait for the 5-minute verification');
  const journal = readFileSync(join(config.state, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; node?: string; outcome?: string });
  const results = journal.filter((x) => x.kind === 'result');
  assert.equal(results[0]?.outcome, 'abandoned');
  assert.ok(
    results.slice(1).every((x) => x.outcome === 'abandoned'),
    JSON.stringify(results),
  );
  assert.equal(results.length, e.plan.order.length, 'every Web Bridge of the plan has a result');
  assert.equal(
    sim.cluster.history.filter((h) => h.event === 'restart:started').length,
    1,
    'nothing more was restarted',
  );
});

test('SIGHUP reloads the configuration; a bad one is refused and the daemon keeps running', async (t) => {
  const dir = tempDir(t, 'wbguard-hup-');
  const config = join(dir, 'wbguard.yaml');
  const port = await freePort();
  const write = (mode: string, extra = '') =>
    writeFileSync(
      config,
      `cluster: lab\nwebbridges: [{ name: cms1, mmp: "127.0.0.1:1", hostKey: "SHA256:${'a'.repeat(43)}" }]\nhttp: { listen: "127.0.0.1:${port}" }\npolicy: { mode: ${mode} }\nstate: ${join(dir, 'state')}\n${extra}`,
    );
  write('dry-run');
  const main = new URL('../../../src/app/cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'run', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const mode = async () => ((await (await fetch(`${url}/api/v1/state`)).json()) as { mode: string }).mode;
  await until(
    async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok || undefined,
    20_000,
    'the daemon',
  );
  assert.equal(await mode(), 'dry-run');
  write('observe', 'bogus: 1\n');
  child.kill('SIGHUP');
  await until(() => (err.includes('configuration reload refused') ? true : undefined), 10_000, 'the refusal');
  assert.match(err, /bogus/);
  assert.equal(await mode(), 'dry-run', 'still running with the previous configuration');
  write('observe');
  child.kill('SIGHUP');
  await until(async () => ((await mode().catch(() => '')) === 'observe' ? true : undefined), 10_000, 'the reload');
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
});

test('the idle guard defers on CMS API evidence that syslog alone would have missed (a guest joined after the last STATS line)', async (t) => {
  const dir = tempDir(t, 'wbguard-api-');
  const sim = await simulator(t, { leakRate: 0.1, joinRate: 300, meanStay: '5m' });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000);
  const env = { PW: SIM_PASSWORD };
  const build = (withApi: boolean) =>
    parseConfig(
      {
        cluster: 'lab',
        webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
        callbridges: sim.api.nodes.map((n) => ({
          name: n.name,
          ...(withApi
            ? { api: { url: n.url, username: 'api', password: 'env:PW', ca: sim.api.caCertPath, pollMs: 3_600_000 } }
            : {}),
        })),
        mmp: { password: 'env:PW' },
        restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365 },
        analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
        syslog: { tcp: '127.0.0.1:0' },
        http: { listen: '127.0.0.1:0' },
        policy: { mode: 'dry-run' },
        alerting: { apiDisagreeAbove: 1 },
        state: join(dir, withApi ? 'api' : 'syslog'),
      },
      { env },
    );
  const feed = (daemon: Awaited<ReturnType<typeof startDaemon>>) => feedPicture(daemon, sim, Date.now() - 60_000, 0);
  // A guest joins after the last STATS line: syslog still says CMA 0 everywhere.
  sim.cluster.setJoinRate(3000);
  sim.cluster.advance(60_000);
  sim.cluster.setJoinRate(0);
  const real = sim.state().callbridges.reduce((a, c) => a + c.cma, 0);
  assert.ok(real > 0, 'someone joined');

  const syslogOnly = await startDaemon(build(false), { env, evaluateEveryMs: 3_600_000 });
  t.after(() => syslogOnly.close());
  await feed(syslogOnly);
  assert.equal((await syslogOnly.evaluate()).action, 'would-restart', 'syslog alone sees an idle cluster');

  const withApi = await startDaemon(build(true), { env, evaluateEveryMs: 3_600_000 });
  t.after(() => withApi.close());
  await feed(withApi);
  await withApi.api.pollAll();
  const e = await withApi.evaluate();
  assert.equal(e.action, 'none');
  const idle = e.plan.decisions.map((d) => d.guards.find((g) => g.guard === 'idle'));
  assert.ok(
    idle.every((g) => g?.verdict === 'fail' && g.numbers.source === 'api'),
    JSON.stringify(idle),
  );
  const metrics = await (await fetch(`${withApi.url}/metrics`)).text();
  const sum = [
    ...metrics.matchAll(/wbguard_callbridge_api_cma_legs\{callbridge="cms\d",cluster="[^"]+"\} (\d+)/g),
  ].reduce((a, m) => a + Number(m[1]), 0);
  assert.equal(sum, real);
  const state = (await (await fetch(`${withApi.url}/api/v1/state`)).json()) as {
    api: Array<{ version: { affected: boolean } }>;
    cluster: { active: number };
    leakEstimate: { value: number; source: string };
  };
  assert.equal(state.api[0]?.version.affected, true);
  // The leak estimate takes the fresher view (the API, counted after the last STATS line) and says so.
  assert.deepEqual(state.leakEstimate.source, 'api');
  assert.equal(state.leakEstimate.value, Math.max(0, state.cluster.active - real));

  // The two views disagree (the API sees the guest, STATS said 0): alerted per Call Bridge beyond the threshold.
  const disagreeing = sim
    .state()
    .callbridges.filter((c) => c.cma > 1)
    .map((c) => c.name)
    .sort();
  assert.deepEqual(
    withApi.alerts.alerter
      .open()
      .filter((c) => c.event === 'api-disagree')
      .map((c) => c.subject)
      .sort(),
    disagreeing,
  );
  // `wbguard status` shows both counts and each node's version verdict.
  const { runCli } = await import('../../../src/app/cli/program.js');
  const { memoryIo } = await import('../../helpers/cli-io.js');
  const io = memoryIo();
  assert.equal(await runCli(['status', '--url', withApi.url], io), 0, io.err());
  assert.match(io.out(), /cms1: \d+ real CMA legs \(API, [^)]+\); STATS says 0/);
  assert.match(io.out(), /cms1: CMS 2\.\d+[.\d]*: affected/);
  assert.match(io.out(), /leak estimate \d+ \(Σ active − Σ real sessions by the CMS API, the fresher/);
});

test('a hanging CMS API stalls nothing: one request in flight per Call Bridge, evaluations and the API answer', async (t) => {
  const dir = tempDir(t, 'wbguard-hang-');
  const { createServer } = await import('node:net');
  const held: import('node:net').Socket[] = [];
  // Accepts TLS connections and never answers: the handshake hangs until the client gives up.
  const hang = createServer((s) => {
    held.push(s);
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of held) {
      s.destroy();
    }
    hang.close();
  });
  const port = (hang.address() as import('node:net').AddressInfo).port;
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      callbridges: [
        {
          name: 'cms1',
          api: {
            url: `https://127.0.0.1:${port}/api/v1`,
            username: 'api',
            password: 'env:PW',
            insecure: true,
            pollMs: 1000,
          },
        },
      ],
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'dry-run' },
      state: join(dir, 'state'),
    },
    { env: { PW: 'x' } },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  await until(() => (held.length >= 1 ? true : undefined), 10_000, 'the first API connection');
  // Three poll intervals pass while the first request hangs.
  for (let i = 0; i < 3; i++) {
    const e = await daemon.evaluate();
    assert.equal(e.mode, 'dry-run');
    const s = (await (await fetch(`${daemon.url}/api/v1/state`)).json()) as { api: Array<{ count: unknown }> };
    assert.equal(s.api[0]?.count, undefined);
    await new Promise((r) => setTimeout(r, 1100));
  }
  assert.equal(held.length, 1, 'single flight: no pile-up of requests to a hanging API');
});

test("the UDP drop metric counts what the kernel dropped at the daemon's socket, never another program's", async (t) => {
  const dir = tempDir(t, 'wbguard-kernel-drops-');
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      // A small receive buffer, so that a burst overflows the daemon's own socket too.
      syslog: { udp: '127.0.0.1:0', allow: ['127.0.0.0/8'], udpReceiveBufferBytes: 65_536 },
      http: { listen: '127.0.0.1:0' },
      state: join(dir, 'state'),
    },
    { env: {} },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  const sample = async (name: string) => {
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    return Number(new RegExp(`^${name}\\{transport="udp"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };
  // Another program's socket on the same machine, full: the kernel drops at it (and counts it machine-wide).
  const other = await heldSocket('udp4', '127.0.0.1');
  try {
    await flood('udp4', '127.0.0.1', other.port, 500);
    assert.ok((udpSocketDrops(other.port) ?? 0) > 400, 'the other socket dropped');
    // The daemon reads the kernel's counts every second.
    await new Promise((r) => setTimeout(r, 2500));
  } finally {
    await other.release();
  }
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /^# TYPE wbguard_syslog_dropped_total counter$/m);
  assert.ok(!/wbguard_syslog_dropped_total\{transport="udp"\} [1-9]/.test(metrics), 'no drop of its own counted');
  // A burst at its own socket, faster than its thread reads: every datagram received or counted as dropped.
  const port = daemon.listeners.find((l) => l.transport === 'udp')?.port as number;
  const sent = 20_000;
  await flood('udp4', '127.0.0.1', port, sent);
  await until(
    async () =>
      (await sample('wbguard_syslog_messages_total')) + (await sample('wbguard_syslog_dropped_total')) === sent ||
      undefined,
    10_000,
    'every datagram received or counted as dropped',
  );
  assert.ok((await sample('wbguard_syslog_dropped_total')) > 0, 'the kernel dropped some at its socket');
});

test('the UDP receive buffer and backlog are settings; a buffer the kernel caps (net.core.rmem_max) is logged as a warning', async (t) => {
  const dir = tempDir(t, 'wbguard-udp-buffer-');
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const start = async (syslog: Record<string, unknown>) => {
    const logs: string[] = [];
    const config = parseConfig(
      {
        cluster: 'lab',
        webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
        syslog: { udp: '127.0.0.1:0', allow: ['127.0.0.0/8'], ...syslog },
        http: { listen: '127.0.0.1:0' },
        state: join(dir, `state-${Object.keys(syslog).length}`),
      },
      { env: {} },
    );
    const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000, log: capturingLogger(logs) });
    await daemon.close();
    return { config, logs };
  };
  // The defaults: 4 MiB asked, 64 MiB of backlog.
  const defaults = await start({});
  assert.equal(defaults.config.syslog.udpReceiveBufferBytes, 4 * 1024 * 1024);
  assert.equal(defaults.config.syslog.maxUdpBacklogBytes, 64 * 1024 * 1024);
  // Within the kernel's limit: granted as asked, said in the start line, no warning.
  const within = await start({ udpReceiveBufferBytes: Math.min(rmemMax, 65_536 * 4), maxUdpBacklogBytes: 2_097_152 });
  assert.ok(
    within.logs.some(
      (l) => l.startsWith('info') && l.includes(`"receiveBufferBytes":${Math.min(rmemMax, 65_536 * 4)}`),
    ),
    within.logs.join('\n'),
  );
  assert.ok(!within.logs.some((l) => l.includes('net.core.rmem_max')));
  // Past it: capped by the kernel, and the administrator is told what to raise.
  const past = await start({ udpReceiveBufferBytes: rmemMax + 65_536 });
  const warning = past.logs.find((l) => l.startsWith('warn') && l.includes('net.core.rmem_max'));
  assert.ok(warning, past.logs.join('\n'));
  assert.match(warning, new RegExp(`"asked":${rmemMax + 65_536},"granted":${rmemMax}`));
});

test('stopping the daemon does not wait for a browser: kept-alive and half-sent requests are closed', async (t) => {
  const dir = tempDir(t, 'wbguard-http-close-');
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      syslog: { udp: '127.0.0.1:0', allow: ['127.0.0.0/8'] },
      http: { listen: '127.0.0.1:0' },
      state: join(dir, 'state'),
    },
    { env: {} },
  );
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  const { port } = new URL(daemon.url);
  // As the dashboard's browser: a request answered on a connection it keeps open for the next poll.
  const keptAlive = createConnection({ host: '127.0.0.1', port: Number(port) });
  const answered = new Promise<string>((resolve) => {
    let text = '';
    keptAlive.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('"lines"')) {
        resolve(text);
      }
    });
  });
  keptAlive.write(`GET /api/v1/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  assert.match(await answered, /^HTTP\/1\.1 200/);
  // And one whose request never ends.
  const halfSent = createConnection({ host: '127.0.0.1', port: Number(port) });
  await new Promise<void>((r) => halfSent.once('connect', () => r()));
  halfSent.write('GET /api/v1/state HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const ends = [keptAlive, halfSent].map((s) => new Promise<void>((r) => s.once('close', () => r())));
  t.after(() => {
    keptAlive.destroy();
    halfSent.destroy();
  });
  // Bounded: close() resolves (the daemon's grace is 2 s), or the test fails here instead of hanging.
  const closed = await Promise.race([
    daemon.close().then(() => 'closed'),
    new Promise((r) => setTimeout(() => r('still open after 15 s'), 15_000).unref()),
  ]);
  assert.equal(closed, 'closed');
  await Promise.all(ends);
});

test('a configured join refusal: the daemon reads refusals by analysis.joinRefused*, not the assumed wording', async (t) => {
  const dir = tempDir(t, 'wbguard-refusal-');
  const config = parseConfig({
    cluster: 'lab',
    webbridges: [
      { name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` },
      { name: 'cms2', mmp: '127.0.0.1:1', hostKey: `SHA256:${'b'.repeat(43)}` },
    ],
    syslog: { tcp: '127.0.0.1:0' },
    http: { listen: '127.0.0.1:0' },
    analysis: { joinRefusedPatterns: ['guests? turned away'], joinRefusedLevels: ['NOTICE'] },
    state: join(dir, 'state'),
  });
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${daemon.listeners[0]?.port}?framing=octet`));
  const at = Date.now() - 1000;
  sink.send('cms1', webBridgeStatsLine(at, 'cms1', 12, 12, 0));
  sink.send('cms2', webBridgeStatsLine(at, 'cms2', 12, 12, 0));
  // cms1 says it in the configured words; cms2 in the assumed ones, which this configuration replaced.
  sink.send('cms1', `${bsdStamp(at + 1)} user.notice cms1 "webbridge": NOTICE : 3 Guests turned away`);
  sink.send('cms2', joinRefusedLine(at + 1, 'cms2', 149));
  await until(() => (daemon.state.lines.read === 4 ? true : undefined), 10_000, 'four lines read');
  await sink.close();
  const reached = daemon.state
    .report(Date.now())
    .webbridges.map((w) => [w.name, w.reachedLimit])
    .sort();
  assert.deepEqual(reached, [
    ['cms1', true],
    ['cms2', false],
  ]);
});
