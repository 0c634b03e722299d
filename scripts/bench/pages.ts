/**
 * Opening bench pages in Chromium with a chosen build of the widget: every `/parley*.js` request
 * is answered from that build's directory, so the same server and page serve each variant alike.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Build } from './builds';
import { installProbe, type PageProbe } from './probe';

export type Variant = { kind: 'vanilla'; label: string } | { kind: 'parley'; label: string; build: Build };

export async function openContext(browser: Browser, variant: Variant): Promise<BrowserContext> {
  const context = await browser.newContext();
  // tsx keeps function names with a `__name` helper that the page lacks: give it one.
  await context.addInitScript({ content: `var __name = (f) => f;\n(${installProbe.toString()})();` });
  if (variant.kind === 'parley') {
    await context.route(/\/parley[\w.-]*\.js$/, async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      try {
        const body = await readFile(join(variant.build.dir, name));
        await route.fulfill({ body, contentType: 'text/javascript; charset=utf-8' });
      } catch {
        await route.fulfill({ status: 404, body: 'not in this build' });
      }
    });
  }
  return context;
}

export const pageUrl = (server: string, variant: Variant) =>
  `${server}/e2e/pages/${variant.kind === 'vanilla' ? 'bench-vanilla' : 'bench'}.html`;

/** Reads a field of the in-page probe. */
export const probe = <K extends keyof PageProbe>(page: Page, key: K) =>
  page.evaluate((k) => (window as unknown as { __bench: PageProbe }).__bench[k], key) as Promise<
    PageProbe[K]
  >;

/** The JS heap after a full garbage collection, in bytes. */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}
