import { defineConfig } from 'vitest/config';

/**
 * The cross-browser journeys in WebKitGTK (e2e/webkit/, `npm run test:webkit` under xvfb-run): one
 * MiniBrowser for the file, the tests one after the other. Sized for a busy 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['e2e/webkit/**/*.webkit.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
