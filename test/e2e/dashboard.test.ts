/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core) against the demo's daemon fed by the
 * simulator: every node with its state, charts drawn with data, a plan, a restart refused without the right token
 * and run with it, no request leaving loopback, no page error; a screenshot is saved as a test artefact.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDemo } from '../../src/app/demo/demo.js';
import { launchChromium } from '../helpers/browser.js';

const ARTEFACTS = join(process.cwd(), 'test-artifacts');

/**
 * Run in the page: the four charts are drawn with more than two minutes of data (below one minute the fit range is
 * a minute wide on purpose, and the first point then is not at its left edge).
 */
function chartsWithData(): boolean {
  const v = (window as unknown as { wbguard: { charts: Array<{ data: number[][] }> } }).wbguard;
  const x = v.charts[0]?.data[0] ?? [];
  return (
    v.charts.length === 4 &&
    v.charts.every((c) => (c.data[0]?.length ?? 0) > 1) &&
    (x[x.length - 1] ?? 0) - (x[0] ?? 0) > 120
  );
}

// Bounded: every step below has its own timeout; this one ends the test if a step without one (an evaluate) hangs.
test('the dashboard shows the cluster, plans, and restarts only with the token', { timeout: 300_000 }, async (t) => {
  const demo = await startDemo({ httpPort: 0, speed: 120, busySeconds: 6, quietSeconds: 30, evaluateEveryMs: 1000 });
  t.after(() => demo.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, colorScheme: 'dark' });
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(demo.url)) {
      elsewhere.push(r.url());
    }
  });

  await page.goto(`${demo.url}/`);
  // Every Web Bridge in the table with one of the five states, once the simulator's Stats have arrived.
  await page.waitForFunction(
    () => document.querySelectorAll('#nodes tbody tr').length === 3 && document.body.dataset.ready === 'true',
    undefined,
    { timeout: 30_000 },
  );
  const rows = await page.$$eval('#nodes tbody tr', (trs) =>
    trs.map((tr) => ({ node: tr.getAttribute('data-node'), state: tr.getAttribute('data-state') })),
  );
  assert.deepEqual(
    rows.map((r) => r.node),
    demo.sim.state().webbridges.map((w) => w.name),
  );
  for (const r of rows) {
    assert.ok(['ok', 'leaking', 'at limit', 'stale', 'restarting'].includes(r.state ?? ''), JSON.stringify(r));
  }

  // Charts drawn with data: wait for a history load that has points, then check uPlot's data and the canvas.
  await page.waitForFunction(chartsWithData, undefined, { timeout: 60_000, polling: 500 }).catch(async (err) => {
    // Charts redraw from history every 30 s; a click on a range button reloads at once. The `fit` one: the range
    // is asserted below to fit the data (a loaded CI machine once took this path with the 6 h button, and failed
    // there).
    await page.click('#range button[data-hours="fit"]');
    await page.waitForFunction(chartsWithData, undefined, { timeout: 30_000, polling: 500 });
    return err;
  });
  // The charts open on a range that fits the data (minutes of it here), not on 24 hours.
  const span = await page.evaluate(() => {
    const v = (
      window as unknown as {
        wbguard: { charts: Array<{ scales: { x: { min: number; max: number } }; data: number[][] }> };
      }
    ).wbguard;
    const c = v.charts[0] as { scales: { x: { min: number; max: number } }; data: number[][] };
    return { min: c.scales.x.min, max: c.scales.x.max, first: c.data[0]?.[0] ?? 0 };
  });
  assert.ok(span.max - span.min < 6 * 3600, `range ${(span.max - span.min) / 3600} h for minutes of data`);
  assert.ok(span.first - span.min < (span.max - span.min) * 0.1, 'the first point is at the left edge');
  // One clock: the simulator's, labelled in the header and the journal.
  assert.match((await page.textContent('#updated')) ?? '', /^updated .* · simulated time, 120× real time$/);
  assert.equal(await page.textContent('#journal-clock'), '(simulated time)');
  const painted = await page.$eval('#charts .chart canvas', (c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    const px = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let inked = 0;
    for (let i = 3; i < px.length; i += 4) {
      inked += (px[i] ?? 0) > 0 ? 1 : 0;
    }
    return inked;
  });
  assert.ok(painted > 500, `the chart's canvas has ink (${painted} pixels)`);

  // Plan: what the guards would do now.
  await page.click('#plan-button');
  await page.waitForSelector('#plan-summary', { timeout: 10_000 });
  assert.match((await page.textContent('#plan-summary')) ?? '', /^Plan \(enforce, window open\)/);
  // One row per Web Bridge a trigger made a candidate, each with the guards' verdict.
  const planned = await page.$$eval('#results tbody tr', (trs) =>
    trs.map((tr) => `${tr.getAttribute('data-node')} ${tr.getAttribute('data-outcome')}`),
  );
  for (const p of planned) {
    assert.match(p, /^cms[123] (restart|skip|defer)$/);
  }

  // Restart with a wrong token: refused, nothing restarted. Every request names its Web Bridges explicitly.
  const restartBodies: unknown[] = [];
  page.on('request', (req) => {
    if (req.url().endsWith('/api/v1/restart')) {
      restartBodies.push(JSON.parse(req.postData() ?? 'null'));
    }
  });
  const commandsBefore = demo.sim.cluster.history.filter((h) => h.event === 'command').length;
  await page.click('#restart-button');
  await page.check('#restart-nodes input[value="cms2"]');
  await page.fill('#token', 'not-the-token');
  await page.click('#restart-confirm');
  await page.waitForSelector('#restart-refused', { timeout: 10_000 });
  assert.match((await page.textContent('#restart-refused')) ?? '', /Refused \(HTTP 401\): .*\(WBGUARD_ERR_HTTP_AUTH\)/);
  assert.equal(demo.sim.cluster.history.filter((h) => h.event === 'command').length, commandsBefore);

  // With the demo's token: the run goes through the guards and reports an outcome for cms2.
  const token = readFileSync(demo.tokenPath, 'utf8').trim();
  await page.click('#restart-button');
  await page.check('#restart-nodes input[value="cms2"]');
  await page.fill('#token', token);
  await page.click('#restart-confirm');
  await page.waitForSelector('#restart-done', { timeout: 90_000 });
  assert.deepEqual(restartBodies, [{ names: ['cms2'] }, { names: ['cms2'] }]);
  const outcome = await page.getAttribute('#results tbody tr[data-node="cms2"]', 'data-outcome');
  assert.ok(['success', 'failure', 'abandoned', 'skipped', 'deferred'].includes(outcome ?? ''), String(outcome));
  // The journal shows it, with the guards' numbers.
  await page.waitForFunction(
    () => [...document.querySelectorAll('#journal tbody tr')].some((tr) => tr.textContent?.includes('cms2')),
    undefined,
    { timeout: 15_000 },
  );

  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, 'dashboard.png'), fullPage: true });
  assert.deepEqual(elsewhere, [], 'no request leaves the daemon');
  assert.deepEqual(problems, []);
});
