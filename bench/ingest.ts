/**
 * Benchmark: sustained syslog ingest on loopback — `wbguard run` against Debian's rsyslog receiving the same load on
 * the same machine, in one run. TCP (octet-counted, back-pressured: nothing may be lost) and UDP (paced). Both
 * receivers run side by side for the whole benchmark and are measured interleaved, round after round (the machine is
 * shared: a burst of other work then hits both, not one). Figures: messages per second, loss, daemon RSS, and for
 * wbguard also when the last message was committed to its store (received is counted as lines are read, before the
 * commit).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms: number, every = 100): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, every));
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

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

export interface IngestRow {
  receiver: string;
  transport: 'tcp' | 'udp';
  round: number;
  sent: number;
  received: number;
  seconds: number;
  perSecond: number;
  /** wbguard only: seconds until the last message was committed to the store, and the rate that gives. */
  storedSeconds?: number;
  storedPerSecond?: number;
  stored?: number;
  /** wbguard only: RSS after this round, and the peak so far. */
  rssMb?: number;
  peakRssMb?: number;
}

interface Receiver {
  readonly name: string;
  readonly ports: { tcp: number; udp: number };
  /** Messages received so far. */
  received(): Promise<number>;
  /** Records committed so far (wbguard). */
  stored?(): number;
  readonly pid?: number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return Promise.resolve();
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}

async function startWbguard(dir: string, name = 'wbguard run', root = '.'): Promise<Receiver> {
  const tcp = await freePort();
  const udp = await freePort();
  const http = await freePort();
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'wbguard.yaml');
  const state = join(dir, 'state');
  writeFileSync(
    config,
    `cluster: bench\nsyslog: { tcp: "127.0.0.1:${tcp}", udp: "127.0.0.1:${udp}" }\nhttp: { listen: "127.0.0.1:${http}" }\nstate: ${state}\nlog: { level: warn }\n`,
  );
  const child = spawn(process.execPath, [join(root, 'dist/src/app/cli/main.js'), 'run', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${http}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, 20_000);
  // Read-only, beside the daemon (WAL): the highest rowid is the number of records committed (nothing is deleted).
  const db = new Database(join(state, 'wbguard.db'), { readonly: true, fileMustExist: true });
  const maxRowid = db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM records');
  return {
    name,
    ports: { tcp, udp },
    pid: child.pid as number,
    received: async () =>
      ((await (await fetch(`${url}/api/v1/state`)).json()) as { lines: { read: number } }).lines.read,
    stored: () => (maxRowid.get() as { n: number }).n,
    async stop() {
      db.close();
      await stopChild(child);
    },
  };
}

async function startRsyslog(dir: string): Promise<Receiver | undefined> {
  if (!existsSync('/usr/sbin/rsyslogd')) {
    return undefined;
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
  return {
    name: 'rsyslogd 8.2302',
    ports: { tcp, udp },
    received: async () => lines(),
    stop: () => stopChild(child),
  };
}

async function measure(
  r: Receiver,
  transport: 'tcp' | 'udp',
  round: number,
  count: number,
  udpRate: number,
): Promise<IngestRow> {
  const before = await r.received();
  const storedBefore = r.stored?.();
  const t = performance.now();
  await send(transport, r.ports[transport], count, udpRate);
  await waitFor(async () => (await r.received()) - before >= count, 30_000, 20);
  const seconds = (performance.now() - t) / 1000;
  const received = (await r.received()) - before;
  const row: IngestRow = {
    receiver: r.name,
    transport,
    round,
    sent: count,
    received,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(received / seconds),
  };
  if (r.stored && storedBefore !== undefined) {
    const stored = r.stored;
    await waitFor(() => stored() - storedBefore >= received, 30_000, 20);
    const storedSeconds = (performance.now() - t) / 1000;
    row.stored = stored() - storedBefore;
    row.storedSeconds = Math.round(storedSeconds * 100) / 100;
    row.storedPerSecond = Math.round(row.stored / storedSeconds);
  }
  if (r.pid !== undefined) {
    row.rssMb = rssMb(r.pid, 'VmRSS');
    row.peakRssMb = rssMb(r.pid, 'VmHWM');
  }
  return row;
}

export interface IngestBench {
  readonly rows: IngestRow[];
  readonly rounds: number;
  /** 1-minute load average before and after. */
  readonly load: [number, number];
}

/**
 * `rounds` rounds; in each, every receiver takes TCP then UDP, their order swapped every other round. `baseline`: the
 * root of another wbguard checkout, built, measured as a third receiver (before/after in the same run).
 */
export async function benchIngest(
  count = 300_000,
  udpRate = 100_000,
  rounds = 3,
  baseline?: string,
): Promise<IngestBench> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-ingest-'));
  const receivers: Receiver[] = [];
  try {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
    const load0 = loadavg()[0] ?? 0;
    receivers.push(await startWbguard(join(dir, 'wbguard')));
    if (baseline) {
      receivers.push(await startWbguard(join(dir, 'baseline'), `wbguard run (${baseline})`, baseline));
    }
    const rsyslog = await startRsyslog(dir);
    if (rsyslog) {
      receivers.push(rsyslog);
    }
    const rows: IngestRow[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? receivers : [...receivers].reverse();
      for (const transport of ['tcp', 'udp'] as const) {
        for (const r of order) {
          rows.push(await measure(r, transport, round, count, udpRate));
        }
      }
    }
    return { rows, rounds, load: [load0, loadavg()[0] ?? 0] };
  } finally {
    await Promise.all(receivers.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
