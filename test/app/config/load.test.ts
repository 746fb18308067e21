import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  callbridgeNameMap,
  formatHostPort,
  loadConfig,
  parseConfig,
  parseHostPort,
  resolveConfigPath,
  storeSettings,
  webbridgeNameMap,
} from '../../../src/app/config/index.js';
import { everythingShown, FP, rejectionOf, tempDir } from './helpers.js';

const SECRET = 'Yaml-Secret-93kd';

describe('loadConfig', () => {
  test('reads YAML, fills defaults, resolves secrets from the given environment, freezes', async (t) => {
    const file = join(tempDir(t), 'wbguard.yaml');
    writeFileSync(
      file,
      `cluster: lab\nwebbridges:\n  - { name: cms1, mmp: "10.0.0.11", hostKey: "${FP}" }\nmmp:\n  password: env:PW\n`,
    );
    const c = await loadConfig(file, { env: { PW: SECRET } });
    assert.equal(c.source, file);
    assert.equal(c.cluster, 'lab');
    assert.equal(c.secrets.get('mmp.password')?.reveal(), SECRET);
    assert.equal(c.restart.maxPerDay, 1);
    assert.ok(Object.isFrozen(c.mmp));
  });

  test('an empty file is the all-defaults configuration', async (t) => {
    const file = join(tempDir(t), 'empty.yaml');
    writeFileSync(file, '# nothing yet\n');
    const c = await loadConfig(file, { env: {} });
    assert.equal(c.webbridges.length, 0);
    assert.equal(c.policy.mode, 'dry-run');
  });

  test('every problem with its path and its line in the file', async (t) => {
    const file = join(tempDir(t), 'bad.yaml');
    writeFileSync(
      file,
      [
        'cluster: lab', // 1
        'webbridges:', // 2
        '  - name: cms1', // 3
        '    mmp: 10.0.0.11:99999', // 4
        `    hostKey: "${FP}"`, // 5
        'restart:', // 6
        '  leakTreshold: 5', // 7
        'policy:', // 8
        '  windows:', // 9
        '    - { days: [sat], from: "01:00", to: "05:00", tz: Mars/Base }', // 10
        '',
      ].join('\n'),
    );
    const e = await rejectionOf(loadConfig(file, { resolveSecrets: false }));
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    assert.ok(e.message.includes(file));
    const issues = e.issues ?? [];
    assert.match(issues.find((i) => i.startsWith('webbridges.0.mmp: ')) ?? '', /\(line 4\)$/);
    assert.match(issues.find((i) => i.startsWith('restart.leakTreshold: ')) ?? '', /leakThreshold.*\(line 7\)$/);
    assert.match(issues.find((i) => i.startsWith('policy.windows.0.tz: ')) ?? '', /\(line 10\)$/);
    assert.equal(issues.length, 3, issues.join('\n'));
  });

  test('not YAML: line and column, and the source line (which may hold a secret) is not quoted', async (t) => {
    const file = join(tempDir(t), 'broken.yaml');
    writeFileSync(file, `mmp:\n  password: [${SECRET}\nrestart: {}\n`);
    const e = await rejectionOf(loadConfig(file, { resolveSecrets: false }));
    assert.equal(e.name, 'ConfigError');
    assert.match(e.message, /not valid YAML/);
    assert.match((e.issues ?? []).join('\n'), /line \d+, column \d+/);
    assert.ok(!everythingShown(e).includes(SECRET), everythingShown(e));
  });

  test('a key given twice is an error, not a silent override', async (t) => {
    const file = join(tempDir(t), 'twice.yaml');
    writeFileSync(file, 'cluster: a\ncluster: b\n');
    const e = await rejectionOf(loadConfig(file, { resolveSecrets: false }));
    assert.match((e.issues ?? []).join('\n'), /unique.*line 2/i);
  });

  test('a missing file: ConfigError with the path and how to make one', async (t) => {
    const file = join(tempDir(t), 'none.yaml');
    const e = await rejectionOf(loadConfig(file));
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    assert.ok(e.message.includes(file));
    assert.match(e.hint ?? '', /config init/);
  });

  test('a list at the top level is named as such', async (t) => {
    const file = join(tempDir(t), 'list.yaml');
    writeFileSync(file, '- a\n- b\n');
    const e = await rejectionOf(loadConfig(file, { resolveSecrets: false }));
    assert.match((e.issues ?? [])[0] ?? '', /^\(top level\): /);
  });
});

describe('resolveConfigPath', () => {
  test('--config, else WBGUARD_CONFIG, else ./wbguard.yaml when present, else /etc/wbguard/config.yaml', (t) => {
    const dir = tempDir(t);
    assert.equal(resolveConfigPath('/a.yaml', { WBGUARD_CONFIG: '/b.yaml' }, dir), '/a.yaml');
    assert.equal(resolveConfigPath(undefined, { WBGUARD_CONFIG: '/b.yaml' }, dir), '/b.yaml');
    assert.equal(resolveConfigPath(undefined, {}, dir), '/etc/wbguard/config.yaml');
    writeFileSync(join(dir, 'wbguard.yaml'), '');
    assert.equal(resolveConfigPath(undefined, {}, dir), join(dir, 'wbguard.yaml'));
    assert.equal(resolveConfigPath(undefined, { WBGUARD_CONFIG: '/b.yaml' }, dir), '/b.yaml');
  });
});

describe('helpers for the rest of wbguard', () => {
  test('syslog host → node name maps', () => {
    const c = parseConfig(
      {
        webbridges: [
          { name: 'cms1', mmp: '10.0.0.11', hostKey: FP },
          { name: 'cms2', mmp: '[::1]:2222', syslogHost: 'core-2', hostKey: FP },
        ],
        callbridges: [{ name: 'cb1', syslogHost: 'core-1' }, { name: 'cb2' }],
      },
      { resolveSecrets: false },
    );
    assert.deepEqual(
      [...webbridgeNameMap(c)],
      [
        ['cms1', 'cms1'],
        ['core-2', 'cms2'],
      ],
    );
    assert.deepEqual(
      [...callbridgeNameMap(c)],
      [
        ['core-1', 'cb1'],
        ['cb2', 'cb2'],
      ],
    );
  });

  test('parseHostPort / formatHostPort', () => {
    assert.deepEqual(parseHostPort('10.0.0.11', 22), { host: '10.0.0.11', port: 22 });
    assert.deepEqual(parseHostPort('10.0.0.11:2222', 22), { host: '10.0.0.11', port: 2222 });
    assert.deepEqual(parseHostPort('[::1]:22', 514), { host: '::1', port: 22 });
    assert.deepEqual(parseHostPort('[2001:db8::1]', 514), { host: '2001:db8::1', port: 514 });
    assert.deepEqual(parseHostPort('cms1.example.com', 22), { host: 'cms1.example.com', port: 22 });
    assert.deepEqual(parseHostPort('127.0.0.1:0', 8080), { host: '127.0.0.1', port: 0 });
    assert.throws(() => parseHostPort('2001:db8::1', 22), TypeError);
    assert.throws(() => parseHostPort('host:port', 22), TypeError);
    assert.equal(formatHostPort({ host: '::1', port: 22 }), '[::1]:22');
    assert.equal(formatHostPort({ host: 'cms1', port: 22 }), 'cms1:22');
  });

  test('storeSettings: SQLite in the state folder by default, at a path, or PostgreSQL with its password', () => {
    const at = (store: unknown, env: NodeJS.ProcessEnv = {}) =>
      storeSettings(parseConfig({ state: '/srv/wb', store }, { env }));
    assert.deepEqual(at(undefined), { kind: 'sqlite', path: '/srv/wb/wbguard.db' });
    assert.deepEqual(at('sqlite:/data/w.db'), { kind: 'sqlite', path: '/data/w.db' });
    assert.deepEqual(at('sqlite:w.db'), { kind: 'sqlite', path: '/srv/wb/w.db' });
    const pg = at({ url: 'postgres://wbguard@db/wbguard', password: 'env:PGPW' }, { PGPW: SECRET });
    assert.equal(pg.kind, 'postgres');
    assert.equal(pg.kind === 'postgres' ? pg.password?.reveal() : undefined, SECRET);
    assert.ok(!JSON.stringify(pg).includes(SECRET));
  });
});
