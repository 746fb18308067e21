/// <reference lib="dom" />
/**
 * Makes the README's dashboard picture: runs the demo for a while (default 150 s) so the charts have history, a
 * leak and a restart, then saves a screenshot of the dashboard with Debian's Chromium.
 *   npm run screenshot -- [--seconds 150] [--out docs/img/dashboard.png] [--light]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo } from '../src/app/demo/demo.js';
import { launchChromium } from '../test/helpers/browser.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '150' },
    out: { type: 'string', default: 'docs/img/dashboard.png' },
    light: { type: 'boolean', default: false },
  },
});
const demo = await startDemo({ httpPort: 0, speed: 120, busySeconds: 20, quietSeconds: 25, evaluateEveryMs: 2000 });
try {
  console.log(`demo running at ${demo.url}/ for ${values.seconds} s…`);
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({
      viewport: { width: 1366, height: 1400 },
      colorScheme: values.light ? 'light' : 'dark',
    });
    await page.goto(`${demo.url}/`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 30_000 });
    // The charts on their default range, which fits the data (the demo's few minutes of it).
    await page.waitForFunction(
      () =>
        (window as unknown as { wbguard: { charts: Array<{ data: unknown[][] }> } }).wbguard.charts.some(
          (c) => (c.data[0]?.length ?? 0) > 1,
        ),
      undefined,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(1000);
    mkdirSync(dirname(values.out), { recursive: true });
    // The top of the page: answers, alerts, node table and charts (the journal continues below).
    await page.screenshot({ path: values.out, clip: { x: 0, y: 0, width: 1366, height: 1400 } });
    console.log(`wrote ${values.out}`);
  } finally {
    await browser.close();
  }
} finally {
  await demo.close();
}
