/**
 * Benchmark: the time wbguard spends per node on SSH (connect, authenticate, run `webbridge restart`, read the
 * result) against OpenSSH's `ssh` running the same command on the same server, and against what Cisco's script does
 * (paramiko: connect, exec_command, sleep(1), close), in one run. Server: Debian's sshd with a forced-command MMP
 * stand-in (test/helpers/sshd.ts), key authentication. Goal (issue 4): no slower than ssh, ≥ 5× faster than Cisco's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createSsh2MmpClient } from '../src/adapters/ssh/ssh2-mmp-client.js';
import { run } from '../test/helpers/run.js';
import { startSshd } from '../test/helpers/sshd.js';

export interface SshBenchResult {
  runs: number;
  wbguard: { median: number; p90: number };
  ssh: { median: number; p90: number };
  cisco: { median: number; p90: number } | undefined;
}

function stats(xs: number[]): { median: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) * 10) / 10;
  return { median: at(0.5), p90: at(0.9) };
}

const PARAMIKO = `
import sys, time, paramiko
port, key, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = time.perf_counter()
conn = paramiko.SSHClient()
conn.set_missing_host_key_policy(paramiko.AutoAddPolicy())
conn.connect("127.0.0.1", port, user, key_filename=key, look_for_keys=False, allow_agent=False)
conn.exec_command("webbridge restart")
time.sleep(1)
conn.close()
print((time.perf_counter() - t) * 1000)
`;

export async function benchSshCost(runs = 30): Promise<SshBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-ssh-'));
  const sshd = await startSshd(dir);
  try {
    writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostKeyPub}\n`);
    const client = createSsh2MmpClient({
      username: userInfo().username,
      privateKey: () => readFileSync(sshd.clientKey),
      knownHostsPath: join(dir, 'known_hosts'),
      connectTimeoutMs: 10_000,
    });
    const target = { name: 'bench', host: '127.0.0.1', port: sshd.port, hostKey: undefined };
    const ours: number[] = [];
    const theirs: number[] = [];
    const cisco: number[] = [];
    await client.exec(target, 'webbridge restart', { commandTimeoutMs: 10_000 }); // warm-up
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = await client.exec(target, 'webbridge restart', { commandTimeoutMs: 10_000 });
      ours.push(performance.now() - t);
      if (r.exitCode !== 0) {
        throw new Error('wbguard run failed');
      }
      t = performance.now();
      const s = await run('ssh', [
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
        `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
        `${userInfo().username}@127.0.0.1`,
        'webbridge restart',
      ]);
      theirs.push(performance.now() - t);
      if (s.status !== 0) {
        throw new Error(`ssh failed: ${s.stderr}`);
      }
    }
    const hasParamiko = (await run('/usr/bin/python3', ['-c', 'import paramiko'])).status === 0;
    if (hasParamiko) {
      for (let i = 0; i < Math.min(runs, 5); i++) {
        const p = await run('/usr/bin/python3', [
          '-c',
          PARAMIKO,
          String(sshd.port),
          sshd.clientKey,
          userInfo().username,
        ]);
        cisco.push(Number(p.stdout.trim()));
      }
    }
    return { runs, wbguard: stats(ours), ssh: stats(theirs), cisco: cisco.length ? stats(cisco) : undefined };
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
