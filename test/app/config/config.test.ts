import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import { EXAMPLE_CONFIG } from '../../../src/app/config/example.js';
import { loadConfig, parseConfig, parseHostPort, webbridgeNameMap } from '../../../src/app/config/index.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { tempDir } from '../../sim/helpers.js';

const SECRET = 'S3cret-never-printed';
const FP = `SHA256:${'x'.repeat(43)}`;

function errorOf(f: () => unknown): { code?: string; message: string; issues?: string[]; hint?: string } {
  try {
    f();
  } catch (err) {
    return err as { code?: string; message: string; issues?: string[] };
  }
  throw new Error('expected an error');
}

describe('configuration', () => {
  test('a good configuration: defaults filled in, frozen, secrets resolved and redacted everywhere', () => {
    const c = parseConfig(
      {
        webbridges: [
          { name: 'cms1', mmp: '10.0.0.11', hostKey: FP },
          { name: 'cms2', mmp: '[::1]:2222', syslogHost: 'core-2' },
        ],
        mmp: { password: 'env:PW', knownHosts: '/tmp/kh' },
      },
      { env: { PW: SECRET } },
    );
    assert.equal(c.restart.maxPerDay, 1);
    assert.equal(c.mmp.restartCommand, 'webbridge restart');
    assert.equal(c.analysis.limit, 149);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.restart));
    const pw = c.secrets.get('mmp.password');
    assert.equal(pw?.reveal(), SECRET);
    for (const shown of [String(pw), JSON.stringify(c.secrets.get('mmp.password')), inspect(pw), inspect(c), `${pw}`]) {
      assert.ok(!shown.includes(SECRET), shown);
    }
    assert.deepEqual(parseHostPort('[::1]:2222', 22), { host: '::1', port: 2222 });
    assert.deepEqual(parseHostPort('10.0.0.11', 22), { host: '10.0.0.11', port: 22 });
    assert.deepEqual(
      [...webbridgeNameMap(c)],
      [
        ['cms1', 'cms1'],
        ['core-2', 'cms2'],
      ],
    );
  });

  test('every problem at once, each with its path; unknown keys rejected', () => {
    const e = errorOf(() =>
      parseConfig(
        {
          webbridges: [
            { name: 'cms1', mmp: 'host:99999', hostKey: 'nope' },
            { name: 'cms1', mmp: 'ok' },
          ],
          restart: { maxPerDay: 0, bogus: 1 },
          policy: { schedule: '61 * * * *', windows: [{ days: ['sat'], from: '25:00', to: '05:00', tz: 'Mars/Base' }] },
          extra: true,
        },
        { resolveSecrets: false },
      ),
    );
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    const text = (e.issues ?? []).join('\n');
    for (const path of [
      'webbridges.0.mmp',
      'webbridges.0.hostKey',
      'restart.maxPerDay',
      'restart',
      'policy.schedule',
      'policy.windows.0.from',
      'policy.windows.0.tz',
      '(top level)',
      'webbridges.1.name',
    ]) {
      assert.ok(text.includes(`${path}:`), `${path} in\n${text}`);
    }
    assert.match(text, /bogus/);
    assert.match(text, /extra/);
  });

  test('a plaintext secret is refused without being echoed', () => {
    const e = errorOf(() => parseConfig({ mmp: { password: SECRET } }, { resolveSecrets: false }));
    assert.equal(e.code, 'WBGUARD_ERR_CONFIG');
    assert.match((e.issues ?? []).join(), /mmp\.password: must be a reference/);
    assert.ok(
      !JSON.stringify(e).includes(SECRET) && !e.message.includes(SECRET) && !(e.issues ?? []).join().includes(SECRET),
    );
  });

  test('secret references: missing variable, missing file, readable file', (t) => {
    const dir = tempDir(t);
    assert.equal(
      errorOf(() => parseConfig({ mmp: { password: 'env:NOPE' } }, { env: {} })).code,
      'WBGUARD_ERR_SECRET_MISSING',
    );
    assert.equal(
      errorOf(() => parseConfig({ mmp: { password: `file:${dir}/none` } }, { env: {} })).code,
      'WBGUARD_ERR_SECRET_MISSING',
    );
    const f = join(dir, 'pw');
    writeFileSync(f, `${SECRET}\n`);
    chmodSync(f, 0o644);
    const perm = errorOf(() => parseConfig({ mmp: { password: `file:${f}` } }, { env: {} }));
    assert.equal(perm.code, 'WBGUARD_ERR_SECRET_PERMISSIONS');
    assert.match(perm.hint ?? '', /chmod 600/);
    chmodSync(f, 0o600);
    assert.equal(
      parseConfig({ mmp: { password: `file:${f}` } }, { env: {} })
        .secrets.get('mmp.password')
        ?.reveal(),
      SECRET,
    );
  });

  test('YAML errors name the file; the init example validates', async (t) => {
    const dir = tempDir(t);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'webbridges: [\n');
    await assert.rejects(loadConfig(bad), /not valid YAML/);
    const good = join(dir, 'example.yaml');
    writeFileSync(good, EXAMPLE_CONFIG);
    const c = await loadConfig(good, { env: { WBGUARD_MMP_PASSWORD: SECRET } });
    assert.equal(c.webbridges.length, 2);
  });

  test('config verbs: init writes 0600 and never overwrites, check exits 2 with every problem, print hides secrets', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'wbguard.yaml');
    const io = memoryIo({ WBGUARD_MMP_PASSWORD: SECRET });
    assert.equal(await runCli(['config', 'init', file], io), 0);
    assert.equal(await runCli(['config', 'init', file], memoryIo()), 2);
    const check = memoryIo({ WBGUARD_MMP_PASSWORD: SECRET });
    assert.equal(await runCli(['config', 'check', '--config', file], check), 0, check.err());
    assert.match(check.out(), /^OK .*2 Web Bridge\(s\)/);
    const print = memoryIo({ WBGUARD_MMP_PASSWORD: SECRET });
    assert.equal(await runCli(['config', 'print', '--config', file, '--json'], print), 0);
    assert.equal(JSON.parse(print.out()).mmp.password, 'env:WBGUARD_MMP_PASSWORD');
    assert.ok(!print.out().includes(SECRET));
    writeFileSync(file, stringify({ webbridges: [{ name: 'x y', mmp: '' }], mmp: { password: SECRET } }));
    const bad = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file], bad), 2);
    assert.match(bad.err(), /webbridges\.0\.name/);
    assert.match(bad.err(), /webbridges\.0\.mmp/);
    assert.match(bad.err(), /mmp\.password: must be a reference/);
    assert.ok(!bad.err().includes(SECRET));
    assert.equal(statSync(join(dir, 'wbguard.yaml')).mode & 0o777, 0o600);
  });
});

test('docs/configuration.md is generated from the schema and up to date (npm run docs:config)', async () => {
  const { readFileSync } = await import('node:fs');
  const { renderConfigurationDoc } = await import('../../../src/app/config/docs.js');
  const committed = readFileSync('docs/configuration.md', 'utf8');
  assert.equal(committed, renderConfigurationDoc(), 'run npm run docs:config');
  for (const key of [
    'mmp.password',
    'restart.maxActiveSessions',
    'restart.leakThreshold',
    'restart.verifyTimeoutMs',
    'restart.maxPerDay',
    'mmp.knownHosts',
    'webbridges[].hostKey',
    'webbridges[].syslogHost',
    'policy.windows[].tz',
  ]) {
    assert.ok(committed.includes(`| \`${key}\``), key);
  }
});
