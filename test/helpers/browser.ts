/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser): headless, no sandbox (tests run as
 * root), and no background networking, so the only requests it makes are the page's own, to loopback.
 * playwright-core gives it a fresh temporary profile.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.WBGUARD_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    // A required component: CI installs Debian's chromium; a test never silently skips without it.
    throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install chromium (or set WBGUARD_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
