/**
 * The MMP client, `trust` and `restart` against a server nobody here wrote: Debian's OpenSSH sshd, started by the
 * test on 127.0.0.1, with a forced-command script standing in for the MMP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { createSsh2MmpClient } from '../../../src/adapters/ssh/ssh2-mmp-client.js';
import { runCli } from '../../../src/app/cli/program.js';
import type { MmpTarget } from '../../../src/ports/mmp.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { run } from '../../helpers/run.js';
import { type Sshd, startSshd } from '../../helpers/sshd.js';

let sshd: Sshd;
let dir: string;
let fingerprint: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbguard-sshd-'));
  sshd = await startSshd(dir);
  writeFileSync(join(dir, 'host.pub'), `${sshd.hostKeyPub}\n`);
  fingerprint = (await run('ssh-keygen', ['-lf', join(dir, 'host.pub')])).stdout.split(' ')[1] as string;
});
after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client(knownHostsPath?: string) {
  return createSsh2MmpClient({
    username: userInfo().username,
    privateKey: () => readFileSync(sshd.clientKey),
    connectTimeoutMs: 5000,
    ...(knownHostsPath ? { knownHostsPath } : {}),
  });
}
const target = (hostKey: string | undefined): MmpTarget => ({
  name: 'cms1',
  host: '127.0.0.1',
  port: sshd.port,
  hostKey,
});

function writeConfig(path: string, extra: Record<string, unknown> = {}) {
  writeFileSync(
    path,
    stringify({
      cluster: 'lab',
      webbridges: [{ name: 'cms1', mmp: `127.0.0.1:${sshd.port}` }],
      mmp: {
        username: userInfo().username,
        privateKey: `file:${sshd.clientKey}`,
        knownHosts: join(dir, 'known_hosts'),
        connectTimeoutMs: 5000,
        commandTimeoutMs: 5000,
        statusPattern: 'Status : running',
      },
      restart: { verifyIntervalMs: 100, verifyTimeoutMs: 5000 },
      state: join(dir, 'state'),
      ...extra,
    }),
  );
}

describe('against OpenSSH sshd', () => {
  test('a pinned key: the restart runs exactly once; stdout and exit status are read', async () => {
    const before = sshd.calls().length;
    const r = await client().exec(target(fingerprint), 'webbridge restart', { commandTimeoutMs: 5000 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'SUCCESS: Webbridge restarted\n');
    assert.deepEqual(sshd.calls().slice(before), ['webbridge restart']);
  });

  test('a non-zero exit status and stderr are read', async () => {
    const r = await client().exec(target(fingerprint), 'nonsense', { commandTimeoutMs: 5000 });
    assert.equal(r.exitCode, 127);
    assert.equal(r.stderr, 'Unknown command\n');
  });

  test('a wrong pinned key refuses before authentication: no command runs', async () => {
    const before = sshd.calls().length;
    const logBefore = readFileSync(join(dir, 'sshd.log'), 'utf8').length;
    await assert.rejects(
      client().exec(target(`SHA256:${'B'.repeat(43)}`), 'webbridge restart', { commandTimeoutMs: 5000 }),
      (err: { code: string; message: string }) => {
        assert.equal(err.code, 'WBGUARD_ERR_SSH_HOST_KEY');
        assert.ok(err.message.includes(fingerprint), 'names the offered key');
        return true;
      },
    );
    assert.equal(sshd.calls().length, before);
    await new Promise((r) => setTimeout(r, 100));
    const logAfter = readFileSync(join(dir, 'sshd.log'), 'utf8').slice(logBefore);
    assert.match(logAfter, /Connection from 127\.0\.0\.1/);
    assert.doesNotMatch(logAfter, /Accepted publickey|Postponed publickey/, 'no authentication was attempted');
  });

  test('no pinned key and no known_hosts entry: refused, with the way to trust it', async () => {
    await assert.rejects(
      client(join(dir, 'empty_known_hosts')).exec(target(undefined), 'webbridge', { commandTimeoutMs: 5000 }),
      /host key not trusted yet.*\[node:cms1/,
    );
  });

  test('fetchHostKey gives the fingerprint ssh-keygen prints, without logging in', async () => {
    const k = await client().fetchHostKey(target(undefined));
    assert.equal(k.fingerprint, fingerprint);
    assert.equal(k.algorithm, 'ssh-ed25519');
  });

  test('trust records the key; OpenSSH accepts that known_hosts; then restart runs once and is verified', async () => {
    const config = join(dir, 'wbguard.yaml');
    writeConfig(config);
    const noTty = memoryIo();
    assert.equal(
      await runCli(['trust', '--all', '--config', config], noTty),
      2,
      'no terminal, no --yes: nothing written',
    );
    const io = memoryIo();
    assert.equal(await runCli(['trust', '--all', '--config', config, '--yes', '--json'], io), 0, io.err());
    const doc = JSON.parse(io.out()) as { nodes: Array<{ fingerprint: string; status: string }> };
    assert.deepEqual([doc.nodes[0]?.fingerprint, doc.nodes[0]?.status], [fingerprint, 'recorded']);
    const kh = join(dir, 'known_hosts');
    const ssh = await run('ssh', [
      '-F',
      '/dev/null',
      '-p',
      String(sshd.port),
      '-i',
      sshd.clientKey,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${kh}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      `${userInfo().username}@127.0.0.1`,
      'webbridge',
    ]);
    assert.equal(ssh.status, 0, ssh.stderr);
    const again = memoryIo();
    assert.equal(await runCli(['trust', 'cms1', '--config', config], again), 0);
    assert.match(again.out(), /already trusted/);
    const before = sshd.calls().filter((c) => c === 'webbridge restart').length;
    const r = memoryIo();
    assert.equal(await runCli(['restart', 'cms1', '--force', '--yes', '--config', config], r), 0, r.err() + r.out());
    assert.equal(sshd.calls().filter((c) => c === 'webbridge restart').length, before + 1);
    assert.match(
      readFileSync(join(dir, 'state', 'webbridge_restart_logs.txt'), 'utf8'),
      /Webbridge on server: cms1 restarted successfully/,
    );
  });

  test('trust refuses loudly when the key changed, with both fingerprints', async () => {
    const config = join(dir, 'changed.yaml');
    writeConfig(config, {
      webbridges: [{ name: 'cms1', mmp: `127.0.0.1:${sshd.port}`, hostKey: `SHA256:${'C'.repeat(43)}` }],
    });
    const io = memoryIo();
    assert.equal(await runCli(['trust', 'cms1', '--config', config, '--yes'], io), 3);
    assert.match(
      io.err(),
      new RegExp(
        `HOST KEY CHANGED for cms1.*recorded SHA256:C{43}, now offered ${fingerprint.replace(/[+/]/g, '\\$&')}`,
      ),
    );
  });
});
