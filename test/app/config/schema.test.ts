import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG, exampleWithEverything } from '../../../src/app/config/example.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { errorOf, FP } from './helpers.js';

const offline = { resolveSecrets: false } as const;

// biome-ignore lint/suspicious/noExplicitAny: test data is broken on purpose, in ways no type would allow
type Data = Record<string, any>;

/** A small valid configuration; each case below breaks one thing in it. */
function base(): Data {
  return {
    webbridges: [{ name: 'cms1', mmp: '10.0.0.11:22', hostKey: FP }],
    callbridges: [{ name: 'cms1' }],
    mmp: { password: 'env:PW' },
  };
}

function issuesOf(data: unknown): string[] {
  return [...(errorOf(() => parseConfig(data, offline)).issues ?? [])];
}

describe('configuration schema: good configurations', () => {
  test('the smallest useful one gets every default', () => {
    const c = parseConfig(base(), offline);
    assert.equal(c.cluster, 'cluster');
    assert.equal(c.mmp.username, 'admin');
    assert.equal(c.mmp.restartCommand, 'webbridge restart');
    assert.equal(c.mmp.statusCommand, 'webbridge');
    assert.equal(c.mmp.connectTimeoutMs, 10_000);
    assert.deepEqual(
      { ...c.restart },
      {
        maxActiveSessions: 0,
        leakThreshold: 20,
        nearLimitMargin: 5,
        staleAfterMs: 900_000,
        verifyTimeoutMs: 300_000,
        verifyHealthyReadings: 2,
        verifyIntervalMs: 5000,
        maxPerDay: 1,
      },
    );
    assert.deepEqual(
      { ...c.analysis },
      {
        limit: 149,
        cmaClients: 'webrtc-only',
        staleAfterMs: 900_000,
        joinRefusedPatterns: [
          'join refused',
          'unable to join meeting',
          'connection rejected: too many sessions',
          'session limit reached',
        ],
        joinRefusedLevels: ['ERROR', 'WARN'],
      },
    );
    assert.equal(c.policy.mode, 'dry-run');
    assert.equal(c.http.listen, '127.0.0.1:8080');
    assert.equal(c.store.url, 'sqlite');
    assert.equal(c.state, '/var/lib/wbguard');
    assert.equal(c.log.level, 'info');
    assert.deepEqual(c.warnings, []);
  });

  test('every key of the design brief, in one file', () => {
    const c = parseConfig(parse(readFileSync('test/fixtures/config/full.yaml', 'utf8')), offline);
    assert.equal(c.webbridges[1]?.mmp, '[2001:db8::12]:2222');
    assert.equal(c.callbridges[0]?.api?.ca, '/path/ca.pem', 'file: is taken off a plain file path');
    assert.equal(c.syslog.tls?.cert, '/p/cert.pem');
    assert.equal(c.syslog.tls?.key, 'file:/p/key.pem', 'a secret keeps its reference');
    assert.equal(c.store.url, 'postgres://wbguard@db.example.com:5432/wbguard');
    assert.deepEqual(
      c.policy.windows.map((w) => w.tz),
      ['Europe/Berlin', 'Europe/Berlin'],
      'a window without tz takes policy.tz',
    );
    assert.equal(c.alerts.length, 4);
    assert.deepEqual(c.warnings, []);
  });

  test('the example `config init` writes validates, as written and with every optional setting on', () => {
    const plain = parseConfig(parse(EXAMPLE_CONFIG), offline);
    const everything = parseConfig(parse(exampleWithEverything()), offline);
    assert.equal(plain.webbridges.length, 2);
    // Switching the optional lines on must change something, or the check above proves nothing.
    assert.ok(everything.callbridges[0]?.api && !plain.callbridges[0]?.api);
    assert.equal(everything.alerts.length, 2);
    assert.ok(everything.syslog.tls && everything.files.length === 1 && everything.policy.schedule);
  });

  test('store: the string form means { url }', () => {
    assert.equal(parseConfig({ ...base(), store: 'postgres://u@db/x' }, offline).store.url, 'postgres://u@db/x');
    assert.equal(parseConfig({ ...base(), store: 'sqlite:/srv/w.db' }, offline).store.url, 'sqlite:/srv/w.db');
  });
});

describe('configuration schema: each bad value is rejected with its path', () => {
  const cases: Array<[string, (d: Data) => void]> = [
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = 'host:0')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = 'host:65536')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = '2001:db8::1:22')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = '[2001:db8::1')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = '[10.0.0.1]:22')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = '10.0.0.256')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = 'bad host')],
    ['webbridges.0.mmp', (d) => (d.webbridges[0].mmp = 'host:22x')],
    ['webbridges.0.hostKey', (d) => (d.webbridges[0].hostKey = 'SHA256:tooShort')],
    ['webbridges.0.hostKey', (d) => (d.webbridges[0].hostKey = `MD5:${'a'.repeat(43)}`)],
    ['webbridges.0.name', (d) => (d.webbridges[0].name = 'cms 1')],
    ['webbridges.0.webPort', (d) => (d.webbridges[0].webPort = 0)],
    ['webbridges.0.webPort', (d) => (d.webbridges[0].webPort = 443.5)],
    ['webbridges.0.name', (d) => delete d.webbridges[0].name],
    ['syslog.udp', (d) => (d.syslog = { udp: '0.0.0.0:70000' })],
    ['syslog.allow.0', (d) => (d.syslog = { allow: ['10.0.0.0/33'] })],
    ['syslog.allow.0', (d) => (d.syslog = { allow: ['10.0.0.300/24'] })],
    ['syslog.allow.0', (d) => (d.syslog = { allow: ['2001:db8::/129'] })],
    ['syslog.allow.0', (d) => (d.syslog = { allow: ['lab-net'] })],
    ['syslog.maxFrameBytes', (d) => (d.syslog = { maxFrameBytes: 10 })],
    ['policy.schedule', (d) => (d.policy = { schedule: '61 * * * *' })],
    ['policy.schedule', (d) => (d.policy = { schedule: '0 0 2 * * 6' })],
    ['policy.windows.0.from', (d) => (d.policy = { windows: [{ days: ['sat'], from: '24:00', to: '05:00' }] })],
    ['policy.windows.0.to', (d) => (d.policy = { windows: [{ days: ['sat'], from: '01:00', to: '5:00' }] })],
    ['policy.windows.0.days', (d) => (d.policy = { windows: [{ days: [], from: '01:00', to: '05:00' }] })],
    ['policy.windows.0.days.0', (d) => (d.policy = { windows: [{ days: ['someday'], from: '01:00', to: '05:00' }] })],
    [
      'policy.windows.0.tz',
      (d) => (d.policy = { windows: [{ days: ['sat'], from: '01:00', to: '05:00', tz: 'Mars/Base' }] }),
    ],
    ['policy.windows.0.to', (d) => (d.policy = { windows: [{ days: ['sat'], from: '01:00', to: '01:00' }] })],
    ['policy.tz', (d) => (d.policy = { tz: 'Nowhere/Special' })],
    ['policy.blackouts.0', (d) => (d.policy = { blackouts: ['2026-02-30'] })],
    ['policy.blackouts.0', (d) => (d.policy = { blackouts: ['24.12.2026'] })],
    ['policy.mode', (d) => (d.policy = { mode: 'yolo' })],
    [
      'callbridges.0.api.url',
      (d) => (d.callbridges[0].api = { url: 'http://10.0.0.1:445', username: 'a', password: 'env:A' }),
    ],
    ['callbridges.0.api.password', (d) => (d.callbridges[0].api = { url: 'https://10.0.0.1:445', username: 'a' })],
    [
      'callbridges.0.api.insecure',
      (d) => (d.callbridges[0].api = { url: 'https://h', username: 'a', password: 'env:A', ca: '/ca', insecure: true }),
    ],
    ['restart.maxPerDay', (d) => (d.restart = { maxPerDay: 0 })],
    ['restart.maxActiveSessions', (d) => (d.restart = { maxActiveSessions: 149 })],
    [
      'restart.nearLimitMargin',
      (d) => {
        d.analysis = { limit: 10 };
        d.restart = { nearLimitMargin: 10 };
      },
    ],
    ['restart.leakThreshold', (d) => (d.restart = { leakThreshold: '20' })],
    ['mmp.statusPattern', (d) => (d.mmp.statusPattern = '(unclosed')],
    ['mmp.passphrase', (d) => (d.mmp.passphrase = 'env:PP')],
    ['mmp.connectTimeoutMs', (d) => (d.mmp.connectTimeoutMs = -1)],
    ['analysis.cmaClients', (d) => (d.analysis = { cmaClients: 'some' })],
    [
      'analysis.joinRefusedPatterns.1',
      (d) => (d.analysis = { joinRefusedPatterns: ['too many guests', 'limit (\\d+'] }),
    ],
    ['analysis.joinRefusedLevels.0', (d) => (d.analysis = { joinRefusedLevels: ['ERROR :'] })],
    ['alerts.0.type', (d) => (d.alerts = [{ type: 'sms', url: 'env:X' }])],
    ['alerts.0.to.0', (d) => (d.alerts = [{ type: 'email', host: 'smtp', from: 'a@b.c', to: ['noc'] }])],
    [
      'alerts.0.password',
      (d) => (d.alerts = [{ type: 'email', host: 'smtp', user: 'u', from: 'a@b.c', to: ['n@b.c'] }]),
    ],
    ['alerts.0.events.0', (d) => (d.alerts = [{ type: 'webhook', url: 'env:X', events: ['everything'] }])],
    ['store.url', (d) => (d.store = 'mysql://db/x')],
    [
      'syslog.tls.ca',
      (d) => (d.syslog = { tls: { listen: '0.0.0.0:6514', cert: '/c', key: 'file:/k', requireClientCert: true } }),
    ],
    ['http.listen', (d) => (d.http = { listen: 'localhost:http' })],
    ['log.level', (d) => (d.log = { level: 'verbose' })],
    ['files.0.path', (d) => (d.files = [{ path: '' }])],
    ['cluster', (d) => (d.cluster = '')],
    ['webbridges.1.name', (d) => d.webbridges.push({ name: 'cms1', mmp: 'h2', hostKey: FP })],
    ['webbridges.1.syslogHost', (d) => d.webbridges.push({ name: 'cms2', mmp: 'h2', hostKey: FP, syslogHost: 'cms1' })],
    ['callbridges.1.name', (d) => d.callbridges.push({ name: 'cms1' })],
  ];
  for (const [path, breakIt] of cases) {
    const d = base();
    breakIt(d);
    const shown = JSON.stringify(d).slice(0, 150);
    test(`${path} ← ${shown.length > 100 ? `${shown.slice(0, 100)}…` : shown}`, () => {
      // The good base passes; the broken copy fails at exactly this path.
      parseConfig(base(), offline);
      const issues = issuesOf(d);
      assert.ok(
        issues.some((i) => i.startsWith(`${path}: `)),
        `expected an issue at ${path}, got:\n${issues.join('\n')}`,
      );
    });
  }
});

describe('configuration schema: all at once, unknown keys, cross-field rules', () => {
  test('every problem is reported in one error, each with its path', () => {
    const d = base();
    d.webbridges[0].mmp = 'host:99999';
    d.webbridges.push({ name: 'cms1', mmp: 'ok' });
    d.restart = { maxPerDay: 0, leakTreshold: 5 };
    d.policy = { schedule: 'never', windows: [{ days: ['sat'], from: '25:00', to: '05:00', tz: 'Mars/Base' }] };
    d.extra = true;
    const e = errorOf(() => parseConfig(d, offline));
    assert.equal(e.name, 'ConfigError');
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    const paths = (e.issues ?? []).map((i) => i.split(': ')[0]);
    assert.deepEqual(
      [...paths].sort(),
      [
        'extra',
        'policy.schedule',
        'policy.windows.0.from',
        'policy.windows.0.tz',
        'restart.leakTreshold',
        'restart.maxPerDay',
        'webbridges.0.mmp',
        'webbridges.1.name',
      ].sort(),
    );
    assert.match(e.message, /8 problems/);
  });

  test('an unknown key is named with its full path and, for a typo, the key meant', () => {
    const d = base();
    d.restart = { leakTreshold: 5 };
    d.mmp.knownhosts = '/x';
    d.webbridges[0].hostkey = FP;
    d.syslog = { udpp: '0.0.0.0:514' };
    d.zzz = 1;
    const issues = issuesOf(d);
    assert.ok(issues.includes('restart.leakTreshold: unknown key (did you mean leakThreshold?)'), issues.join('\n'));
    assert.ok(issues.includes('mmp.knownhosts: unknown key (did you mean knownHosts?)'));
    assert.ok(issues.includes('webbridges.0.hostkey: unknown key (did you mean hostKey?)'));
    assert.ok(issues.includes('syslog.udpp: unknown key (did you mean udp?)'));
    const zzz = issues.find((i) => i.startsWith('zzz: '));
    assert.match(zzz ?? '', /^zzz: unknown key \(known here: cluster, webbridges, .*\)$/);
  });

  test('host keys and a way to log in: errors in enforce, warnings otherwise', () => {
    const d = base();
    delete d.webbridges[0].hostKey;
    delete d.mmp.password;
    const observing = parseConfig(d, offline);
    assert.deepEqual(
      observing.warnings.map((w) => w.split(': ')[0]),
      ['webbridges.0.hostKey', 'mmp'],
    );
    const issues = issuesOf({
      ...d,
      policy: { mode: 'enforce', windows: [{ days: ['sat'], from: '01:00', to: '02:00' }] },
    });
    assert.deepEqual(
      issues.map((i) => i.split(': ')[0]),
      ['webbridges.0.hostKey', 'mmp'],
    );
    // knownHosts covers every Web Bridge without a pinned key; an agent is a way to log in.
    parseConfig(
      {
        ...d,
        mmp: { knownHosts: '/k', agent: true },
        policy: { mode: 'enforce', windows: [{ days: ['sat'], from: '01:00', to: '02:00' }] },
      },
      offline,
    );
  });

  test('warnings: enforce without a window or trigger, an open HTTP port without a token, no Web Bridge', () => {
    const c = parseConfig(
      { ...base(), policy: { mode: 'enforce', leakTrigger: false }, http: { listen: '0.0.0.0:8080' } },
      offline,
    );
    assert.deepEqual(
      c.warnings.map((w) => w.split(': ')[0]),
      ['policy.windows', 'policy', 'http.token'],
    );
    assert.deepEqual(
      parseConfig({}, offline).warnings.map((w) => w.split(': ')[0]),
      ['webbridges'],
    );
  });

  test('a duplicate name is reported once, not again as a duplicate syslog host', () => {
    const d = base();
    d.webbridges.push({ name: 'cms1', mmp: 'h2', hostKey: FP });
    assert.deepEqual(issuesOf(d), ['webbridges.1.name: name cms1 is already used by webbridges.0']);
  });

  test('the result is deep-frozen', () => {
    const c = parseConfig(base(), offline);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.webbridges) && Object.isFrozen(c.webbridges[0]));
    assert.throws(() => {
      (c.restart as { maxPerDay: number }).maxPerDay = 99;
    }, TypeError);
  });
});

describe('configuration schema: several clusters (issue 10)', () => {
  const two = (): Data => ({
    mmp: { password: 'env:PW', knownHosts: '/k' },
    policy: { mode: 'dry-run' },
    clusters: [
      {
        name: 'berlin',
        webbridges: [{ name: 'cms1', mmp: '10.1.0.11', syslogHost: 'ber-cms1' }],
        callbridges: [{ name: 'cms1', syslogHost: 'ber-cms1' }],
        policy: { mode: 'enforce', windows: [{ days: ['sun'], from: '01:00', to: '04:00', tz: 'Europe/Berlin' }] },
      },
      {
        name: 'paris',
        webbridges: [{ name: 'cms1', mmp: '10.2.0.11', syslogHost: 'par-cms1' }],
        callbridges: [
          {
            name: 'cms1',
            syslogHost: 'par-cms1',
            api: { url: 'https://10.2.0.11:445', username: 'api', password: 'env:PARIS_API' },
          },
        ],
      },
    ],
  });

  test('each cluster with its own nodes and (optionally) policy; the same node name in two clusters is fine', async () => {
    const { clustersOf, webbridgeNameMap } = await import('../../../src/app/config/index.js');
    const c = parseConfig(two(), { env: { PW: 'x', PARIS_API: 'y' } });
    const views = clustersOf(c);
    assert.deepEqual(
      views.map((k) => [k.name, k.webbridges.map((w) => w.mmp), k.policy.mode]),
      [
        ['berlin', ['10.1.0.11'], 'enforce'],
        ['paris', ['10.2.0.11'], 'dry-run'],
      ],
    );
    assert.equal(c.secrets.get('clusters.1.callbridges.0.api.password')?.reveal(), 'y');
    assert.deepEqual(
      [...webbridgeNameMap(c)],
      [
        ['ber-cms1', 'cms1'],
        ['par-cms1', 'cms1'],
      ],
    );
    // One cluster at the top level reads the same way.
    assert.deepEqual(
      clustersOf(parseConfig({ ...base(), cluster: 'lab' }, offline)).map((k) => [k.name, k.webbridges.length]),
      [['lab', 1]],
    );
  });

  test('problems inside clusters carry their full path; syslog hosts are unique across clusters', () => {
    const d = two();
    d.clusters[1].name = 'berlin';
    d.clusters[1].webbridges[0].syslogHost = 'ber-cms1';
    d.clusters[0].webbridges.push({ name: 'cms1', mmp: '10.1.0.12', syslogHost: 'ber-cms2' });
    d.clusters[0].webbridges[0].mmp = '10.1.0.300';
    d.clusters[0].policy.windows[0].from = '04:00';
    d.webbridges = [{ name: 'stray', mmp: 'h', hostKey: FP }];
    const paths = issuesOf(d).map((i) => i.split(': ')[0]);
    assert.deepEqual([...paths].sort(), [
      'clusters.0.policy.windows.0.to',
      'clusters.0.webbridges.0.mmp',
      'clusters.0.webbridges.1.name',
      'clusters.1.name',
      'clusters.1.webbridges.0.syslogHost',
      'webbridges',
    ]);
  });

  test("enforce in one cluster makes that cluster's missing host keys errors, not the others'", () => {
    const d = two();
    delete d.mmp.knownHosts;
    const paths = issuesOf(d).map((i) => i.split(': ')[0]);
    assert.deepEqual(paths, ['clusters.0.webbridges.0.hostKey']);
    d.clusters[0].policy.mode = 'observe';
    const c = parseConfig(d, offline);
    assert.deepEqual(
      c.warnings.map((w) => w.split(': ')[0]),
      ['clusters.0.webbridges.0.hostKey', 'clusters.1.webbridges.0.hostKey'],
    );
  });
});

describe('configuration schema: high availability (issue 10)', () => {
  test('ha.enabled needs a PostgreSQL store; renewals must come at least twice a lease', () => {
    const e = errorOf(() => parseConfig({ ha: { enabled: true } }, { env: {} }));
    assert.ok(
      e.issues?.some((i) => /ha\.enabled: needs a PostgreSQL store/.test(i)),
      JSON.stringify(e.issues),
    );
    const r = errorOf(() =>
      parseConfig(
        { store: { url: 'postgres://wbguard@db/wbguard' }, ha: { enabled: true, leaseMs: 4000, renewEveryMs: 2000 } },
        { env: {} },
      ),
    );
    assert.ok(
      r.issues?.some((i) => /ha\.renewEveryMs: must be under ha\.leaseMs \/ 2/.test(i)),
      JSON.stringify(r.issues),
    );
    const ok = parseConfig(
      { store: { url: 'postgres://wbguard@db/wbguard' }, ha: { enabled: true, leaseMs: 9000, renewEveryMs: 3000 } },
      { env: {} },
    );
    assert.equal(ok.ha.enabled, true);
  });
});
