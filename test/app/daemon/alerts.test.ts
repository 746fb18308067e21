/**
 * Alerts from the daemon, end to end: a daemon fed by the simulator over syslog announces a leak to the test's own
 * webhook and SMTP receivers once, again after the repeat interval, and its recovery; no secret appears in any
 * message or log line.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import { capturingLogger } from '../../helpers/capturing-logger.js';
import { feedPicture } from '../../helpers/feed-picture.js';
import { httpReceiver, smtpReceiver } from '../../helpers/receivers.js';
import { SIM_PASSWORD, simulator, tempDir } from '../../sim/helpers.js';

const HOOK_TOKEN = 'hook-path-T0ken-s3cret';
const SMTP_PASSWORD = 'smtp-Pa55w0rd-s3cret';
const HTTP_TOKEN = 'http-T0ken-s3cret';

test('a leak is announced once to a webhook and by e-mail, repeated after the interval, then recovered', async (t) => {
  const dir = tempDir(t, 'wbguard-alerts-');
  const hook = await httpReceiver();
  const smtp = await smtpReceiver(join(dir, 'smtp'), 'wbguard', SMTP_PASSWORD);
  t.after(() => Promise.all([hook.close(), smtp.close()]));
  const sim = await simulator(t, { leakRate: 0.5, joinRate: 600, meanStay: '5m' });
  sim.cluster.advance(3 * 3_600_000);
  sim.cluster.setJoinRate(0);
  sim.cluster.advance(2 * 3_600_000);
  const env = {
    PW: SIM_PASSWORD,
    HOOK: `${hook.url}/hooks/${HOOK_TOKEN}`,
    SMTP_PW: SMTP_PASSWORD,
    TOKEN: HTTP_TOKEN,
  };
  const events = ['leak', 'limit', 'restart-done', 'restart-failed'];
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
      callbridges: sim.mmp.nodes.map((n) => ({ name: n.name })),
      mmp: { password: 'env:PW' },
      restart: { leakThreshold: 10, staleAfterMs: 3_600_000 * 24 * 365 },
      analysis: { staleAfterMs: 3_600_000 * 24 * 365 },
      syslog: { tcp: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0', token: 'env:TOKEN' },
      policy: { mode: 'observe' },
      alerting: { leakAbove: 10 },
      alerts: [
        { type: 'webhook', name: 'ops-hook', url: 'env:HOOK', events, repeatAfterMs: 60_000 },
        {
          type: 'email',
          name: 'noc-mail',
          host: '127.0.0.1',
          port: smtp.port,
          user: 'wbguard',
          password: 'env:SMTP_PW',
          ca: smtp.certPath,
          from: 'wbguard@example.org',
          to: ['noc@example.org'],
          events,
          repeatAfterMs: 60_000,
        },
      ],
      state: join(dir, 'state'),
    },
    { env },
  );
  const logLines: string[] = [];
  let clock = sim.cluster.now;
  const daemon = await startDaemon(config, {
    env,
    now: () => clock,
    evaluateEveryMs: 3_600_000,
    log: capturingLogger(logLines),
    alertRetryDelaysMs: [],
  });
  t.after(() => daemon.close());
  await feedPicture(daemon, sim, clock);
  const report = daemon.state.report(clock);
  const leaking = report.webbridges.filter((w) => (w.leakedMin ?? 0) >= 10).map((w) => w.name);
  const atLimit = report.webbridges.filter((w) => (w.active ?? 0) >= 149).map((w) => w.name);
  assert.ok(leaking.length > 0, 'the simulator leaked past the threshold');
  const expect = (status: string) => [
    ...leaking.map((n) => `${status} leak ${n}`),
    ...atLimit.map((n) => `${status} limit ${n}`),
  ];

  const statuses = () =>
    hook.posts.map((p) => {
      const b = JSON.parse(p.body) as { status: string; subject: string; event: string };
      return `${b.status} ${b.event} ${b.subject}`;
    });
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(statuses().sort(), expect('firing').sort());
  const perCheck = hook.posts.length;
  assert.equal(smtp.messages.length, 1, 'one e-mail for the check');

  // The same condition, 30 s later: nothing new. After the 60 s repeat interval: once more.
  clock += 30_000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.equal(hook.posts.length, perCheck);
  clock += 31_000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(statuses().slice(perCheck).sort(), expect('repeat').sort());
  assert.equal(smtp.messages.length, 2);

  // The leaked sessions go only with a restart: restarted (by hand, on the simulator), every condition recovers.
  for (const name of new Set([...leaking, ...atLimit])) {
    await sim.cluster.node(name)?.restartWebBridge();
  }
  sim.cluster.advance(120_000);
  clock = Math.max(clock + 10_000, sim.cluster.now);
  await feedPicture(daemon, sim, clock);
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    statuses()
      .slice(2 * perCheck)
      .sort(),
    expect('recovered').sort(),
  );
  assert.equal(smtp.messages.length, 3);
  assert.match(smtp.messages[2]?.raw ?? '', /RECOVERED/);
  assert.deepEqual(
    daemon.alerts.alerter.open().filter((c) => c.event === 'leak' || c.event === 'limit'),
    [],
  );

  // The store keeps each condition's appearance and end (never the repeats), whatever the channels.
  const stored = (await daemon.store.events(100))
    .filter((e) => e.kind === 'alert')
    .map((e) => {
      const d = e.data as { status: string; event: string; subject: string };
      return `${d.status} ${d.event} ${d.subject}`;
    });
  assert.deepEqual(
    stored.filter((x) => /^(firing|recovered) (leak|limit) /.test(x)).sort(),
    [...expect('firing'), ...expect('recovered')].sort(),
  );
  assert.ok(!stored.some((x) => x.startsWith('repeat')));

  // The counts are in the metrics; no secret is in any message, log line or metric.
  const metrics = await (
    await fetch(`${daemon.url}/metrics`, { headers: { authorization: `Bearer ${HTTP_TOKEN}` } })
  ).text();
  assert.match(metrics, /wbguard_alerts_sent_total\{channel="ops-hook",event="leak",status="firing"\} [1-9]/);
  const everything = [...hook.posts.map((p) => p.body), ...smtp.messages.map((m) => m.raw), ...logLines, metrics].join(
    '\n',
  );
  for (const secret of [HOOK_TOKEN, SMTP_PASSWORD, HTTP_TOKEN, SIM_PASSWORD]) {
    assert.ok(!everything.includes(secret), 'a secret leaked into a message, log or metric');
  }
});

test('the MMP login probe alerts on an expired password long before a restart needs the login, and recovers', async (t) => {
  const dir = tempDir(t, 'wbguard-probe-');
  const hook = await httpReceiver();
  t.after(() => hook.close());
  const sim = await simulator(t, { nodes: 2 });
  const env = { PW: SIM_PASSWORD, HOOK: `${hook.url}/hooks/${HOOK_TOKEN}` };
  const config = parseConfig(
    {
      cluster: 'lab',
      webbridges: sim.mmp.nodes.map((n) => ({ name: n.name, mmp: `127.0.0.1:${n.port}`, hostKey: n.fingerprint })),
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
  let clock = sim.cluster.now;
  const logLines: string[] = [];
  const daemon = await startDaemon(config, {
    env,
    now: () => clock,
    evaluateEveryMs: 3_600_000,
    probeFirstAfterMs: 3_600_000,
    alertRetryDelaysMs: [],
    log: capturingLogger(logLines),
  });
  t.after(() => daemon.close());
  const [first, second] = sim.mmp.nodes.map((n) => n.name) as [string, string];
  sim.cluster.setFaults(second, { passwordExpired: true });
  await daemon.probe.probeAll();
  assert.deepEqual(
    daemon.probe.results().map((r) => [r.name, r.ok, r.code ?? null]),
    [
      [first, true, null],
      [second, false, 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED'],
    ],
  );
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  const bodies = () =>
    hook.posts.map((p) => JSON.parse(p.body) as { status: string; subject: string; summary: string });
  assert.deepEqual(
    bodies().map((b) => `${b.status} ${b.subject}`),
    [`firing ${second}`],
  );
  assert.match(bodies()[0]?.summary ?? '', /demands a new password/);
  const state = (await (await fetch(`${daemon.url}/api/v1/state`)).json()) as { mmp: Array<{ ok: boolean }> };
  assert.deepEqual(
    state.mmp.map((m) => m.ok),
    [true, false],
  );

  // The password is changed on the MMP: the next probe succeeds and the alert recovers.
  sim.cluster.setFaults(second, { passwordExpired: false });
  await daemon.probe.probeAll();
  clock += 60_000;
  await daemon.evaluate();
  await daemon.alerts.alerter.idle();
  assert.deepEqual(
    bodies().map((b) => `${b.status} ${b.subject}`),
    [`firing ${second}`, `recovered ${second}`],
  );
  assert.ok(!logLines.join('\n').includes(SIM_PASSWORD));
  assert.ok(
    !hook.posts
      .map((p) => p.body)
      .join('\n')
      .includes(HOOK_TOKEN),
  );
});
