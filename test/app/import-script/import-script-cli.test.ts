import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { runCli } from '../../../src/app/cli/program.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { memoryIo } from '../../helpers/cli-io.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const FIXTURES = join(process.cwd(), 'test/fixtures/config');

/** The passwords written in the fixtures: none may come out anywhere. */
const PASSWORDS = [
  'Hunter2-pl@intext#not-a-comment',
  'Hunter2',
  'Compact-Pa55word',
  'Bad-Host-Secret',
  'Not-Cisco-Secret',
];

function assertNoPassword(...texts: string[]): void {
  for (const text of texts) {
    for (const p of PASSWORDS) {
      assert.ok(!text.includes(p), `"${p}" leaked into:\n${text}`);
    }
  }
}

describe('wbguard import-script', () => {
  test('writes a valid configuration (mode 0600) without the password, and says how to provide it', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'wbguard.yaml');
    const io = memoryIo();
    assert.equal(await runCli(['import-script', join(FIXTURES, 'cisco-multiline.py'), '--out', out], io), 0, io.err());
    const text = readFileSync(out, 'utf8');
    assertNoPassword(text, io.out(), io.err());
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.match(io.out(), /plaintext password: it was NOT copied/);
    assert.match(io.out(), /export WBGUARD_MMP_PASSWORD=/);
    assert.match(io.out(), /chmod 600|install -m 600/);
    assert.match(io.out(), /wbguard trust --all/);
    assert.match(io.out(), /webbridge_restart_logs\.txt/);

    const c = await loadConfig(out, { env: { WBGUARD_MMP_PASSWORD: 'from-env' } });
    assert.deepEqual(
      c.webbridges.map((w) => [w.name, w.mmp, w.hostKey]),
      [
        ['cms1', '10.0.0.1:22', undefined],
        ['cms2', '10.0.0.2:22', undefined],
        ['cms3', 'cms3.example.com:22', undefined],
        ['cms4', '10.0.0.4:22', undefined],
      ],
    );
    assert.equal(c.mmp.username, 'wbadmin');
    assert.equal(c.mmp.password, 'env:WBGUARD_MMP_PASSWORD');
    assert.ok(c.mmp.knownHosts, 'host keys go to known_hosts through wbguard trust');
    assert.equal(c.policy.mode, 'dry-run', 'nothing is restarted on its own until the operator says so');
    assert.equal(c.secrets.get('mmp.password')?.reveal(), 'from-env');
  });

  test('a list inventory on another port: IPv6 bracketed, port and command carried over', async (t) => {
    const out = join(tempDir(t), 'w.yaml');
    const io = memoryIo();
    assert.equal(await runCli(['import-script', join(FIXTURES, 'cisco-list.py'), '--out', out], io), 0, io.err());
    const c = await loadConfig(out, { resolveSecrets: false });
    assert.deepEqual(
      c.webbridges.map((w) => w.mmp),
      ['cms1.example.com:2222', '[2001:db8::5]:2222'],
    );
    assert.equal(c.mmp.username, 'ops');
    assert.equal(c.mmp.restartCommand, 'webbridge3 restart');
  });

  test('--out - prints the configuration on stdout and the guidance on stderr', async (t) => {
    const dir = tempDir(t);
    const io = { ...memoryIo(), cwd: dir };
    assert.equal(await runCli(['import-script', join(FIXTURES, 'cisco-compact.py'), '--out', '-'], io), 0, io.err());
    assertNoPassword(io.out(), io.err());
    assert.match(io.out(), /^# wbguard configuration/);
    assert.match(io.err(), /NOT copied/);
    assert.ok(!existsSync(join(dir, 'wbguard.yaml')) && !existsSync(join(dir, '-')));
    writeFileSync(join(dir, 'printed.yaml'), io.out());
    assert.equal((await loadConfig(join(dir, 'printed.yaml'), { resolveSecrets: false })).webbridges.length, 2);
  });

  test('never overwrites without --force; --out is relative to the working folder', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'wbguard.yaml');
    writeFileSync(out, 'mine: true\n');
    const io = { ...memoryIo(), cwd: dir };
    assert.equal(await runCli(['import-script', join(FIXTURES, 'cisco-compact.py')], io), 2);
    assert.match(io.err(), /exists; not overwritten/);
    assert.equal(readFileSync(out, 'utf8'), 'mine: true\n');
    assert.equal(
      await runCli(['import-script', join(FIXTURES, 'cisco-compact.py'), '--force'], { ...memoryIo(), cwd: dir }),
      0,
    );
    assert.match(readFileSync(out, 'utf8'), /10\.48\.54\.75:22/);
  });

  test('a file that is not the script, or cannot be read: exit 2 naming what is missing, nothing written', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'o.yaml');
    for (const [name, expected] of [
      ['not-cisco.py', /not found: the webbridges = \{1: "10\.0\.0\.1", \.\.\.\} inventory/],
      ['cisco-unclosed.py', /not followed by a complete/],
      ['cisco-bad-host.py', /entry 2: a host name or address/],
      ['no-such-file.py', /cannot read the script/],
    ] as const) {
      const io = memoryIo();
      assert.equal(await runCli(['import-script', join(FIXTURES, name), '--out', out], io), 2, name);
      assert.match(io.err(), expected, name);
      assertNoPassword(io.out(), io.err());
      assert.ok(!existsSync(out), name);
    }
  });

  test("Cisco's script as the simulator tests run it", {
    skip: !existsSync('test/fixtures/cisco/webbridge_restart.py'),
  }, async (t) => {
    const out = join(tempDir(t), 'w.yaml');
    const io = memoryIo();
    assert.equal(
      await runCli(['import-script', 'test/fixtures/cisco/webbridge_restart.py', '--out', out], io),
      0,
      io.err(),
    );
    const c = await loadConfig(out, { resolveSecrets: false });
    assert.ok(c.webbridges.length >= 1);
    assert.ok(c.webbridges.every((w) => w.mmp.endsWith(':22')));
  });

  test('--help shows an example', async () => {
    const io = memoryIo();
    assert.equal(await runCli(['import-script', '--help'], io), 0);
    assert.match(io.out(), /Examples?:\n {2}wbguard import-script /);
  });
});
