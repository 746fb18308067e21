/**
 * Benchmark: the daemon's memory with 30 days of history for 20 nodes (issue 5: RSS under 150 MB). A store is
 * filled with 30 days of Stats (every Web Bridge every `statsEverySec`, every Call Bridge every 5 minutes), then
 * `wbguard run` (built, in its own process) starts on it with a 30-day retention, replays it, and takes live Stats
 * from 20 nodes over TCP for a while. Figures: records, start-up time, RSS after start and after the live phase,
 * peak RSS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import type { CmsRecord } from '../src/core/model.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../src/sim/syslog/templates.js';
import { freePort } from '../test/helpers/free-port.js';
import { buildCli, CLI } from './built-cli.js';

const DAY = 86_400_000;

export interface RssBench {
  readonly nodes: number;
  readonly days: number;
  readonly statsEverySec: number;
  readonly records: number;
  readonly fillSeconds: number;
  readonly startSeconds: number;
  readonly rssAfterStartMb: number;
  readonly rssAfterLiveMb: number;
  readonly peakRssMb: number;
  readonly liveMessages: number;
}

function fill(path: string, nodes: number, days: number, statsEverySec: number, now: number): number {
  const store = new SqliteStore(path);
  let n = 0;
  let batch: CmsRecord[] = [];
  const start = now - days * DAY;
  for (let t = start; t < now; t += statsEverySec * 1000) {
    const hour = new Date(t).getUTCHours();
    const busy = hour >= 8 && hour < 18 ? 40 : 2;
    const leaked = Math.floor((((t - start) % (7 * DAY)) / DAY) * 4);
    for (let i = 1; i <= nodes; i++) {
      batch.push({
        kind: 'webbridge-stats',
        at: t,
        host: `cms${i}`,
        active: busy + leaked,
        connects: 0,
        disconnects: 0,
      });
      if ((t - start) % 300_000 < statsEverySec * 1000) {
        batch.push({ kind: 'callbridge-stats', at: t + 1, host: `cms${i}`, cma: busy, cmaPeak: busy, raw: {} });
      }
    }
    if (batch.length >= 20_000) {
      store.appendRecords(batch);
      n += batch.length;
      batch = [];
    }
  }
  store.appendRecords(batch);
  n += batch.length;
  store.close();
  return n;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

export async function benchRss(nodes = 20, days = 30, statsEverySec = 10, liveSeconds = 60): Promise<RssBench> {
  buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-rss-'));
  try {
    const now = Date.now();
    const f0 = performance.now();
    const records = fill(join(dir, 'state', 'wbguard.db'), nodes, days, statsEverySec, now);
    const fillSeconds = (performance.now() - f0) / 1000;
    const tcp = await freePort();
    const http = await freePort();
    const names = Array.from({ length: nodes }, (_, i) => `cms${i + 1}`);
    const config = join(dir, 'wbguard.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        cluster: 'bench',
        webbridges: names.map((name) => ({ name, mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` })),
        callbridges: names.map((name) => ({ name })),
        mmp: { probeEveryMs: 0 },
        syslog: { tcp: `127.0.0.1:${tcp}` },
        http: { listen: `127.0.0.1:${http}` },
        store: { rawRetentionDays: days + 1 },
        policy: { mode: 'observe' },
        state: join(dir, 'state'),
        log: { level: 'warn' },
      }),
    );
    const s0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', '--config', config], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const url = `http://127.0.0.1:${http}`;
      for (let i = 0; i < 1200; i++) {
        if ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok) {
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const startSeconds = (performance.now() - s0) / 1000;
      await new Promise((r) => setTimeout(r, 3000));
      const rssAfterStartMb = rssMb(child.pid as number, 'VmRSS');
      // Live: every node's Stats every second (ten times CMS's pace in the simulator), Call Bridges every 10 s.
      const socket = connect(tcp, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let liveMessages = 0;
      for (let s = 0; s < liveSeconds; s++) {
        const at = Date.now();
        for (const name of names) {
          const lines = [webBridgeStatsLine(at, name, 40, s, s)];
          if (s % 10 === 0) {
            lines.push(callBridgeStatsLine(at + 1, name, 3, 3, 0));
          }
          for (const line of lines) {
            const frame = Buffer.from(`<14>${line}`);
            socket.write(`${frame.length} `);
            socket.write(frame);
            liveMessages++;
          }
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      socket.end();
      const rssAfterLiveMb = rssMb(child.pid as number, 'VmRSS');
      const peakRssMb = rssMb(child.pid as number, 'VmHWM');
      return {
        nodes,
        days,
        statsEverySec,
        records,
        fillSeconds: Number(fillSeconds.toFixed(1)),
        startSeconds: Number(startSeconds.toFixed(1)),
        rssAfterStartMb,
        rssAfterLiveMb,
        peakRssMb,
        liveMessages,
      };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
