/**
 * What a page pays for the widget, against a 2 KB vanilla launcher: script start (the script's
 * bytes received) → launcher in the page; click → text box focused (after the page went quiet, as a
 * visitor clicks a moment after arriving); JS heap with the panel open. Rounds are interleaved
 * across variants, each in a fresh browser context (cold cache, no stored conversation).
 */
import type { Browser } from '@playwright/test';
import { heapAfterGc, openContext, pageUrl, probe, type Variant } from './pages';

export interface StartupSample {
  launcherMs: number;
  focusMs: number;
  heapBytes: number;
}

async function once(browser: Browser, server: string, variant: Variant): Promise<StartupSample> {
  const context = await openContext(browser, variant);
  try {
    const page = await context.newPage();
    await page.goto(pageUrl(server, variant));
    await page.waitForFunction(
      () => (window as unknown as { __bench: { launcherAt: number } }).__bench.launcherAt > 0,
    );
    const script = variant.kind === 'vanilla' ? 'vanilla-launcher.js' : '/parley.js';
    const received = await page.evaluate(
      (name) =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
          e.name.endsWith(name),
        )?.responseEnd ?? 0,
      script,
    );
    const launcherMs = (await probe(page, 'launcherAt')) - received;
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.waitForFunction(
      () => (window as unknown as { __bench: { focusAt: number } }).__bench.focusAt > 0,
    );
    const focusMs = (await probe(page, 'focusAt')) - (await probe(page, 'pointerAt'));
    return { launcherMs, focusMs, heapBytes: await heapAfterGc(page) };
  } finally {
    await context.close();
  }
}

export async function startup(
  browser: Browser,
  server: string,
  variants: Variant[],
  rounds: number,
): Promise<Map<string, StartupSample[]>> {
  const samples = new Map<string, StartupSample[]>(variants.map((v) => [v.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) samples.get(v.label)!.push(await once(browser, server, v));
    process.stdout.write(`\rstartup rounds: ${round + 1}/${rounds}`);
  }
  process.stdout.write('\n');
  return samples;
}
