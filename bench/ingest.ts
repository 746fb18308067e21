/**
 * Benchmark: sustained syslog ingest on loopback — `wbguard run` against Debian's rsyslog receiving the same load on
 * the same machine, in one run. TCP (octet-counted, back-pressured: nothing may be lost) and UDP (paced). Figures:
 * messages per second, loss, daemon RSS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function send(transport: 'tcp' | 'udp', port: number, count: number, rate: number): Promise<number> {
  const t = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/sender.ts', transport, String(port), String(count), String(rate)],
    { stdio: 'inherit' },
  );
  return new Promise((resolve) => child.on('exit', () => resolve(performance.now() - t)));
}

export interface IngestRow {
  receiver: string;
  transport: string;
  sent: number;
  received: number;
  seconds: number;
  perSecond: number;
  rssMb?: number;
}

async function wbguardRun(dir: string, count: number, udpRate: number): Promise<IngestRow[]> {
  const tcp = await freePort();
  const udp = await freePort();
  const http = await freePort();
  const config = join(dir, 'wbguard.yaml');
  writeFileSync(
    config,
    `cluster: bench\nsyslog: { tcp: "127.0.0.1:${tcp}", udp: "127.0.0.1:${udp}" }\nhttp: { listen: "127.0.0.1:${http}" }\nstate: ${join(dir, 'state')}\nlog: { level: warn }\n`,
  );
  const child = spawn(process.execPath, ['dist/src/app/cli/main.js', 'run', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${http}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, 20_000);
  const read = async () =>
    ((await (await fetch(`${url}/api/v1/state`)).json()) as { lines: { read: number } }).lines.read;
  const rows: IngestRow[] = [];
  for (const [transport, port] of [
    ['tcp', tcp],
    ['udp', udp],
  ] as const) {
    const before = await read();
    const t = performance.now();
    await send(transport, port, count, udpRate);
    await waitFor(async () => (await read()) - before >= count, 30_000);
    const seconds = (performance.now() - t) / 1000;
    const received = (await read()) - before;
    rows.push({
      receiver: 'wbguard run',
      transport,
      sent: count,
      received,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round(received / seconds),
    });
  }
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rss = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  for (const r of rows) {
    r.rssMb = Math.round(rss);
  }
  child.kill('SIGTERM');
  return rows;
}

async function rsyslogRun(dir: string, count: number, udpRate: number): Promise<IngestRow[]> {
  if (!existsSync('/usr/sbin/rsyslogd')) {
    return [];
  }
  const tcp = await freePort();
  const udp = await freePort();
  const out = join(dir, 'rsyslog-out.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}")`,
      'module(load="imtcp")',
      'module(load="imudp")',
      `input(type="imtcp" address="127.0.0.1" port="${tcp}")`,
      `input(type="imudp" address="127.0.0.1" port="${udp}" rcvbufSize="4m")`,
      `action(type="omfile" file="${out}" asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off")`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 1500));
  const lines = () =>
    existsSync(out) ? Number(spawnSync('wc', ['-l', out], { encoding: 'utf8' }).stdout.trim().split(' ')[0]) : 0;
  const rows: IngestRow[] = [];
  for (const [transport, port] of [
    ['tcp', tcp],
    ['udp', udp],
  ] as const) {
    const before = lines();
    const t = performance.now();
    await send(transport, port, count, udpRate);
    await waitFor(() => lines() - before >= count, 30_000);
    const seconds = (performance.now() - t) / 1000;
    const received = lines() - before;
    rows.push({
      receiver: 'rsyslogd 8.2302',
      transport,
      sent: count,
      received,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round(received / seconds),
    });
  }
  child.kill('SIGTERM');
  return rows;
}

export async function benchIngest(count = 300_000, udpRate = 100_000): Promise<IngestRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-ingest-'));
  try {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
    return [...(await wbguardRun(dir, count, udpRate)), ...(await rsyslogRun(dir, count, udpRate))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
