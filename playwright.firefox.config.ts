import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Every worker loads the preload before Playwright (workers inherit the environment).
const preload = fileURLToPath(new URL('./e2e/firefox/bidi-preload.cjs', import.meta.url));
if (!process.env.NODE_OPTIONS?.includes(preload))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require "${preload}"`.trim();

/**
 * The cross-browser journeys (e2e/browsers/) in Debian's Firefox ESR, driven by Playwright's
 * `moz-firefox` channel over WebDriver BiDi (`npm run test:firefox`). Its workers load
 * e2e/firefox/bidi-preload.cjs, since ESR does not implement a command Playwright sends for every
 * page. `PARLEY_FIREFOX` points at another binary.
 */
export default defineConfig({
  ...base,
  testDir: 'e2e/browsers',
  testIgnore: [],
  outputDir: 'test-results/firefox',
  // Firefox over BiDi is slower than Chromium here; on a loaded machine a reload journey took 2 min.
  timeout: 180_000,
  use: {
    ...base.use,
    browserName: 'firefox',
    channel: 'moz-firefox',
    launchOptions: {
      executablePath: process.env.PARLEY_FIREFOX ?? '/usr/bin/firefox-esr',
      firefoxUserPrefs: {
        // Keep it off the network: no update checks, telemetry, captive-portal or connectivity probes.
        'app.update.enabled': false,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'toolkit.telemetry.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
      },
    },
  },
});
