/// <reference lib="dom" />
/**
 * The dashboard of a daemon that guards two clusters (issue 10), in Debian's Chromium: one card per cluster side by
 * side, the first shown in detail, a click on the other shows that one (its own nodes and numbers, kept in the
 * address), and nothing leaves loopback.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/app/config/index.js';
import { startDaemon } from '../../src/app/daemon/daemon.js';
import { createSink, parseSinkUrl } from '../../src/sim/syslog/sinks.js';
import { callBridgeStatsLine, webBridgeStatsLine } from '../../src/sim/syslog/templates.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir } from '../sim/helpers.js';

const ARTEFACTS = join(process.cwd(), 'test-artifacts');
const HOST_KEY = `SHA256:${'a'.repeat(43)}`;
/** Active sessions per node in each cluster: distinct, so the page can only show the right ones by reading them. */
const ACTIVE = { berlin: [41, 7, 19], paris: [88, 3, 56] } as const;

test('two clusters side by side on the dashboard; a click shows the other one', async (t) => {
  const dir = tempDir(t, 'wbguard-dash-clusters-');
  const cluster = (name: 'berlin' | 'paris', prefix: string) => ({
    name,
    webbridges: [1, 2, 3].map((i) => ({
      name: `cms${i}`,
      mmp: '127.0.0.1:1',
      hostKey: HOST_KEY,
      syslogHost: `${prefix}${i}`,
    })),
    callbridges: [1, 2, 3].map((i) => ({ name: `cms${i}`, syslogHost: `${prefix}${i}` })),
  });
  const config = parseConfig({
    clusters: [cluster('berlin', 'ber-cms'), cluster('paris', 'par-cms')],
    syslog: { tcp: '127.0.0.1:0' },
    http: { listen: '127.0.0.1:0' },
    policy: { mode: 'observe' },
    state: join(dir, 'state'),
  });
  const daemon = await startDaemon(config, { probeFirstAfterMs: 3_600_000 });
  t.after(() => daemon.close());
  const sink = createSink(parseSinkUrl(`tcp://127.0.0.1:${daemon.listeners[0]?.port}`));
  const at = Date.now();
  for (const [name, prefix] of [
    ['berlin', 'ber-cms'],
    ['paris', 'par-cms'],
  ] as const) {
    ACTIVE[name].forEach((active, i) => {
      sink.send(`${prefix}${i + 1}`, webBridgeStatsLine(at, `${prefix}${i + 1}`, active, 10, 5));
      sink.send(`${prefix}${i + 1}`, callBridgeStatsLine(at, `${prefix}${i + 1}`, 1, 2, 1));
    });
  }
  for (let i = 0; i < 200 && daemon.state.lines.callbridgeStats < 6; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await sink.close();
  assert.equal(daemon.state.lines.callbridgeStats, 6, 'every STATS line ingested');

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(daemon.url)) {
      elsewhere.push(r.url());
    }
  });
  const activeShown = () =>
    page.$$eval('#nodes tbody tr', (trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[2]?.textContent)));
  const waitForActive = (expected: readonly number[]) =>
    page.waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll('#nodes tbody tr')].map((tr) =>
            Number(tr.querySelectorAll('td')[2]?.textContent),
          ),
        ) === JSON.stringify(want),
      [...expected],
      { timeout: 30_000 },
    );

  await page.goto(`${daemon.url}/`);
  await page.waitForFunction(() => document.querySelectorAll('#clusters .cluster-card').length === 2, undefined, {
    timeout: 30_000,
  });
  const cards = await page.$$eval('#clusters .cluster-card', (cs) =>
    cs.map((c) => ({
      name: c.getAttribute('data-cluster'),
      pressed: c.getAttribute('aria-pressed'),
      text: c.querySelector('.big')?.textContent,
    })),
  );
  assert.deepEqual(
    cards.map((c) => [c.name, c.pressed]),
    [
      ['berlin', 'true'],
      ['paris', 'false'],
    ],
  );
  // Each card answers for its own cluster: Σ active − Σ CMA of its nodes.
  const leaked = (name: 'berlin' | 'paris') => ACTIVE[name].reduce((a, b) => a + b, 0) - 3;
  assert.match(cards[0]?.text ?? '', new RegExp(`^leaked ≥ ${leaked('berlin')}$`));
  assert.match(cards[1]?.text ?? '', new RegExp(`^leaked ≥ ${leaked('paris')}$`));
  await waitForActive(ACTIVE.berlin);
  assert.match((await page.textContent('#cluster-name')) ?? '', /berlin/);

  await page.click('#clusters .cluster-card[data-cluster="paris"]');
  await waitForActive(ACTIVE.paris);
  assert.match((await page.textContent('#cluster-name')) ?? '', /paris/);
  assert.match(page.url(), /#cluster=paris$/);
  assert.equal(await page.getAttribute('#clusters .cluster-card[data-cluster="paris"]', 'aria-pressed'), 'true');

  // The address keeps the choice: a reload shows paris again.
  await page.reload();
  await waitForActive(ACTIVE.paris);
  assert.deepEqual(await activeShown(), [...ACTIVE.paris]);
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, 'dashboard-clusters.png') });
  assert.deepEqual(problems, []);
  assert.deepEqual(elsewhere, []);
});
