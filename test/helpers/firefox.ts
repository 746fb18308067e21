/**
 * Debian's Firefox ESR driven over WebDriver BiDi by puppeteer-core (which never downloads a browser), headless,
 * with a fresh profile; the automation preferences puppeteer sets turn off updates and telemetry.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX = process.env.WBGUARD_FIREFOX ?? '/usr/bin/firefox-esr';

export async function launchFirefox(): Promise<Browser> {
  if (!existsSync(FIREFOX)) {
    // A required component: CI installs Debian's firefox-esr; a test never silently skips without it.
    throw new Error(`Firefox is missing at ${FIREFOX}: apt-get install firefox-esr (or set WBGUARD_FIREFOX)`);
  }
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
    },
  });
}
