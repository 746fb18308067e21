/**
 * The simulated MMP against clients nobody here wrote: OpenSSH's ssh with a pinned known_hosts, Cisco's own
 * script (re-created, run by Debian's python3-paramiko), and ssh2's client for the fault modes.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ssh2 from 'ssh2';
import { loadOrCreateHostKey } from '../../src/sim/mmp/host-key.js';
import { run } from '../helpers/run.js';
import { SIM_PASSWORD, simulator, tempDir } from './helpers.js';

const { Client } = ssh2;

interface ExecOutcome {
  stdout: string;
  code: number | null | undefined;
  error?: Error;
  closedWithoutExit?: boolean;
}

function ssh2Exec(
  port: number,
  command: string,
  opts: { password?: string; timeoutMs?: number } = {},
): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const c = new Client();
    let stdout = '';
    let code: number | null | undefined;
    let done = false;
    const finish = (o: ExecOutcome) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        c.end();
        resolve(o);
      }
    };
    const timer = setTimeout(() => finish({ stdout, code, error: new Error('timeout') }), opts.timeoutMs ?? 5000);
    c.on('ready', () => {
      c.exec(command, (err, stream) => {
        if (err) {
          finish({ stdout, code, error: err });
          return;
        }
        stream.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        stream.on('exit', (x: number) => {
          code = x;
        });
        stream.on('close', () => finish({ stdout, code }));
      });
    });
    c.on('error', (error) => finish({ stdout, code, error }));
    c.on('close', () => finish({ stdout, code, closedWithoutExit: code === undefined }));
    c.connect({
      host: '127.0.0.1',
      port,
      username: 'admin',
      password: opts.password ?? SIM_PASSWORD,
      readyTimeout: 5000,
      hostVerifier: () => true,
    });
  });
}

function askpass(dir: string, password: string): string {
  const path = join(dir, 'askpass.sh');
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' '${password}'\n`);
  chmodSync(path, 0o700);
  return path;
}

function openssh(dir: string, port: number, knownHosts: string, command: string, extra: string[] = []) {
  return run(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-p',
      String(port),
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=5',
      ...extra,
      'admin@127.0.0.1',
      command,
    ],
    {
      timeoutMs: 20_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        SSH_ASKPASS: askpass(dir, SIM_PASSWORD),
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: 'none',
      },
    },
  );
}

describe('MMP over SSH', () => {
  test('OpenSSH with the printed host key pinned runs webbridge restart, and the cluster saw it', async (t) => {
    const sim = await simulator(t);
    const dir = tempDir(t);
    const node = sim.mmp.nodes[0] as (typeof sim.mmp.nodes)[number];
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${node.port} ${node.publicKey}\n`);
    const r = await openssh(dir, node.port, knownHosts, 'webbridge restart', [
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^SUCCESS: Webbridge restarted$/m);
    assert.equal(sim.state().webbridges[0]?.available, false);
    assert.deepEqual(
      sim.cluster.history.map((h) => [h.node, h.event]),
      [
        ['cms1', 'command'],
        ['cms1', 'restart:started'],
      ],
    );
    // The fingerprint printed at start is the one ssh-keygen computes from the same key.
    writeFileSync(join(dir, 'k.pub'), `${node.publicKey}\n`);
    const fp = await run('ssh-keygen', ['-lf', join(dir, 'k.pub')]);
    assert.ok(fp.stdout.includes(node.fingerprint), fp.stdout);
  });

  test('OpenSSH refuses a simulator whose key differs from known_hosts, and no command runs', async (t) => {
    const sim = await simulator(t);
    const dir = tempDir(t);
    const other = loadOrCreateHostKey(dir, 'impostor');
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sim.mmp.nodes[0]?.port} ${other.publicLine}\n`);
    const r = await openssh(dir, sim.mmp.nodes[0]?.port as number, knownHosts, 'webbridge restart', [
      '-o',
      'BatchMode=yes',
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    assert.deepEqual(sim.cluster.history, []);
  });

  test('public-key login with an ed25519 key made by ssh-keygen', async (t) => {
    const dir = tempDir(t);
    const keyPath = join(dir, 'id_ed25519');
    assert.equal((await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath])).status, 0);
    const sim = await simulator(t, { authorizedKeys: [`${keyPath}.pub`] });
    const node = sim.mmp.nodes[1] as (typeof sim.mmp.nodes)[number];
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${node.port} ${node.publicKey}\n`);
    const r = await openssh(dir, node.port, knownHosts, 'version', [
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      keyPath,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '2.8.3');
  });

  test("Cisco's published script (paramiko, password, exec_command, sleep, close) restarts a node", async (t) => {
    const python = '/usr/bin/python3';
    const probe = await run(python, ['-c', 'import paramiko']);
    assert.equal(probe.status, 0, 'Debian python3-paramiko must be installed (.ci/run installs it)');
    const sim = await simulator(t);
    const dir = tempDir(t);
    const logFile = join(dir, 'webbridge_restart_logs.txt');
    const r = await run(python, [new URL('../fixtures/cisco/webbridge_restart.py', import.meta.url).pathname], {
      timeoutMs: 30_000,
      env: { ...process.env, SIM_PASSWORD, SIM_PORT: String(sim.mmp.nodes[0]?.port), LOG_FILE: logFile },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(logFile, 'utf8'), /Webbridge on server: 127\.0\.0\.1 restarted successfully/);
    assert.equal(sim.state().webbridges[0]?.available, false);
    sim.cluster.advance(60_000);
    assert.equal(sim.state().webbridges[0]?.restarts, 1);
  });

  test('exec: status, unknown commands, and webbridge3 only where configured', async (t) => {
    const sim = await simulator(t, { webbridge3Nodes: ['cms2'] });
    const port = (i: number) => sim.mmp.nodes[i]?.port as number;
    const status = await ssh2Exec(port(0), 'webbridge');
    assert.equal(status.code, 0);
    assert.match(status.stdout, /Status\s+: running/);
    const unknown = await ssh2Exec(port(0), 'rm -rf /');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /Unknown command "rm -rf \/"/);
    assert.equal((await ssh2Exec(port(0), 'webbridge3')).code, 1);
    const wb3 = await ssh2Exec(port(1), 'webbridge3');
    assert.equal(wb3.code, 0);
    assert.match(wb3.stdout, /C2W listening ports/);
    assert.equal(
      (await ssh2Exec(port(0), 'webbridge', { password: 'wrong' })).error?.message.includes('authentication'),
      true,
    );
  });

  /** Types `input` into an interactive shell of node 3, with or without a pty, and returns all it printed. */
  async function shellSession(port: number | undefined, input: string, pty: boolean): Promise<string> {
    return await new Promise<string>((resolve, reject) => {
      const c = new Client();
      let text = '';
      const onShell = (err: Error | undefined, stream: ssh2.ClientChannel) => {
        if (err) {
          reject(err);
          return;
        }
        stream.on('data', (d: Buffer) => {
          text += d.toString();
        });
        stream.on('close', () => {
          c.end();
          resolve(text);
        });
        stream.write(input);
      };
      c.on('ready', () => (pty ? c.shell(onShell) : c.shell(false, onShell)));
      c.on('error', reject);
      c.connect({ host: '127.0.0.1', port, username: 'admin', password: SIM_PASSWORD, hostVerifier: () => true });
    });
  }

  test('interactive shell with the node prompt echoes what is typed, like a terminal', async (t) => {
    const sim = await simulator(t);
    const port = sim.mmp.nodes[2]?.port;
    // A pty (a person at a terminal): every character typed comes back, backspace erases, Enter is CR LF.
    const typed = await shellSession(port, 'versx\x7fion\rexit\r', true);
    assert.equal(typed, 'cms3> versx\b \bion\r\n2.8.3\r\ncms3> exit\r\n');
    // Ctrl-C abandons the line; Ctrl-D at an empty line ends the session.
    const interrupted = await shellSession(port, 'webbridge restart\x03\x04', true);
    assert.equal(interrupted, 'cms3> webbridge restart^C\r\ncms3> ');
    assert.equal(sim.state().webbridges[2]?.available, true, 'the abandoned line ran nothing');
    // Without a pty (a script), nothing is echoed.
    assert.equal(await shellSession(port, 'version\nexit\n', false), 'cms3> 2.8.3\r\ncms3> ');
  });

  test('faults: refused auth, hang, dropped connection, expired password, closed port', async (t) => {
    const sim = await simulator(t);
    const port = sim.mmp.nodes[1]?.port as number;
    sim.cluster.setFaults('cms2', { refuseAuth: true });
    assert.match((await ssh2Exec(port, 'webbridge')).error?.message ?? '', /authentication/i);
    sim.cluster.setFaults('cms2', { refuseAuth: false, hangOnExec: true });
    const hung = await ssh2Exec(port, 'webbridge restart', { timeoutMs: 1500 });
    assert.equal(hung.error?.message, 'timeout');
    assert.equal(sim.state().webbridges[1]?.available, true, 'a hung command restarted nothing');
    sim.cluster.setFaults('cms2', { hangOnExec: false, dropMidCommand: true });
    const dropped = await ssh2Exec(port, 'webbridge restart');
    assert.equal(dropped.code, undefined, 'no exit status');
    sim.cluster.setFaults('cms2', { dropMidCommand: false, passwordExpired: true });
    const expired = await ssh2Exec(port, 'webbridge restart');
    assert.equal(expired.code, 1);
    assert.match(expired.stdout, /password has expired/i);
    assert.equal(sim.state().webbridges[1]?.available, true);
    sim.cluster.setFaults('cms2', { passwordExpired: false, portClosed: true });
    await new Promise((r) => setTimeout(r, 100));
    assert.match((await ssh2Exec(port, 'webbridge')).error?.message ?? '', /ECONNREFUSED/);
    sim.cluster.setFaults('cms2', { portClosed: false });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await ssh2Exec(port, 'webbridge')).code, 0, 'the port reopens on the same number');
  });

  test('host keys are stable across restarts of the simulator', async (t) => {
    const dir = tempDir(t);
    const a = await simulator(t, { stateDir: dir });
    const first = a.mmp.nodes.map((n) => n.fingerprint);
    await a.close();
    const b = await simulator(t, { stateDir: dir });
    assert.deepEqual(
      b.mmp.nodes.map((n) => n.fingerprint),
      first,
    );
    assert.equal(new Set(first).size, 3, 'each node has its own key');
    await b.close();
    await b.close();
  });
});
