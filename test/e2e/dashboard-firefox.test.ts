/// <reference lib="dom" />
/**
 * The dashboard in Firefox (Debian's ESR over WebDriver BiDi): every node with its state, charts drawn with data,
 * a plan, no page error, no request but to the daemon.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDemo } from '../../src/app/demo/demo.js';
import { launchFirefox } from '../helpers/firefox.js';

test('the dashboard works in Firefox: nodes, charts with data, a plan', async (t) => {
  const demo = await startDemo({ httpPort: 0, speed: 120, busySeconds: 6, quietSeconds: 30, evaluateEveryMs: 1000 });
  t.after(() => demo.close());
  const browser = await launchFirefox();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.setViewport({ width: 1366, height: 900 });
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(demo.url) && !r.url().startsWith('data:')) {
      elsewhere.push(r.url());
    }
  });
  await page.goto(`${demo.url}/`);
  await page.waitForFunction(
    () => document.querySelectorAll('#nodes tbody tr').length === 3 && document.body.dataset.ready === 'true',
    { timeout: 30_000 },
  );
  const states = await page.$$eval('#nodes tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-state')));
  for (const s of states) {
    assert.ok(['ok', 'leaking', 'at limit', 'stale', 'restarting'].includes(s ?? ''), String(s));
  }
  await page.click('#range button[data-hours="6"]');
  await page.waitForFunction(
    () => {
      const v = (window as unknown as { wbguard: { charts: Array<{ data: unknown[][] }> } }).wbguard;
      return v.charts.length === 4 && v.charts.every((c) => (c.data[0]?.length ?? 0) > 1);
    },
    { timeout: 60_000, polling: 500 },
  );
  // The charts above may still be laid out again (a refresh every 5 s redraws them) and move the button under the
  // pointer: a click that finds no clickable point is tried again, a few times at most.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.click('#plan-button');
      break;
    } catch (err) {
      if (attempt >= 5 || !/not clickable/.test((err as Error).message)) {
        throw err;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  await page.waitForSelector('#plan-summary', { timeout: 10_000 });
  assert.match((await page.$eval('#plan-summary', (e) => e.textContent)) ?? '', /^Plan \(enforce, window open\)/);
  mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(process.cwd(), 'test-artifacts', 'dashboard-firefox.png') });
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(problems, []);
});
