/**
 * Benchmark: syslog ingest on loopback — `wbguard run` (built) against Debian's rsyslogd configured as a lean
 * receiver, in the same run, measured interleaved round after round (the machine may be shared: a burst of other
 * work then hits both, not one).
 *
 * TCP: one connection, octet-counted frames pre-rendered by bench/frame-sender.ts and written in large writes, as
 * fast as the receiver takes them (back-pressured: nothing may be lost). Before the receivers, the same sender
 * writes to a null sink (a server that only counts bytes: Python's, reading into one buffer, when python3 runs
 * here) so the report shows the sender's own rate: it must be
 * well above the receivers' for them to be what is measured. Two mixes of lines: 1 % Web Bridge Stats lines (a CMS
 * day) and 100 % (the worst case for wbguard's store).
 *
 * UDP: bench/sender.ts paced at `udpRate`; what the kernel dropped is read from /proc/net/udp (the receiving
 * socket's own drops column).
 *
 * Every receiver and sender is started and stopped here; every wait is bounded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { udpSocketDrops } from '../src/adapters/syslog/kernel-drops.js';
import { freePort } from '../test/helpers/free-port.js';
import { buildCli, cliIn } from './built-cli.js';

/** rsyslogd's omfile buffer (ioBufferSize below): its last, partial buffer is written up to a second late. */
const RSYSLOG_IO_BUFFER = 1024 * 1024;

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

export interface SenderResult {
  readonly frames: number;
  readonly bytes: number;
  /** Epoch ms (sub-millisecond) at which the sender had connected: the start of every TCP measurement. */
  readonly startedAt: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Now, as an epoch instant comparable between processes (performance.timeOrigin + instant()). */
const instant = () => performance.timeOrigin + performance.now();

/** Runs bench/frame-sender.ts to `port`; resolves to what it printed. */
function sendFrames(port: number, count: number, mix: number, warnShare: number): Promise<SenderResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/frame-sender.ts', String(port), String(count), String(mix), String(warnShare)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as SenderResult) : reject(new Error(`frame sender exited ${code}`)),
    ),
  );
}

function sendUdp(port: number, count: number, rate: number): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/sender.ts', 'udp', String(port), String(count), String(rate)],
    { stdio: 'inherit' },
  );
  return new Promise((resolve) => child.on('exit', () => resolve()));
}

/**
 * A null sink in Python, when there is one: it reads into one reusable 4 MiB buffer, so it takes bytes several
 * times as fast as a Node server, whose every read makes a new Buffer and an event (against Node's sink the same
 * sender measured half its rate: 11.7–12.8 against 24–25 M msg/s, 2 million frames). Prints its port, then, at the
 * end of the one connection it accepts, `{"bytes": …, "startedAt": …, "lastByteAt": …}` (epoch ms).
 */
const PYTHON_NULL_SINK = `
import json, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
started = time.time() * 1000
buf = memoryview(bytearray(4 << 20))
n = 0
last = started
while True:
    k = c.recv_into(buf)
    if k == 0:
        break
    n += k
    last = time.time() * 1000
print(json.dumps({"bytes": n, "startedAt": started, "lastByteAt": last}), flush=True)
`;

let sinkKind: 'python' | 'node' | undefined;

/**
 * The null sink the sender's rate is measured against: Python's (see above) or, without python3, Node's. Found once
 * (it was asked before every measurement).
 */
export function nullSinkKind(): 'python' | 'node' {
  sinkKind ??= spawnSync('python3', ['-c', 'pass'], { stdio: 'ignore' }).status === 0 ? 'python' : 'node';
  return sinkKind;
}

/**
 * The sender's own rate: frames written to a server on 127.0.0.1 that only counts the bytes it reads, timed from
 * the connection until the last byte arrived. The Python sink when python3 runs here; else a Node server (whose
 * figure is then a lower bound of the sender's rate).
 */
export async function nullSinkRate(count: number, mix: number, warnShare = 0): Promise<SenderResult> {
  return nullSinkKind() === 'python'
    ? pythonNullSinkRate(count, mix, warnShare)
    : nodeNullSinkRate(count, mix, warnShare);
}

async function pythonNullSinkRate(count: number, mix: number, warnShare: number): Promise<SenderResult> {
  const sink = spawn('python3', ['-c', PYTHON_NULL_SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    sink.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    if (!(await waitFor(() => out.includes('\n'), 10_000, 10))) {
      throw new Error('the Python null sink did not start within 10 s');
    }
    const port = Number(out.split('\n')[0]);
    const sent = await sendFrames(port, count, mix, warnShare);
    if (!(await waitFor(() => out.trim().split('\n').length >= 2, 10_000, 10))) {
      throw new Error('the Python null sink did not report within 10 s');
    }
    const got = JSON.parse(out.trim().split('\n')[1] as string) as {
      bytes: number;
      startedAt: number;
      lastByteAt: number;
    };
    if (got.bytes !== sent.bytes) {
      throw new Error(`the Python null sink read ${got.bytes} bytes of ${sent.bytes}`);
    }
    const seconds = (got.lastByteAt - got.startedAt) / 1000;
    return {
      frames: sent.frames,
      bytes: got.bytes,
      startedAt: got.startedAt,
      seconds,
      perSecond: Math.round(sent.frames / seconds),
    };
  } finally {
    sink.kill();
  }
}

async function nodeNullSinkRate(count: number, mix: number, warnShare: number): Promise<SenderResult> {
  let bytes = 0;
  let started = 0;
  let lastByte = 0;
  const server = createServer((s) => {
    started = instant();
    s.on('data', (d: Buffer) => {
      bytes += d.length;
      lastByte = instant();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const sent = await sendFrames((server.address() as { port: number }).port, count, mix, warnShare);
    await waitFor(() => bytes >= sent.bytes, 10_000, 10);
    const seconds = (lastByte - started) / 1000;
    return { frames: sent.frames, bytes, startedAt: started, seconds, perSecond: Math.round(sent.frames / seconds) };
  } finally {
    server.close();
  }
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

export interface IngestRow {
  readonly receiver: string;
  readonly transport: 'tcp' | 'udp';
  /** Share of Stats lines (TCP); 1 for UDP (Stats lines only). */
  readonly mix: number;
  readonly round: number;
  readonly sent: number;
  readonly received: number;
  /** Seconds from the first frame sent to the last one read (rsyslogd: written to its file, see receivedAt). */
  readonly seconds: number;
  readonly perSecond: number;
  /** UDP: datagrams the kernel dropped at the receiver's socket. */
  readonly kernelDrops?: number;
  /** wbguard: Stats records it counted, and how many of them were committed, when, at what rate. */
  readonly statsLines?: number;
  readonly stored?: number;
  readonly storedSeconds?: number;
  readonly storedPerSecond?: number;
  /** wbguard: messages per second counting until every Stats record was committed (does the store keep up?). */
  readonly throughStorePerSecond?: number;
  readonly rssMb?: number;
  readonly peakRssMb?: number;
}

interface Counts {
  readonly read: number;
  readonly stats: number;
}

interface Receiver {
  readonly name: string;
  readonly ports: { tcp: number; udp: number };
  readonly pid?: number;
  /**
   * Waits (bounded) until `expected` more messages than `before` were received, or, once the sender is done, until
   * nothing more comes for a while (the rest was lost); resolves to the messages received
   * and the instant (instant()) the receiver had them all; or, when the last of them are only known to have arrived
   * later (rsyslogd's last buffer), the instant it had `share` of them.
   */
  received(
    before: Counts,
    expected: number,
    senderDone: () => boolean,
  ): Promise<{ counts: Counts; at: number; share?: number }>;
  counts(): Promise<Counts>;
  /** Records committed so far (wbguard). */
  stored?(): number;
  /** Between rounds (rsyslogd: its output file is rotated away, as logrotate does). */
  tidy?(): Promise<void>;
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
  const child = spawn(process.execPath, [cliIn(join(root, 'dist')), 'run', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${http}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, 20_000);
  // Read-only, beside the daemon (WAL): the highest rowid is the number of records committed (nothing is deleted).
  const db = new Database(join(state, 'wbguard.db'), { readonly: true, fileMustExist: true });
  const maxRowid = db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM records');
  const counts = async (): Promise<Counts> => {
    const lines = (
      (await (await fetch(`${url}/api/v1/state`)).json()) as { lines: { read: number; webbridgeStats: number } }
    ).lines;
    return { read: lines.read, stats: lines.webbridgeStats };
  };
  return {
    name,
    ports: { tcp, udp },
    pid: child.pid as number,
    counts,
    async received(before, expected, senderDone) {
      let last = before;
      let progressAt = instant();
      // Bounded: done when all arrived, or when nothing more came for 10 s after the sender was done (lost; TCP
      // reading pauses while the store catches up, which takes a few seconds at most).
      await waitFor(
        async () => {
          const now = await counts();
          if (now.read !== last.read || !senderDone()) {
            progressAt = instant();
          }
          last = now;
          return last.read - before.read >= expected || instant() - progressAt > 10_000;
        },
        120_000,
        10,
      );
      return { counts: last, at: instant() };
    },
    stored: () => (maxRowid.get() as { n: number }).n,
    async stop() {
      db.close();
      await stopChild(child);
    },
  };
}

/**
 * rsyslogd as an administrator tunes it to receive fast: imtcp and imudp, the main queue taking large batches,
 * omfile writing only the message (no stamp or host added), asynchronously, in 1 MiB buffers.
 */
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
      `global(workDirectory="${dir}" maxMessageSize="64k")`,
      'main_queue(queue.size="200000" queue.dequeueBatchSize="4096")',
      'module(load="imtcp")',
      'module(load="imudp")',
      'template(name="messageOnly" type="string" string="%msg%\\n")',
      `input(type="imtcp" address="127.0.0.1" port="${tcp}")`,
      `input(type="imudp" address="127.0.0.1" port="${udp}" rcvbufSize="4m")`,
      `action(type="omfile" file="${out}" template="messageOnly" asyncWriting="on" ioBufferSize="1m" flushOnTXEnd="off" flushInterval="1")`,
      '',
    ].join('\n'),
  );
  const pidFile = join(dir, 'rsyslog.pid');
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', pidFile], { stdio: 'inherit' });
  await waitFor(() => existsSync(pidFile), 10_000);
  await new Promise((r) => setTimeout(r, 500));
  const size = () => (existsSync(out) ? statSync(out).size : 0);
  const lines = () =>
    existsSync(out) ? Number(spawnSync('wc', ['-l', out], { encoding: 'utf8' }).stdout.trim().split(' ')[0]) : 0;
  const counts = async (): Promise<Counts> => ({ read: lines(), stats: 0 });
  return {
    name: 'rsyslogd 8.2302',
    ports: { tcp, udp },
    pid: child.pid as number,
    counts,
    // The file is watched by its size (counting lines all the time would cost the machine more than rsyslogd):
    // once it stops growing, its lines are counted. The last, partial buffer is written up to flushInterval late, so
    // the instant taken is the first at which the file was within one buffer of its final size, and the messages
    // in it are counted in proportion of the bytes.
    async received(before, expected, senderDone) {
      const samples: Array<{ at: number; size: number }> = [];
      let stableSince = instant();
      const deadline = instant() + 120_000;
      let counted: number | undefined;
      while (instant() < deadline) {
        const s = size();
        const at = instant();
        if (samples.length === 0 || s !== samples[samples.length - 1]?.size) {
          samples.push({ at, size: s });
          stableSince = at;
          counted = undefined;
        } else if (senderDone() && at - stableSince > 2_500) {
          break; // what has not come by now was lost
        } else if (senderDone() && at - stableSince > 300 && counted === undefined) {
          // Settled for a moment: count the lines once (wc reads the whole file, which is not free).
          counted = lines();
          if (counted - before.read >= expected) {
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const final = await counts();
      const finalSize = size();
      const near = samples.find((x) => x.size >= finalSize - RSYSLOG_IO_BUFFER) ?? samples[samples.length - 1];
      const got = final.read - before.read;
      return near && finalSize > 0
        ? { counts: { read: before.read + got, stats: 0 }, at: near.at, share: near.size / finalSize }
        : { counts: final, at: instant() };
    },
    async tidy() {
      if (existsSync(out)) {
        renameSync(out, `${out}.old`);
        child.kill('SIGHUP'); // rsyslogd flushes and closes the file, and opens a new one at the next message
        await new Promise((r) => setTimeout(r, 500));
        rmSync(`${out}.old`, { force: true });
      }
    },
    stop: () => stopChild(child),
  };
}

async function measureTcp(
  r: Receiver,
  mix: number,
  round: number,
  count: number,
  warnShare: number,
): Promise<IngestRow> {
  await r.tidy?.();
  const before = await r.counts();
  const storedBefore = r.stored?.();
  let done = false;
  const sending = sendFrames(r.ports.tcp, count, mix, warnShare).finally(() => {
    done = true;
  });
  const { counts, at, share } = await r.received(before, count, () => done);
  const t = (await sending).startedAt;
  // A receiver known to have had only `share` of the messages at `at` is credited the pace it had until then.
  const seconds = (at - t) / 1000 / (share ?? 1);
  const received = counts.read - before.read;
  let row: IngestRow = {
    receiver: r.name,
    transport: 'tcp',
    mix,
    round,
    sent: count,
    received,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(received / seconds),
  };
  if (r.stored && storedBefore !== undefined) {
    const stored = r.stored;
    const statsLines = counts.stats - before.stats;
    await waitFor(() => stored() - storedBefore >= statsLines, 120_000, 10);
    const storedSeconds = (instant() - t) / 1000;
    const n = stored() - storedBefore;
    row = {
      ...row,
      statsLines,
      stored: n,
      storedSeconds: Math.round(storedSeconds * 100) / 100,
      storedPerSecond: Math.round(n / storedSeconds),
      throughStorePerSecond: Math.round(received / storedSeconds),
    };
  }
  return withRss(r, row);
}

async function measureUdp(r: Receiver, round: number, count: number, rate: number): Promise<IngestRow> {
  await r.tidy?.();
  const before = await r.counts();
  const dropsBefore = udpSocketDrops(r.ports.udp) ?? 0;
  await sendUdp(r.ports.udp, count, rate);
  // Paced: what has not arrived a few seconds after the last datagram was lost.
  const { counts } = await r.received(before, count, () => true);
  const received = counts.read - before.read;
  return withRss(r, {
    receiver: r.name,
    transport: 'udp',
    mix: 1,
    round,
    sent: count,
    received,
    seconds: count / rate,
    perSecond: rate,
    kernelDrops: (udpSocketDrops(r.ports.udp) ?? 0) - dropsBefore,
  });
}

function withRss(r: Receiver, row: IngestRow): IngestRow {
  return r.pid === undefined ? row : { ...row, rssMb: rssMb(r.pid, 'VmRSS'), peakRssMb: rssMb(r.pid, 'VmHWM') };
}

export interface IngestOptions {
  /** TCP messages per round and mix. @default 2,000,000 (1 %), 500,000 (100 %) */
  readonly counts?: { readonly day: number; readonly stats: number };
  readonly rounds?: number;
  readonly udpCount?: number;
  readonly udpRate?: number;
  /** The root of another wbguard checkout, built, measured as a third receiver (before/after in the same run). */
  readonly baseline?: string | undefined;
  /** Leave UDP out (it is paced: its duration does not shrink on a faster machine). */
  readonly tcpOnly?: boolean;
  /** Share of the chatter lines logged at WARNING level (frame-sender.ts). @default 0 */
  readonly warnShare?: number;
}

export interface IngestBench {
  readonly rows: IngestRow[];
  /** The sender against the null sink, once per mix and round. */
  readonly sender: Array<SenderResult & { mix: number }>;
  /** Which null sink measured the sender (nullSinkKind). */
  readonly sink: 'python' | 'node';
  /** Share of the chatter lines at WARNING level. */
  readonly warnShare: number;
  readonly rounds: number;
  /** 1-minute load average before and after. */
  readonly load: [number, number];
}

export const MIXES = [0.01, 1] as const;

/**
 * `rounds` rounds; in each, for each mix: the sender against the null sink, then every receiver (their order swapped
 * every other round); then UDP for every receiver.
 */
export async function benchIngest(o: IngestOptions = {}): Promise<IngestBench> {
  const counts = o.counts ?? { day: 2_000_000, stats: 500_000 };
  const rounds = o.rounds ?? 3;
  const warnShare = o.warnShare ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-ingest-'));
  const receivers: Receiver[] = [];
  try {
    buildCli();
    const load0 = loadavg()[0] ?? 0;
    receivers.push(await startWbguard(join(dir, 'wbguard')));
    if (o.baseline) {
      receivers.push(await startWbguard(join(dir, 'baseline'), `wbguard run (${o.baseline})`, o.baseline));
    }
    const rsyslog = await startRsyslog(dir);
    if (rsyslog) {
      receivers.push(rsyslog);
    }
    const rows: IngestRow[] = [];
    const sender: IngestBench['sender'] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? receivers : [...receivers].reverse();
      for (const mix of MIXES) {
        const count = mix === 1 ? counts.stats : counts.day;
        sender.push({ ...(await nullSinkRate(count, mix, warnShare)), mix });
        for (const r of order) {
          rows.push(await measureTcp(r, mix, round, count, warnShare));
        }
      }
      if (!o.tcpOnly) {
        for (const r of order) {
          rows.push(await measureUdp(r, round, o.udpCount ?? 300_000, o.udpRate ?? 100_000));
        }
      }
    }
    return { rows, sender, sink: nullSinkKind(), warnShare, rounds, load: [load0, loadavg()[0] ?? 0] };
  } finally {
    await Promise.all(receivers.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
