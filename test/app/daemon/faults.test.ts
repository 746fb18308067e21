/**
 * Faults in the running daemon (docs/reliability.md): the host clock stepped back, an MMP name that does not
 * resolve, the SSH server dying in the middle of `webbridge restart`, a syslog sender that drops its connection
 * (mid-frame) and comes back. Each gives a clear error or log line, an alert, and a daemon that stays up; each
 * alert recovers (or is one-shot) when the fault goes.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.js';
import { createSsh2MmpClient } from '../../../src/adapters/ssh/ssh2-mmp-client.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { httpReceiver } from '../../helpers/receivers.js';
import { until } from '../../helpers/until.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

type Hook = Awaited<ReturnType<typeof httpReceiver>>;
type Daemon = Awaited<ReturnType<typeof startDaemon>>;

function bodies(hook: Hook): Array<{ status: string; event: string; subject: string; summary: string }> {
  return hook.posts.map(
    (p) => JSON.parse(p.body) as { status: string; event: string; subject: string; summary: string },
  );
}

async function healthy(daemon: Daemon): Promise<boolean> {
  return (await fetch(`${daemon.url}/healthz`)).ok;
}

/** A simulator whose Web Bridges leaked past 10 sessions and are idle now. */
async function leakingSim(t: import('node:test').TestContext) {
  const sim = await simulator(t, { leakRate: 0.5, joinRate: 600, meanStay: '5m' });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000);
  return sim;
}

test('the host clock steps back: a clock-step alert and a log line; no restart outside the window nor past maxPerDay', async (t) => {
  const dir = tempDir(t, 'wbguard-clock-');
  const hook = await httpReceiver();
  t.after(() => hook.close());
  const sim = await leakingSim(t);
  const T = sim.cluster.now; // 2026-11-16 (a Monday) 13:00 UTC
  assert.equal(new Date(T).toISOString(), '2026-11-16T13:00:00.000Z');
  const env = { PW: SIM_PASSWORD, HOOK: `${hook.url}/hook` };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: { password: 'env:PW', probeEveryMs: 0 },
      restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365, maxPerDay: 1 },
      analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'enforce', windows: [{ days: ['mon'], from: '12:00', to: '14:00', tz: 'UTC' }] },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['clock-step', 'restart-done', 'restart-failed'] }],
      state: join(dir, 'state'),
    },
    { env },
  );
  // Each Web Bridge was restarted once today already, at 12:30.
  const journal = new JsonlJournal(config.state);
  for (const n of sim.mmp.nodes) {
    const ts = new Date(T - 30 * 60_000).toISOString();
    journal.append({ ts, trigger: 'daemon:leak', kind: 'command', cluster: 'lab', node: n.name });
    journal.append({ ts, trigger: 'daemon:leak', kind: 'result', cluster: 'lab', node: n.name, outcome: 'success' });
  }
  let clock = T;
  const logs: string[] = [];
  const daemon = await startDaemon(config, {
    env,
    now: () => clock,
    evaluateEveryMs: 3_600_000,
    log: capturingLogger(logs),
    alertRetryDelaysMs: [],
  });
  t.after(() => daemon.close());
  const commands = () => sim.cluster.history.filter((h) => h.event === 'command').length;
  await feedPicture(daemon, sim, clock);
  const first = await daemon.evaluate();
  assert.equal(first.windowOpen, true);
  assert.notEqual(first.action, 'restart', 'maxPerDay: each was restarted today');

  // Back 50 minutes, still in the window and the same day: the 12:30 restarts now lie "in the future".
  clock = T - 50 * 60_000;
  await until(() => logs.some((l) => l.includes('host clock stepped backwards')), 5000, 'the step noticed');
  await feedPicture(daemon, sim, clock);
  const inWindow = await daemon.evaluate();
  assert.equal(inWindow.windowOpen, true);
  assert.notEqual(inWindow.action, 'restart', JSON.stringify(inWindow.plan.decisions));
  for (const d of inWindow.plan.decisions) {
    assert.match(d.reasons.join('; '), /1 restart\(s\) today, at most 1/, 'maxPerDay still counts the 12:30 restart');
  }
  // Back again, before the window opens.
  clock = T - 3 * 3_600_000;
  await until(
    () => logs.filter((l) => l.includes('host clock stepped backwards')).length === 2,
    5000,
    'the second step noticed',
  );
  await feedPicture(daemon, sim, clock);
  const outside = await daemon.evaluate();
  assert.equal(outside.windowOpen, false);
  assert.notEqual(outside.action, 'restart');
  assert.equal(commands(), 0, 'no command reached an MMP');

  await daemon.alerts.alerter.idle();
  const steps = bodies(hook).filter((b) => b.event === 'clock-step');
  assert.equal(steps.length, 2, JSON.stringify(bodies(hook)));
  assert.equal(steps[0]?.status, 'event');
  assert.match(steps[0]?.summary ?? '', /stepped back 3000 s/);
  assert.match(logs.find((l) => l.includes('host clock stepped backwards')) ?? '', /"backMs":3\d{6}/);
  assert.ok(await healthy(daemon));
});

test('an MMP name that does not resolve: "cannot resolve <name>", an mmp-login alert; the other Web Bridges carry on', async (t) => {
  const dir = tempDir(t, 'wbguard-dns-');
  const hook = await httpReceiver();
  t.after(() => hook.close());
  const sim = await simulator(t, { nodes: 2 });
  const [a, b] = sim.mmp.nodes as [(typeof sim.mmp.nodes)[0], (typeof sim.mmp.nodes)[0]];
  const env = { PW: SIM_PASSWORD, HOOK: `${hook.url}/hook` };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [
        { name: a.name, mmp: `127.0.0.1:${a.port}`, hostKey: a.fingerprint },
        { name: b.name, mmp: `mmp-${b.name}.lab.invalid:${b.port}`, hostKey: b.fingerprint },
      ],
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: { password: 'env:PW', connectTimeoutMs: 3000, commandTimeoutMs: 3000 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'observe' },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['mmp-login'] }],
      state: join(dir, 'state'),
    },
    { env },
  );
  // No DNS query leaves the machine: the client's name resolution is the test's.
  const asked: string[] = [];
  let dnsWorks = false;
  const mmp = createSsh2MmpClient({
    username: 'admin',
    password: () => SIM_PASSWORD,
    connectTimeoutMs: 3000,
    lookup: async (name) => {
      asked.push(name);
      if (dnsWorks) {
        return { address: '127.0.0.1' };
      }
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  });
  const logs: string[] = [];
  let clock = sim.cluster.now;
  const daemon = await startDaemon(config, {
    env,
    mmp,
    now: () => clock,
    evaluateEveryMs: 3_600_000,
    probeFirstAfterMs: 3_600_000,
    alertRetryDelaysMs: [],
    log: capturingLogger(logs),
  });
  t.after(() => daemon.close());
  await daemon.probe.probeAll();
  assert.deepEqual(asked, [`mmp-${b.name}.lab.invalid`], 'an IP address is never looked up');
  const results = daemon.probe.results();
  assert.deepEqual(
    results.map((r) => [r.name, r.ok, r.code ?? null]),
    [
      [a.name, true, null],
      [b.name, false, 'WBGUARD_ERR_SSH_CONNECT'],
    ],
  );
  assert.match(results[1]?.message ?? '', new RegExp(`^cannot resolve mmp-${b.name}\\.lab\\.invalid \\(ENOTFOUND\\)`));
  assert.ok(logs.some((l) => l.includes('MMP login probe failed') && l.includes('cannot resolve')));
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    bodies(hook).map((x) => `${x.status} ${x.event} ${x.subject}`),
    [`firing mmp-login ${b.name}`],
  );
  assert.match(bodies(hook)[0]?.summary ?? '', /cannot resolve/);
  assert.ok(await healthy(daemon));
  // Syslog still flows and the daemon still evaluates.
  await feedPicture(daemon, sim, clock);
  assert.equal(daemon.state.report(clock).webbridges.length, 2);

  // DNS answers again: the probe logs in, the alert recovers.
  dnsWorks = true;
  await daemon.probe.probeAll();
  clock += 60_000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    bodies(hook).map((x) => `${x.status} ${x.event} ${x.subject}`),
    [`firing mmp-login ${b.name}`, `recovered mmp-login ${b.name}`],
  );
});

test('the SSH server dies in the middle of `webbridge restart`: failure journaled, restart-failed alert, the rest abandoned, daemon up', async (t) => {
  const dir = tempDir(t, 'wbguard-sshdrop-');
  const hook = await httpReceiver();
  t.after(() => hook.close());
  const sim = await leakingSim(t);
  for (const n of sim.mmp.nodes) {
    sim.cluster.setFaults(n.name, { dropMidCommand: true });
  }
  const env = { PW: SIM_PASSWORD, HOOK: `${hook.url}/hook` };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: { password: 'env:PW', connectTimeoutMs: 3000, commandTimeoutMs: 3000, probeEveryMs: 0 },
      restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365 },
      analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'enforce' },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['restart-failed', 'restart-done'] }],
      state: join(dir, 'state'),
    },
    { env },
  );
  const logs: string[] = [];
  const daemon = await startDaemon(config, {
    env,
    evaluateEveryMs: 3_600_000,
    log: capturingLogger(logs),
    alertRetryDelaysMs: [],
  });
  t.after(() => daemon.close());
  await feedPicture(daemon, sim, sim.cluster.now);
  const e = await daemon.evaluate();
  assert.equal(e.action, 'restart');
  const first = e.plan.order[0] as string;
  await until(() => bodies(hook).some((x) => x.event === 'restart-failed'), 15_000, 'the restart-failed alert');
  const failed = bodies(hook).filter((x) => x.event === 'restart-failed');
  assert.equal(failed[0]?.subject, first);
  assert.match(failed[0]?.summary ?? '', new RegExp(`restart of ${first} failed`));
  const journal = (await (await fetch(`${daemon.url}/api/v1/journal`)).json()) as Array<{
    kind: string;
    node?: string;
    outcome?: string;
    error?: { code?: string; message?: string };
  }>;
  const result = journal.find((x) => x.kind === 'result' && x.node === first);
  assert.equal(result?.outcome, 'failure');
  assert.equal(result?.error?.code, 'WBGUARD_ERR_SSH_CLOSED');
  assert.match(result?.error?.message ?? '', new RegExp(`node:${first}, cmd:webbridge restart`));
  assert.ok(
    journal.filter((x) => x.kind === 'result' && x.node !== first).every((x) => x.outcome === 'abandoned'),
    'the rolling run stops at the first failure',
  );
  assert.ok(
    logs.some((l) => l.includes('WBGUARD_ERR_SSH_CLOSED') || l.includes('connection closed')),
    logs.join('\n'),
  );
  assert.equal(sim.cluster.history.filter((h) => h.event === 'restart:started').length, 0);
  // Still up and still reading syslog.
  assert.ok(await healthy(daemon));
  const before = daemon.state.lines.callbridgeStats;
  await feedPicture(daemon, sim, sim.cluster.now + 60_000);
  assert.ok(daemon.state.lines.callbridgeStats > before);
});

/** Octet-counted frames on a raw socket. */
function frame(line: string): string {
  const m = `<14>${line}`;
  return `${Buffer.byteLength(m)} ${m}`;
}

async function open(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return s;
}

test('a syslog sender drops its connection mid-frame and comes back: its lines resume, quiet fires and recovers', async (t) => {
  const dir = tempDir(t, 'wbguard-reconnect-');
  const hook = await httpReceiver();
  t.after(() => hook.close());
  const env = { HOOK: `${hook.url}/hook` };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
      mmp: { probeEveryMs: 0 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'observe' },
      alerts: [{ type: 'webhook', url: 'env:HOOK', events: ['quiet', 'syslog-drops'] }],
      state: join(dir, 'state'),
    },
    { env },
  );
  let clock = Date.UTC(2026, 10, 16, 13, 0, 0);
  const daemon = await startDaemon(config, {
    env,
    now: () => clock,
    evaluateEveryMs: 3_600_000,
    alertRetryDelaysMs: [],
  });
  t.after(() => daemon.close());
  const port = daemon.listeners[0]?.port as number;
  const stats = () => daemon.state.lines.webbridgeStats;

  // Ten lines, then half a frame, then the connection is reset.
  let s = await open(port);
  for (let i = 0; i < 10; i++) {
    s.write(frame(webBridgeStatsLine(clock - 10_000 + i, 'cms1', 20 + i, i, 0)));
  }
  await until(() => stats() === 10, 5000, 'the first ten lines');
  s.write(frame(webBridgeStatsLine(clock, 'cms1', 99, 0, 0)).slice(0, 40));
  s.resetAndDestroy();
  await new Promise((r) => s.once('close', r));

  // Silence for ten minutes (five of the default 60 s intervals): the Web Bridge is quiet.
  clock += 10 * 60_000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    bodies(hook).map((x) => `${x.status} ${x.event} ${x.subject}`),
    ['firing quiet cms1'],
  );

  // It reconnects and goes on: every whole frame counts, the torn one neither as a line nor as a bad frame.
  s = await open(port);
  t.after(() => s.destroy());
  for (let i = 0; i < 10; i++) {
    s.write(frame(webBridgeStatsLine(clock + i, 'cms1', 40 + i, i, 0)));
  }
  await until(() => stats() === 20, 5000, 'the ten lines after reconnecting');
  assert.equal(daemon.state.report(clock).webbridges[0]?.active, 49);
  assert.equal(daemon.state.lines.malformed, 0);
  clock += 1000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    bodies(hook).map((x) => `${x.status} ${x.event} ${x.subject}`),
    ['firing quiet cms1', 'recovered quiet cms1'],
    'a torn frame is not a drop: no syslog-drops alert',
  );
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /wbguard_syslog_messages_total\{transport="tcp"\} 20/);
  assert.ok(!/wbguard_syslog_dropped_total\{transport="tcp"\} [1-9]/.test(metrics));
});
