import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built `dist/parley.js` in Debian's Chromium against the real reference
 * server, which each test starts on 127.0.0.1 with an OS-assigned port (see e2e/fixtures.ts).
 * Playwright's own browser download does not work on our machines; `PARLEY_CHROMIUM` overrides
 * the path.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
