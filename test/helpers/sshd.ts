/**
 * Debian's OpenSSH sshd, started by a test on 127.0.0.1 with its own host key and config in a temp folder, key
 * authentication as the current user, and a ForceCommand script standing in for the MMP: it answers
 * `webbridge restart` and `webbridge`, logs every command it runs to calls.log, and exits 127 for anything else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { run } from './run.js';

export interface Sshd {
  readonly port: number;
  readonly dir: string;
  readonly hostKeyPub: string;
  readonly clientKey: string;
  readonly calls: () => string[];
  stop(): Promise<void>;
}

import { freePort } from './free-port.js';

const SSHD = '/usr/sbin/sshd';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export function sshdAvailable(): boolean {
  return existsSync(SSHD);
}

export async function startSshd(dir: string): Promise<Sshd> {
  if (!sshdAvailable()) {
    throw new Error(`${SSHD} is missing: install Debian's openssh-server (.ci/run does)`);
  }
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const calls = join(dir, 'calls.log');
  const fake = join(dir, 'fake-mmp.sh');
  writeFileSync(
    fake,
    `#!/bin/sh
echo "$SSH_ORIGINAL_COMMAND" >> '${calls}'
case "$SSH_ORIGINAL_COMMAND" in
  "webbridge restart") echo "SUCCESS: Webbridge restarted"; exit 0 ;;
  "webbridge") echo "Enabled : true"; echo "Status : running"; exit 0 ;;
  "fail") echo "FAILURE: something" ; exit 1 ;;
  *) echo "Unknown command" >&2; exit 127 ;;
esac
`,
  );
  chmodSync(fake, 0o755);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${userInfo().username}`,
        `ForceCommand ${fake}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      // sshd may still print after the test removed its folder: the log is for debugging, never a failure.
      try {
        writeFileSync(join(dir, 'sshd.log'), log);
      } catch {
        // the folder is gone
      }
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    for (let i = 0; i < 100 && !exited; i++) {
      if (await portOpen(port)) {
        return {
          port,
          dir,
          hostKeyPub: readFileSync(`${hostKey}.pub`, 'utf8').trim(),
          clientKey,
          calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean) : []),
          stop: () =>
            new Promise<void>((resolve) => {
              if (exited) {
                resolve();
                return;
              }
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    if (!/Address already in use/.test(log)) {
      throw new Error(`sshd did not start: ${log}`);
    }
  }
  throw new Error('sshd: no free port after 5 tries');
}
