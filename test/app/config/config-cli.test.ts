import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { runCli } from '../../../src/app/cli/program.js';
import { EXAMPLE_CONFIG } from '../../../src/app/config/example.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { FP, tempDir } from './helpers.js';

const SECRET = 'Cli-Secret-x81Q';

describe('wbguard config init', () => {
  test('writes the commented example with mode 0600 and never overwrites without --force', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'wbguard.yaml');
    const io = memoryIo();
    assert.equal(await runCli(['config', 'init', file], io), 0, io.err());
    assert.equal(readFileSync(file, 'utf8'), EXAMPLE_CONFIG);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(io.out(), /config check/);

    writeFileSync(file, 'mine: true\n');
    const again = memoryIo();
    assert.equal(await runCli(['config', 'init', file], again), 2);
    assert.match(again.err(), /exists; not overwritten/);
    assert.equal(readFileSync(file, 'utf8'), 'mine: true\n', 'the existing file is untouched');

    // --force replaces it, and a file that was more open becomes 0600 too.
    chmodSync(file, 0o644);
    assert.equal(await runCli(['config', 'init', file, '--force'], memoryIo()), 0);
    assert.equal(readFileSync(file, 'utf8'), EXAMPLE_CONFIG);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('without a file argument it writes ./wbguard.yaml in the working folder', async (t) => {
    const dir = tempDir(t);
    const io = { ...memoryIo(), cwd: dir };
    assert.equal(await runCli(['config', 'init'], io), 0);
    assert.equal(statSync(join(dir, 'wbguard.yaml')).mode & 0o777, 0o600);
  });
});

describe('wbguard config check', () => {
  test('OK with a one-line summary (and warnings); exit 2 listing every problem; the secret never shown', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'wbguard.yaml');
    await runCli(['config', 'init', file], memoryIo());
    const ok = memoryIo({ WBGUARD_MMP_PASSWORD: SECRET });
    assert.equal(await runCli(['config', 'check', '--config', file], ok), 0, ok.err());
    assert.match(
      ok.out(),
      /^OK .*: cluster lab, 2 Web Bridges \(cms1, cms2\), 2 Call Bridges, policy dry-run, 1 secret resolved\n$/,
    );

    const unset = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file], unset), 2);
    assert.match(unset.err(), /WBGUARD_MMP_PASSWORD/);
    assert.equal(await runCli(['config', 'check', '--config', file, '--skip-secrets'], memoryIo()), 0);

    writeFileSync(
      file,
      stringify({ webbridges: [{ name: 'x y', mmp: '' }], mmp: { password: SECRET }, restart: { maxPerDay: 0 } }),
    );
    const bad = memoryIo({ WBGUARD_MMP_PASSWORD: SECRET });
    assert.equal(await runCli(['config', 'check', '--config', file], bad), 2);
    for (const path of ['webbridges.0.name', 'webbridges.0.mmp', 'mmp.password', 'restart.maxPerDay']) {
      assert.match(bad.err(), new RegExp(`  - ${path.replace(/\./g, '\\.')}: .*\\(line \\d+\\)`), path);
    }
    assert.ok(!bad.err().includes(SECRET) && !bad.out().includes(SECRET));
  });

  test('wrong types and bounds in plain words, and a fix line that does not send you back to config check', async (t) => {
    const file = join(tempDir(t), 'types.yaml');
    writeFileSync(
      file,
      [
        'cluster: 5',
        'webbridges: [{ name: cms1, mmp: "10.0.0.1", hostKey: "SHA256:' + 'a'.repeat(43) + '" }]',
        'callbridges: { name: cms1 }',
        'mmp: { agent: "yes" }',
        'http: { listen: 8080 }',
        'restart: { leakThreshold: -5 }',
        'policy: { mode: sometimes }',
        '',
      ].join('\n'),
    );
    const io = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file], io), 2);
    const err = io.err();
    for (const line of [
      '  - cluster: must be text, not a number (put it in quotes) (line 1)',
      '  - callbridges: must be a list, not a set of keys (key: value) (line 3)',
      '  - mmp.agent: must be true or false, not text (line 4)',
      '  - http.listen: must be text, not a number (put it in quotes) (line 5)',
      '  - restart.leakThreshold: must be at least 1 (line 6)',
      '  - policy.mode: must be one of observe, dry-run, enforce (line 7)',
    ]) {
      assert.ok(err.includes(`${line}\n`), `${line}\n---\n${err}`);
    }
    assert.doesNotMatch(err, /Invalid input|Too small|Invalid option|expected \w+, received/);
    assert.doesNotMatch(err, /fix: wbguard config check/);
    assert.match(err, / {2}fix: correct each key listed above; docs\/configuration\.md describes every key\n$/);
  });

  test('warnings are printed after OK', async (t) => {
    const file = join(tempDir(t), 'w.yaml');
    writeFileSync(file, stringify({ webbridges: [{ name: 'cms1', mmp: '10.0.0.1' }], mmp: { agent: true } }));
    const io = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file], io), 0, io.err());
    assert.match(io.out(), /^warning: webbridges\.0\.hostKey: no host key/m);
  });

  test('--json gives the verdict as one document, also for a bad file (exit 2)', async (t) => {
    const file = join(tempDir(t), 'j.yaml');
    writeFileSync(file, stringify({ webbridges: [{ name: 'cms1', mmp: '10.0.0.1', hostKey: FP }], bogus: 1 }));
    const io = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file, '--json'], io), 2);
    const verdict = JSON.parse(io.out());
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 'WBGUARD_ERR_CONFIG');
    assert.match(verdict.problems[0], /^bogus: unknown key/);
    writeFileSync(
      file,
      stringify({ webbridges: [{ name: 'cms1', mmp: '10.0.0.1', hostKey: FP }], mmp: { agent: true } }),
    );
    const good = memoryIo();
    assert.equal(await runCli(['config', 'check', '--config', file, '--json'], good), 0);
    assert.equal(JSON.parse(good.out()).ok, true);
  });

  test('the file is found through WBGUARD_CONFIG, then ./wbguard.yaml in the working folder', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'env.yaml'), 'cluster: from-env\n');
    writeFileSync(join(dir, 'wbguard.yaml'), 'cluster: from-cwd\n');
    const viaEnv = { ...memoryIo({ WBGUARD_CONFIG: join(dir, 'env.yaml') }), cwd: dir };
    assert.equal(await runCli(['config', 'check'], viaEnv), 0, viaEnv.err());
    assert.match(viaEnv.out(), /cluster from-env/);
    const viaCwd = { ...memoryIo(), cwd: dir };
    assert.equal(await runCli(['config', 'check'], viaCwd), 0, viaCwd.err());
    assert.match(viaCwd.out(), /cluster from-cwd/);
  });
});

describe('wbguard config print', () => {
  test('the effective configuration with defaults, secrets as references; it loads back to the same', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'wbguard.yaml');
    writeFileSync(file, readFileSync('test/fixtures/config/full.yaml', 'utf8'));
    const env = { WBGUARD_MMP_PASSWORD: SECRET, CMS_API_PASSWORD: SECRET, WBGUARD_TOKEN: SECRET };
    const json = memoryIo(env);
    assert.equal(await runCli(['config', 'print', '--config', file, '--json'], json), 0, json.err());
    const printed = JSON.parse(json.out());
    assert.equal(printed.mmp.password, 'env:WBGUARD_MMP_PASSWORD');
    assert.equal(printed.restart.verifyIntervalMs, 5000, 'defaults are filled in');
    assert.equal(printed.policy.windows[1].tz, 'Europe/Berlin');
    const yaml = memoryIo(env);
    assert.equal(await runCli(['config', 'print', '--config', file], yaml), 0);
    for (const out of [json.out(), yaml.out()]) {
      assert.ok(!out.includes(SECRET));
    }
    // Printing is idempotent: what it prints is a valid configuration that prints the same.
    const again = parseConfig(parse(yaml.out()), { resolveSecrets: false });
    const { source: _s, secrets: _x, warnings: _w, ...plain } = again;
    assert.deepEqual(JSON.parse(JSON.stringify(plain)), printed);
  });

  test('an object posing as a secret is refused, and its content is not shown', () => {
    assert.throws(
      () => parseConfig({ http: { token: { toJSON: () => SECRET, toString: () => SECRET } } }, { env: {} }),
      (e: Error & { issues?: string[] }) =>
        (e.issues ?? []).some((i) => i.startsWith('http.token: expected a secret reference')) &&
        !JSON.stringify({ m: e.message, i: e.issues }).includes(SECRET),
    );
  });
});

test('config init into a folder that does not exist: exit 2 naming the file', async (t) => {
  const file = join(tempDir(t), 'no', 'such', 'wbguard.yaml');
  const io = memoryIo();
  assert.equal(await runCli(['config', 'init', file], io), 2);
  assert.match(io.err(), /cannot write .*wbguard\.yaml \[ENOENT\]/);
});

test('config --help and each subcommand --help show examples', async () => {
  for (const argv of [['config'], ['config', 'check'], ['config', 'init'], ['config', 'print']]) {
    const io = memoryIo();
    assert.equal(await runCli([...argv, '--help'], io), 0, argv.join(' '));
    assert.match(io.out(), /Examples:\n {2}wbguard config /, argv.join(' '));
  }
});

test('config check --json never carries a secret, resolved or refused', async (t) => {
  const file = join(tempDir(t), 's.yaml');
  writeFileSync(
    file,
    stringify({ webbridges: [{ name: 'cms1', mmp: '10.0.0.1', hostKey: FP }], mmp: { password: 'env:PW' } }),
  );
  const ok = memoryIo({ PW: SECRET });
  assert.equal(await runCli(['config', 'check', '--config', file, '--json'], ok), 0);
  writeFileSync(
    file,
    stringify({ webbridges: [{ name: 'cms1', mmp: '10.0.0.1', hostKey: FP }], mmp: { password: SECRET } }),
  );
  const refused = memoryIo({ PW: SECRET });
  assert.equal(await runCli(['config', 'check', '--config', file, '--json'], refused), 2);
  assert.equal(JSON.parse(refused.out()).code, 'WBGUARD_ERR_SECRET_PLAINTEXT');
  for (const text of [ok.out(), ok.err(), refused.out(), refused.err()]) {
    assert.ok(!text.includes(SECRET), text);
  }
});
