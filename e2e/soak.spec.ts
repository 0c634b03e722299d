/**
 * The short soak in `npm test`: every transport of e2e/soak/transports.ts against its reference
 * server, with drops, a restart that keeps the server's state, a reload and a second tab at fixed
 * points (e2e/soak/run.ts). All zero is the bar. `npm run soak` runs the long one.
 */
import { test } from '@playwright/test';
import { clean, runSoak, SHORT_PLAN } from './soak/run';
import { SOAK_TRANSPORTS } from './soak/transports';

for (const transport of SOAK_TRANSPORTS.filter((t) => t.short !== false)) {
  test(`${transport.label}: nothing lost, duplicated or reordered through drops, a restart, a reload and a second tab`, async ({
    browser,
  }) => {
    // Generous: ~60 messages through real faults on a busy 2-core machine; it waits for conditions.
    test.setTimeout(600_000);
    const report = await runSoak(browser, transport, SHORT_PLAN);
    test.info().annotations.push({ type: 'soak', description: JSON.stringify(report) });
    if (!clean(report)) throw new Error(`the soak found problems:\n${JSON.stringify(report, null, 2)}`);
  });
}
