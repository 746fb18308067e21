/**
 * History for months: raw records are kept days, the per-minute table months; the history API draws a long span
 * from the per-minute table, so a 20-day view shows 20 days although the raw retention is 14.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../../src/adapters/store/sqlite-store.js';
import { parseConfig } from '../../../src/app/config/index.js';
import { startDaemon } from '../../../src/app/daemon/daemon.js';
import type { CmsRecord } from '../../../src/core/model.js';
import { tempDir } from '../../sim/helpers.js';

const DAY = 86_400_000;

test('a 20-day view with a 14-day raw retention comes from the per-minute table, the peaks kept', async (t) => {
  const dir = tempDir(t, 'wbguard-history-');
  const now = Date.now();
  const records: CmsRecord[] = [];
  for (let at = now - 20 * DAY; at < now; at += 10 * 60_000) {
    // One peak at the limit 18 days ago: it must survive the raw retention and the down-sampling.
    const active = Math.abs(at - (now - 18 * DAY)) < 5 * 60_000 ? 149 : 30;
    records.push({ kind: 'webbridge-stats', at, host: 'cms1', active, connects: 0, disconnects: 0 });
    records.push({ kind: 'callbridge-stats', at: at + 1, host: 'cms1', cma: 20, cmaPeak: 20, raw: {} });
  }
  const store = new SqliteStore(join(dir, 'state', 'wbguard.db'));
  store.appendRecords(records);
  store.close();
  const config = parseConfig({
    cluster: 'lab',
    webbridges: [{ name: 'cms1', mmp: '127.0.0.1:1', hostKey: `SHA256:${'a'.repeat(43)}` }],
    callbridges: [{ name: 'cms1' }],
    mmp: { probeEveryMs: 0 },
    http: { listen: '127.0.0.1:0' },
    store: { rawRetentionDays: 14 },
    state: join(dir, 'state'),
  });
  const daemon = await startDaemon(config, { env: {}, evaluateEveryMs: 3_600_000 });
  t.after(() => daemon.close());
  assert.equal(
    (await daemon.store.recordsSince(0)).filter((r) => r.at < now - 15 * DAY).length,
    0,
    'raw records older than the retention were pruned at start',
  );
  const from = new Date(now - 20 * DAY).toISOString();
  const h = (await (await fetch(`${daemon.url}/api/v1/history?from=${from}&points=500`)).json()) as {
    webbridges: Array<{ active: { t: number[]; v: number[] } }>;
    callbridges: Array<{ cma: { t: number[]; v: number[] } }>;
  };
  const active = h.webbridges[0]?.active;
  assert.ok(active && active.t.length > 100 && active.t.length <= 500, String(active?.t.length));
  assert.ok((active.t[0] as number) < now - 19 * DAY, 'the view reaches back past the raw retention');
  assert.ok(active.v.includes(149), 'the peak 18 days ago is kept');
  assert.ok((h.callbridges[0]?.cma.t[0] as number) < now - 19 * DAY);
  // A short span still comes from the live analysis, whose samples keep their own instants (not minute buckets).
  const day = (await (
    await fetch(`${daemon.url}/api/v1/history?from=${new Date(now - DAY).toISOString()}`)
  ).json()) as { webbridges: Array<{ active: { t: number[] } }> };
  const ts = day.webbridges[0]?.active.t ?? [];
  assert.ok(ts.length > 100);
  assert.ok(
    ts.some((x) => x % 60_000 !== 0),
    'instants of the samples themselves, not bucket starts',
  );
});
