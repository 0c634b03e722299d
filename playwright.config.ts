import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium';

/**
 * End-to-end tests: the built `dist/parley.js` in Debian's Chromium against the real reference
 * server, which each test starts on 127.0.0.1 with an OS-assigned port (see e2e/fixtures.ts).
 * The browser is Debian's Chromium (e2e/chromium.ts).
 */
export default defineConfig({
  testDir: 'e2e',
  // The cross-browser journeys run in Firefox and WebKit (npm run test:firefox / test:webkit);
  // Chromium runs the fuller specs that cover the same steps.
  testIgnore: ['browsers/**'],
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Sized for a loaded 2-core machine (CI shares it): conditions are awaited, never time windows.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
