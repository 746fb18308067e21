/**
 * @module test/prove/lib/flood
 * Floods against the real daemon, shared by the CI version (test/prove/flood.test.ts, seconds) and the long one
 * (prove/flood.ts, `npm run prove -- --only flood`, a minute per scenario). `wbguard run` starts as its own process
 * on 127.0.0.1 (UDP and TCP on ports the kernel picks, a temporary state folder); each scenario loads it, samples
 * its RSS from /proc/PID/status, reads what it counted from /metrics, and checks afterwards that it still answers
 * /healthz and still ingests a valid Stats line. Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { webBridgeStatsLine } from '../../../src/sim/syslog/templates.js';

const MAIN = new URL('../../../src/app/cli/main.ts', import.meta.url).pathname;

export interface FloodDaemon {
  readonly pid: number;
  readonly url: string;
  readonly udp: number;
  readonly tcp: number;
  /** The daemon's own stderr (warn and above), for a failure's message. */
  stderr(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** syslog.maxConnections; the daemon's default when absent. */
  readonly maxConnections?: number;
}

/** `wbguard run` in its own process (tsx, no build needed), on loopback ports of its own choosing. */
export async function startFloodDaemon(o: DaemonOptions = {}): Promise<FloodDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-flood-'));
  const config = join(dir, 'wbguard.yaml');
  writeFileSync(
    config,
    stringify({
      cluster: 'flood',
      syslog: {
        udp: '127.0.0.1:0',
        tcp: '127.0.0.1:0',
        ...(o.maxConnections ? { maxConnections: o.maxConnections } : {}),
      },
      http: { listen: '127.0.0.1:0' },
      mmp: { probeEveryMs: 0 },
      state: join(dir, 'state'),
      log: { level: 'warn' },
    }),
  );
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await new Promise((r) => child.once('exit', r));
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const m = await new Promise<RegExpExecArray>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`wbguard run did not start within 60 s: ${err}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /wbguard run: (http:\/\/\S+) .*udp:(\d+), tcp:(\d+)/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`wbguard run exited ${code}: ${err}`));
      });
    });
    child.stdout?.resume();
    return {
      pid: child.pid as number,
      url: m[1] as string,
      udp: Number(m[2]),
      tcp: Number(m[3]),
      stderr: () => err,
      exited: () => child.exitCode !== null || child.signalCode !== null,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** RSS and its high-water mark, in MB, from /proc/PID/status. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

export interface Counts {
  readonly udp: number;
  readonly tcp: number;
  readonly malformed: number;
  readonly droppedUdp: number;
  readonly droppedTcp: number;
}

export async function countsOf(d: FloodDaemon): Promise<Counts> {
  const text = await (await fetch(`${d.url}/metrics`)).text();
  const v = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    udp: v(/^wbguard_syslog_messages_total\{transport="udp"\} (\d+)/m),
    tcp: v(/^wbguard_syslog_messages_total\{transport="tcp"\} (\d+)/m),
    malformed: v(/^wbguard_log_lines_malformed_total (\d+)/m),
    droppedUdp: v(/^wbguard_syslog_dropped_total\{transport="udp"\} (\d+)/m),
    droppedTcp: v(/^wbguard_syslog_dropped_total\{transport="tcp"\} (\d+)/m),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the counts until they stop moving for a second (the daemon has read what reached it), at most `ms`. */
export async function settledCounts(d: FloodDaemon, ms = 30_000): Promise<Counts> {
  const end = Date.now() + ms;
  let last = await countsOf(d);
  for (;;) {
    // Drops are added once a second by the daemon: two readings 1.2 s apart see them.
    await sleep(1200);
    const now = await countsOf(d);
    if (JSON.stringify(now) === JSON.stringify(last) || Date.now() > end) {
      return now;
    }
    last = now;
  }
}

/**
 * TCP messages counted since `before`, read until they reach `sent` or 15 s pass (then what was counted: the
 * caller judges it).
 */
async function tcpCountedSince(d: FloodDaemon, before: Counts, sent: number): Promise<number> {
  const end = Date.now() + 15_000;
  let counted = 0;
  while (Date.now() < end) {
    counted = (await countsOf(d)).tcp - before.tcp;
    if (counted >= sent) {
      break;
    }
    await sleep(100);
  }
  return counted;
}

/** 20,000 distinct valid Stats lines, framed both ways, built once (formatting is not what is measured). */
const LINES = (() => {
  const t0 = Date.now() - 3_600_000;
  const out: Array<{ dgram: Buffer; frame: string }> = [];
  for (let i = 0; i < 20_000; i++) {
    const m = `<14>${webBridgeStatsLine(t0 + i * 10, `cms${(i % 20) + 1}`, i % 149, i, i)}`;
    out.push({ dgram: Buffer.from(m), frame: `${Buffer.byteLength(m)} ${m}` });
  }
  return out;
})();

function line(i: number): { dgram: Buffer; frame: string } {
  return LINES[i % LINES.length] as { dgram: Buffer; frame: string };
}

async function open(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.on('error', () => {
    // a reset from the daemon (a bad frame, the cap) ends it like any close
  });
  return s;
}

/** TCP octet-counted frames as fast as the connection takes them (back-pressure) until `stopAt`; returns sent. */
async function tcpPump(port: number, stopAt: number, offset = 0): Promise<number> {
  const s = await open(port);
  let i = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (Date.now() < stopAt) {
        const chunk: string[] = [];
        for (let k = 0; k < 200; k++, i++) {
          chunk.push(line(offset + i).frame);
        }
        if (!s.write(chunk.join(''))) {
          s.once('drain', pump);
          return;
        }
      }
      resolve();
    };
    pump();
  });
  await new Promise<void>((r) => s.end(r));
  return i;
}

/** A steady TCP sender (`perSecond`, in 50 ms steps) until `stop()`; returns how many it sent. */
export function steadySender(port: number, perSecond: number): { stop(): Promise<number> } {
  let sent = 0;
  let stopped = false;
  const done = (async () => {
    const s = await open(port);
    const per = Math.max(1, Math.round(perSecond / 20));
    while (!stopped) {
      const chunk: string[] = [];
      for (let k = 0; k < per; k++, sent++) {
        chunk.push(line(sent).frame);
      }
      s.write(chunk.join(''));
      await sleep(50);
    }
    await new Promise<void>((r) => s.end(r));
    return sent;
  })();
  return {
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

/** UDP datagrams at `perSecond` (in 10 ms steps) for `ms`; returns sent and the rate actually reached. */
async function udpPaced(
  port: number,
  perSecond: number,
  ms: number,
  make: (i: number) => Buffer = (i) => line(i).dgram,
): Promise<{ sent: number; perSecond: number }> {
  const s = createSocket('udp4');
  s.on('error', () => {
    // ENOBUFS and the like: counted as not sent below
  });
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  const end = started + ms;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) {
      s.send(make(sent), port, '127.0.0.1', (err) => {
        if (err) {
          failed++;
        }
      });
    }
    await sleep(10);
  }
  const seconds = (performance.now() - started) / 1000;
  await sleep(200);
  s.close();
  return { sent: sent - failed, perSecond: Math.round((sent - failed) / seconds) };
}

export interface FloodFigures {
  readonly scenario: string;
  readonly seconds: number;
  /** Messages the senders sent (valid and malformed) over the scenario's transport(s). */
  readonly sent: number;
  /** Messages the daemon counted (wbguard_syslog_messages_total, the scenario's transports). */
  readonly counted: number;
  readonly malformed: number;
  readonly dropped: number;
  /** (sent − counted) / sent, in %, for the messages that should have been read. */
  readonly lossPct: number;
  /** Messages counted per second of the scenario. */
  readonly perSecond: number;
  readonly rssStartMb: number;
  readonly rssPeakMb: number;
  readonly rssEndMb: number;
  /** Still answered /healthz and read a fresh valid Stats line after the flood. */
  readonly alive: boolean;
  readonly notes: string[];
}

/** Samples the daemon's RSS every 200 ms while `run` goes on. */
async function withRss<T>(
  d: FloodDaemon,
  run: () => Promise<T>,
): Promise<{ value: T; startMb: number; peakMb: number; endMb: number }> {
  const startMb = memoryOf(d.pid).rssMb;
  let peakMb = startMb;
  const timer = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, memoryOf(d.pid).rssMb);
    } catch {
      // the process is gone: the alive check says so
    }
  }, 200);
  try {
    const value = await run();
    const endMb = memoryOf(d.pid).rssMb;
    return { value, startMb, peakMb: Math.max(peakMb, endMb), endMb };
  } finally {
    clearInterval(timer);
  }
}

/** /healthz answers, and one new valid Stats line sent on a fresh TCP connection is read (within 10 s). */
export async function aliveCheck(d: FloodDaemon): Promise<boolean> {
  if (d.exited()) {
    return false;
  }
  try {
    if (!(await fetch(`${d.url}/healthz`, { signal: AbortSignal.timeout(10_000) })).ok) {
      return false;
    }
    const stats = async () =>
      ((await (await fetch(`${d.url}/api/v1/state`)).json()) as { lines: { webbridgeStats: number } }).lines
        .webbridgeStats;
    const before = await stats();
    const s = await open(d.tcp);
    const m = `<14>${webBridgeStatsLine(Date.now(), 'alive-check', 7, 1, 1)}`;
    s.end(`${Buffer.byteLength(m)} ${m}`);
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      if ((await stats()) > before) {
        return true;
      }
      await sleep(50);
    }
    return false;
  } catch {
    return false;
  }
}

function figures(
  scenario: string,
  seconds: number,
  sent: number,
  delta: { counted: number; malformed: number; dropped: number },
  expected: number,
  rss: { startMb: number; peakMb: number; endMb: number },
  alive: boolean,
  notes: string[] = [],
): FloodFigures {
  return {
    scenario,
    seconds: Math.round(seconds * 10) / 10,
    sent,
    counted: delta.counted,
    malformed: delta.malformed,
    dropped: delta.dropped,
    lossPct: expected > 0 ? Math.round(((expected - Math.min(expected, delta.counted)) / expected) * 10_000) / 100 : 0,
    perSecond: Math.round(delta.counted / seconds),
    rssStartMb: rss.startMb,
    rssPeakMb: rss.peakMb,
    rssEndMb: rss.endMb,
    alive,
    notes,
  };
}

function diff(a: Counts, b: Counts, transport: 'udp' | 'tcp' | 'both') {
  const pick = (c: Counts) =>
    transport === 'udp'
      ? { m: c.udp, d: c.droppedUdp }
      : transport === 'tcp'
        ? { m: c.tcp, d: c.droppedTcp }
        : { m: c.udp + c.tcp, d: c.droppedUdp + c.droppedTcp };
  return { counted: pick(b).m - pick(a).m, malformed: b.malformed - a.malformed, dropped: pick(b).d - pick(a).d };
}

/**
 * UDP at the highest rate the machine sustains: a ramp (3 s steps, ×1.5 from `startRate`) finds the highest rate
 * with loss ≤ 1 % that the sender reached, then `seconds` at that rate (stepped down when that loses more).
 * `fixedRate` skips the ramp and the step-down.
 */
export async function udpFlood(
  d: FloodDaemon,
  seconds: number,
  o: { fixedRate?: number; startRate?: number } = {},
): Promise<FloodFigures> {
  const notes: string[] = [];
  let rate = o.fixedRate ?? 0;
  if (!o.fixedRate) {
    let r = o.startRate ?? 20_000;
    for (let step = 0; step < 10; step++) {
      const before = await countsOf(d);
      const sent = await udpPaced(d.udp, r, 3000);
      const after = await settledCounts(d, 10_000);
      const loss = (sent.sent - (after.udp - before.udp)) / sent.sent;
      notes.push(`ramp ${r}/s: sent ${sent.perSecond}/s, loss ${(loss * 100).toFixed(2)} %`);
      if (loss > 0.01 || sent.perSecond < r * 0.9) {
        break;
      }
      rate = r;
      r = Math.round(r * 1.5);
    }
    if (rate === 0) {
      rate = o.startRate ?? 20_000;
      notes.push('no ramp step was loss-free: the long run uses the first step');
    }
  }
  // A short step can pass where minutes cannot (the store grows, neighbours load the machine): a long run that
  // loses more than 1 % is run again at 70 % of its rate, at most twice; the figures are the last run's.
  let before = await countsOf(d);
  let run = await withRss(d, async () => {
    const sent = await udpPaced(d.udp, rate, seconds * 1000);
    return { sent, after: await settledCounts(d) };
  });
  for (let again = 0; again < 2 && !o.fixedRate; again++) {
    const loss = 1 - (run.value.after.udp - before.udp) / Math.max(1, run.value.sent.sent);
    if (loss <= 0.01) {
      break;
    }
    notes.push(`${seconds} s at ${rate}/s lost ${(loss * 100).toFixed(2)} %: again at ${Math.round(rate * 0.7)}/s`);
    rate = Math.round(rate * 0.7);
    before = await countsOf(d);
    run = await withRss(d, async () => {
      const sent = await udpPaced(d.udp, rate, seconds * 1000);
      return { sent, after: await settledCounts(d) };
    });
  }
  const { value, ...rss } = run;
  notes.push(`target ${rate}/s, sender reached ${value.sent.perSecond}/s`);
  // The rate is over the sending time: the daemon reads UDP as it arrives (what it cannot read, the kernel drops).
  return figures(
    'UDP at the highest sustained rate',
    seconds,
    value.sent.sent,
    diff(before, value.after, 'udp'),
    value.sent.sent,
    rss,
    await aliveCheck(d),
    notes,
  );
}

/** TCP octet-counted, `connections` senders as fast as the daemon takes them (back-pressure: nothing may be lost). */
export async function tcpFlood(d: FloodDaemon, seconds: number, connections = 2): Promise<FloodFigures> {
  const before = await countsOf(d);
  const t = performance.now();
  const { value, ...rss } = await withRss(d, async () => {
    const stopAt = Date.now() + seconds * 1000;
    const sent = (
      await Promise.all(Array.from({ length: connections }, (_, k) => tcpPump(d.tcp, stopAt, k * 7919)))
    ).reduce((a, b) => a + b, 0);
    return { sent, after: await settledCounts(d) };
  });
  const elapsed = (performance.now() - t) / 1000;
  return figures(
    `TCP at full speed (${connections} connections)`,
    elapsed,
    value.sent,
    diff(before, value.after, 'tcp'),
    value.sent,
    rss,
    await aliveCheck(d),
    [`elapsed includes reading the backlog after the senders stopped (${seconds} s of sending)`],
  );
}

const BAD_FRAMES = ['99999999999 x', '70000 <14>too long', '123456789012345678', '0 ', '12a <14>x'];

/**
 * Malformed-frame floods: `loops` TCP connections each sending a bad octet-counted frame (closed by the daemon),
 * reconnecting at once; garbage datagrams over UDP at `udpRate`; a steady valid TCP sender beside them must lose
 * nothing.
 */
export async function malformedFlood(d: FloodDaemon, seconds: number, o = { loops: 8, udpRate: 5000, validRate: 200 }) {
  const before = await countsOf(d);
  const t = performance.now();
  let badConnections = 0;
  let notClosed = 0;
  const { value, ...rss } = await withRss(d, async () => {
    const stopAt = Date.now() + seconds * 1000;
    const valid = steadySender(d.tcp, o.validRate);
    const badLoop = async (k: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const s = await open(d.tcp);
        const closed = new Promise<boolean>((r) => {
          const timer = setTimeout(() => r(false), 5000);
          s.once('close', () => {
            clearTimeout(timer);
            r(true);
          });
        });
        s.write(BAD_FRAMES[(i + k) % BAD_FRAMES.length] as string);
        badConnections++;
        if (!(await closed)) {
          notClosed++;
          s.destroy();
        }
      }
    };
    let seed = 1;
    const garbage = (i: number) => {
      const b = Buffer.alloc(1 + (i % 1400));
      for (let k = 0; k < b.length; k++) {
        seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
        b[k] = seed & 0xff;
      }
      // A garbage datagram must not be a valid line by chance: never starts like a syslog PRI.
      b[0] = 0xff;
      return b;
    };
    const [udp] = await Promise.all([
      udpPaced(d.udp, o.udpRate, seconds * 1000, garbage),
      ...Array.from({ length: o.loops }, (_, k) => badLoop(k)),
    ]);
    const validSent = await valid.stop();
    return { udp, validSent, after: await settledCounts(d) };
  });
  const elapsed = (performance.now() - t) / 1000;
  const delta = diff(before, value.after, 'both');
  const tcpCounted = value.after.tcp - before.tcp;
  return {
    ...figures(
      'malformed frames (TCP) and garbage datagrams (UDP), a valid sender beside',
      elapsed,
      value.udp.sent + badConnections + value.validSent,
      delta,
      value.udp.sent + value.validSent,
      rss,
      await aliveCheck(d),
      [
        `${badConnections} connections with a bad frame (${notClosed} not closed by the daemon within 5 s); ${value.udp.sent} garbage datagrams; ${value.validSent} valid lines`,
        `valid TCP lines counted: ${tcpCounted} of ${value.validSent}`,
      ],
    ),
    badConnections,
    notClosed,
    garbageSent: value.udp.sent,
    validSent: value.validSent,
    validCounted: tcpCounted,
    droppedTcp: value.after.droppedTcp - before.droppedTcp,
  };
}

/**
 * One slow TCP client (a byte every 20 ms of a long frame) and one that starts a frame and never finishes it, while
 * a steady valid sender goes on: its lines must all be read while the slow ones are still open.
 */
export async function slowClient(d: FloodDaemon, seconds: number, validRate = 1000) {
  const before = await countsOf(d);
  const t = performance.now();
  const { value, ...rss } = await withRss(d, async () => {
    const slow = await open(d.tcp);
    const stuck = await open(d.tcp);
    const lfSlow = await open(d.tcp);
    const big = `60000 <14>${'x'.repeat(59_995)}`;
    stuck.write(big.slice(0, 1000));
    let pos = 0;
    const drip = setInterval(() => {
      slow.write(big[pos % big.length] as string);
      lfSlow.write('y');
      pos++;
    }, 20);
    const valid = steadySender(d.tcp, validRate);
    await sleep(seconds * 1000);
    const validSent = await valid.stop();
    // The valid lines are read while the slow clients are still mid-frame.
    const counted = await tcpCountedSince(d, before, validSent);
    const slowOpen = !slow.destroyed && !stuck.destroyed && !lfSlow.destroyed;
    const alive = await aliveCheck(d);
    clearInterval(drip);
    for (const s of [slow, stuck, lfSlow]) {
      s.destroy();
    }
    return { validSent, counted, slowOpen, alive, dripped: pos, after: await settledCounts(d) };
  });
  const elapsed = (performance.now() - t) / 1000;
  return {
    ...figures(
      'one slow TCP client (a byte every 20 ms) and one frame never finished, a valid sender beside',
      elapsed,
      value.validSent,
      diff(before, value.after, 'tcp'),
      value.validSent,
      rss,
      value.alive,
      [
        `valid lines read while the slow clients were mid-frame: ${value.counted} of ${value.validSent}; slow clients still open then: ${value.slowOpen}; ${value.dripped} bytes dripped`,
      ],
    ),
    validSent: value.validSent,
    validCountedWhileSlow: value.counted,
    slowStillOpen: value.slowOpen,
  };
}

/**
 * `count` idle TCP connections opened (in batches of 100) and held for `seconds` while a steady valid sender goes
 * on; then `extra` more, beyond the daemon's cap when count + extra exceeds it: refused at once and counted.
 */
export async function idleConnections(d: FloodDaemon, seconds: number, count = 1000, extra = 0, validRate = 1000) {
  const before = await countsOf(d);
  const t = performance.now();
  const { value, ...rss } = await withRss(d, async () => {
    const sockets: Socket[] = [];
    let openFailures = 0;
    const closedByDaemon = new Set<Socket>();
    const openBatch = async (n: number) => {
      for (let i = 0; i < n; i += 100) {
        const batch = await Promise.allSettled(Array.from({ length: Math.min(100, n - i) }, () => open(d.tcp)));
        for (const b of batch) {
          if (b.status === 'fulfilled') {
            sockets.push(b.value);
            b.value.once('close', () => closedByDaemon.add(b.value));
          } else {
            openFailures++;
          }
        }
      }
    };
    const failuresAt = new Map<number, number>();
    const failuresBefore = (k: number) => failuresAt.get(k) ?? 0;
    try {
      await openBatch(count);
      failuresAt.set(sockets.length, openFailures);
      await sleep(500);
      const heldAfterOpen = sockets.length - closedByDaemon.size;
      const valid = steadySender(d.tcp, validRate);
      await sleep(seconds * 1000);
      const validSent = await valid.stop();
      const counted = await tcpCountedSince(d, before, validSent);
      const held = sockets.length - closedByDaemon.size;
      let refusedSeen = 0;
      if (extra > 0) {
        const k = sockets.length;
        await openBatch(extra);
        await sleep(1000);
        const extras = sockets.splice(k);
        refusedSeen = extras.filter((s) => closedByDaemon.has(s)).length + (openFailures - failuresBefore(k));
        // Let the extras go, so the alive check below is not itself refused by a full cap.
        for (const s of extras) {
          s.destroy();
        }
        await sleep(200);
      }
      const alive = await aliveCheck(d);
      return { validSent, counted, held, heldAfterOpen, openFailures, refusedSeen, alive };
    } finally {
      for (const s of sockets) {
        s.destroy();
      }
    }
  });
  const after = await settledCounts(d);
  const elapsed = (performance.now() - t) / 1000;
  return {
    ...figures(
      `${count} idle TCP connections held${extra ? `, then ${extra} more` : ''}, a valid sender beside`,
      elapsed,
      value.validSent,
      diff(before, after, 'tcp'),
      value.validSent,
      rss,
      value.alive,
      [
        `${value.heldAfterOpen} of ${count} held open (${value.openFailures} failed to connect); valid lines read while held: ${value.counted} of ${value.validSent}${extra ? `; of ${extra} more, ${value.refusedSeen} refused by the cap` : ''}`,
      ],
    ),
    held: value.held,
    heldAfterOpen: value.heldAfterOpen,
    validSent: value.validSent,
    validCountedWhileHeld: value.counted,
    refusedSeen: value.refusedSeen,
    droppedTcp: after.droppedTcp - before.droppedTcp,
  };
}
