/**
 * Measures issue 7's multi-tab figures for one build: sockets at the ws-chat server with 1, 2 and 3
 * tabs of one site, postoffice evictions with two tabs, and (when tabs share) the handover after the
 * leading tab closes. `tsx scripts/tabs-figures.ts [root]` (root: a checkout with dist/ built).
 */
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { startServer } from '../server/index';
import { getPostofficeModule } from '../server/postoffice/index';
import { getWsChatModule } from '../server/ws-chat/index';

const root = process.argv[2];
const until = async (ok: () => boolean | Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
async function talk(page: Page, url: string, text: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await page.getByRole('log').getByText(`You said: ${text}`).first().waitFor({ timeout: 60_000 });
}

const browser = await chromium.launch(chromiumLaunchOptions);
try {
  for (const n of [1, 2, 3]) {
    const server = await startServer({ replyDelayMs: 50, ...(root ? { root } : {}) });
    const ws = getWsChatModule(server);
    let max = 0;
    const sample = setInterval(() => (max = Math.max(max, ws.openSockets())), 5);
    const context = await browser.newContext();
    try {
      const pages: Page[] = [];
      for (let i = 0; i < n; i++) {
        const page = await context.newPage();
        pages.push(page);
        await talk(page, `${server.url}/demo.html`, `tab ${i + 1}`);
      }
      await new Promise((r) => setTimeout(r, 1500)); // let any eviction or reconnect show
      console.log(`ws-chat, ${n} tab(s): ${ws.openSockets()} socket(s) open at the end, ${max} at most`);
      if (n === 2) {
        // Handover: close the first tab (the leader when tabs share); the other sends at once.
        const started = Date.now();
        await pages[0]?.close();
        const box = pages[1]!.getByRole('textbox', { name: 'Message' });
        await box.fill('after the close');
        await box.press('Enter');
        await until(() => ws.visitorTexts().includes('after the close'));
        const atServer = Date.now() - started;
        await pages[1]!.getByRole('log').getByText('You said: after the close').first().waitFor();
        const count = ws.visitorTexts().filter((t) => t === 'after the close').length;
        console.log(
          `  close of the first tab -> a message typed in the other at the server: ${atServer} ms (${count}x)`,
        );
      }
    } finally {
      clearInterval(sample);
      await context.close();
      await server.close();
    }
  }
  const server = await startServer({ replyDelayMs: 50, ...(root ? { root } : {}) });
  const context = await browser.newContext();
  try {
    const router = getPostofficeModule(server).router;
    const a = await context.newPage();
    await talk(a, `${server.url}/demo-postoffice.html`, 'from A');
    const b = await context.newPage();
    await talk(b, `${server.url}/demo-postoffice.html`, 'from B');
    let aWorks = true;
    try {
      const box = a.getByRole('textbox', { name: 'Message' });
      await box.fill('A again');
      await box.press('Enter');
      await a.getByRole('log').getByText('You said: A again').first().waitFor({ timeout: 20_000 });
    } catch {
      aWorks = false;
    }
    console.log(
      `postoffice, 2 tabs: ${router.stats.evicted} eviction(s); the first tab still chats: ${aWorks}`,
    );
  } finally {
    await context.close();
    await server.close();
  }
} finally {
  await browser.close();
}
