/// <reference lib="dom" />
/**
 * How fast the dashboard opens 30 days: a daemon whose store holds 30 days of Stats for 10 Web Bridges (one a
 * minute) and 10 Call Bridges (every 5 minutes) is started; then the history API is timed, and Debian's Chromium
 * times the page's "30 d" view (fetch + drawing every chart, measured by the page itself).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import { parseConfig } from '../src/app/config/index.js';
import { startDaemon } from '../src/app/daemon/daemon.js';
import type { CmsRecord } from '../src/core/model.js';
import { launchChromium } from '../test/helpers/browser.js';

const DAY = 86_400_000;

function thirtyDays(nodes: number, now: number): CmsRecord[] {
  const out: CmsRecord[] = [];
  const start = now - 30 * DAY;
  for (let t = start; t <= now; t += 60_000) {
    const hour = new Date(t).getUTCHours();
    const busy = hour >= 8 && hour < 18 ? 40 : 2;
    for (let n = 1; n <= nodes; n++) {
      // Each Web Bridge leaks 4 sessions a day and is restarted every 7 days.
      const leaked = Math.floor((((t - start) % (7 * DAY)) / DAY) * 4);
      out.push({ kind: 'webbridge-stats', at: t, host: `cms${n}`, active: busy + leaked, connects: 0, disconnects: 0 });
      if ((t - start) % 300_000 === 0) {
        out.push({ kind: 'callbridge-stats', at: t + 1, host: `cms${n}`, cma: busy, cmaPeak: busy, raw: {} });
      }
    }
  }
  return out;
}

export interface DashboardBench {
  readonly records: number;
  readonly startSeconds: number;
  readonly apiMs: number;
  readonly apiBytes: number;
  readonly pageMs: number;
  readonly points: number;
}

export async function benchDashboard(nodes = 10): Promise<DashboardBench> {
  const dir = mkdtempSync(join(tmpdir(), 'wbguard-bench-dash-'));
  try {
    const now = Date.now();
    const records = thirtyDays(nodes, now);
    const store = new SqliteStore(join(dir, 'state', 'wbguard.db'));
    for (let i = 0; i < records.length; i += 50_000) {
      store.appendRecords(records.slice(i, i + 50_000));
    }
    store.close();
    const names = Array.from({ length: nodes }, (_, i) => `cms${i + 1}`);
    const config = parseConfig({
      cluster: 'bench',
      webbridges: names.map((name) => ({ name, mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` })),
      callbridges: names.map((name) => ({ name })),
      http: { listen: '127.0.0.1:0' },
      policy: { mode: 'observe' },
      state: join(dir, 'state'),
    });
    const t0 = performance.now();
    const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000, retentionMs: 31 * DAY });
    const startSeconds = (performance.now() - t0) / 1000;
    try {
      const from = new Date(now - 30 * DAY).toISOString();
      const times: number[] = [];
      let bytes = 0;
      let points = 0;
      for (let i = 0; i < 5; i++) {
        const a = performance.now();
        const body = await (await fetch(`${daemon.url}/api/v1/history?from=${from}&points=1200`)).text();
        times.push(performance.now() - a);
        bytes = body.length;
        const h = JSON.parse(body) as { webbridges: Array<{ active: { t: number[] } }> };
        points = h.webbridges[0]?.active.t.length ?? 0;
      }
      times.sort((a, b) => a - b);
      const browser = await launchChromium();
      let pageMs = Number.NaN;
      try {
        const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
        await page.goto(`${daemon.url}/`);
        await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
        const samples: number[] = [];
        for (let i = 0; i < 3; i++) {
          await page.evaluate(() => {
            (window as unknown as { wbguard: { historyMs: number } }).wbguard.historyMs = -1;
          });
          await page.click(i % 2 === 0 ? '#range button[data-hours="720"]' : '#range button[data-hours="168"]');
          await page.waitForFunction(
            () => (window as unknown as { wbguard: { historyMs: number } }).wbguard.historyMs > 0,
            undefined,
            { timeout: 30_000 },
          );
          if (i % 2 === 0) {
            samples.push(
              await page.evaluate(() => (window as unknown as { wbguard: { historyMs: number } }).wbguard.historyMs),
            );
          }
        }
        pageMs = Math.max(...samples);
      } finally {
        await browser.close();
      }
      return {
        records: records.length,
        startSeconds: Number(startSeconds.toFixed(1)),
        apiMs: Math.round(times[2] as number),
        apiBytes: bytes,
        pageMs: Math.round(pageMs),
        points,
      };
    } finally {
      await daemon.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
