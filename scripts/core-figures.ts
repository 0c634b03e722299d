/**
 * Measures issue 7's lifecycle figures for one build, so a build from before the issue and today's
 * can be compared on the same machine: what `destroy()` leaves behind (timers, window/document
 * listeners, sockets at the server, the page title), sockets opened when wake-up events arrive while
 * a socket is still connecting, and the time three quick messages take to reach a server that never
 * echoes them. `tsx scripts/core-figures.ts [root]` (root: a checkout with dist/ built; default here).
 * Its pages come from this checkout's e2e/pages, copied into the root when it is another checkout.
 * The server plays ws-chat's flat generation, the one builds from before the issue speak.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { REPO_ROOT, startServer } from '../server/index';
import { getWsChatModule } from '../server/ws-chat/index';

const root = process.argv[2] ?? REPO_ROOT;
if (root !== REPO_ROOT) {
  mkdirSync(join(root, 'e2e/pages'), { recursive: true });
  for (const f of ['teardown.html', 'teardown-probe.js']) {
    copyFileSync(join(REPO_ROOT, 'e2e/pages', f), join(root, 'e2e/pages', f));
  }
}

const until = async (ok: () => boolean | Promise<boolean>, ms = 120_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const probe = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { parleyProbe(): { timers: string[]; listeners: string[] } }).parleyProbe(),
  );
const destroy = (page: Page) =>
  page.evaluate(() => (window as unknown as { Parley: { destroy(): void } }).Parley.destroy());
const box = (page: Page) => page.getByRole('textbox', { name: 'Message' });
async function say(page: Page, text: string) {
  await box(page).fill(text);
  await box(page).press('Enter');
}
/** The teardown page, the panel open and one message answered. */
async function startChat(page: Page, origin: string) {
  await page.goto(`${origin}/e2e/pages/teardown.html`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await say(page, 'hello');
  await page.getByRole('log').getByText('You said: hello').first().waitFor({ timeout: 60_000 });
}
const describe = (p: { timers: string[]; listeners: string[] }) =>
  `${p.timers.length} timer(s)${p.timers.length ? ` [${p.timers.join(', ')}]` : ''}, ` +
  `${p.listeners.length} listener(s)${p.listeners.length ? ` [${p.listeners.map((l) => l.split(':').slice(0, 2).join(':')).join(', ')}]` : ''}`;

const browser = await chromium.launch(chromiumLaunchOptions);
try {
  // 1. destroy() while connected, with an unread reply counted in the title.
  {
    const server = await startServer({ replyDelayMs: 50, root, wsChatProtocol: 'flat' });
    const ws = getWsChatModule(server);
    const page = await browser.newPage();
    try {
      await startChat(page, server.url);
      await page.keyboard.press('Escape');
      await page.evaluate(() =>
        (window as unknown as { Parley: { send(t: string): void } }).Parley.send('burst'),
      );
      await until(async () => /^\(\d+\)/.test(await page.title()), 30_000).catch(() => {});
      const live = await probe(page);
      const liveSockets = ws.openSockets();
      const liveTitle = await page.title();
      await destroy(page);
      await until(() => ws.openSockets() === 0, 5_000).catch(() => {});
      const after = await probe(page);
      console.log(`destroy() while connected:`);
      console.log(`  before: ${describe(live)}, ${liveSockets} socket(s), title "${liveTitle}"`);
      console.log(
        `  after:  ${describe(after)}, ${ws.openSockets()} socket(s), title "${await page.title()}"`,
      );
    } finally {
      await page.close();
      await server.close();
    }
  }
  // 2. destroy() while reconnecting to a stopped server.
  {
    const server = await startServer({ replyDelayMs: 50, root, wsChatProtocol: 'flat' });
    const page = await browser.newPage();
    try {
      await startChat(page, server.url);
      await server.close();
      await page
        .getByText(/Reconnecting|offline|connection/i)
        .first()
        .waitFor({ timeout: 60_000 });
      const live = await probe(page);
      await destroy(page);
      console.log(`destroy() while reconnecting:`);
      console.log(`  before: ${describe(live)}`);
      console.log(`  after:  ${describe(await probe(page))}`);
    } finally {
      await page.close();
    }
  }
  // 3. Wake-up events (online, visibilitychange) while a socket is connecting after a drop.
  {
    const server = await startServer({ replyDelayMs: 50, root, wsChatProtocol: 'flat' });
    const ws = getWsChatModule(server);
    const page = await browser.newPage();
    let max = 0;
    const sample = setInterval(() => (max = Math.max(max, ws.openSockets())), 2);
    try {
      await startChat(page, server.url);
      max = 0;
      ws.dropConnections();
      await page.evaluate(() => {
        for (let i = 0; i < 3; i++) {
          window.dispatchEvent(new Event('online'));
          document.dispatchEvent(new Event('visibilitychange'));
        }
      });
      await say(page, 'after the wake-up');
      await page
        .getByRole('log')
        .getByText('You said: after the wake-up')
        .first()
        .waitFor({ timeout: 60_000 });
      // A figure, not a test: give any extra socket a moment to show before counting.
      await new Promise((r) => setTimeout(r, 2_000));
      const settled = ws.openSockets();
      await destroy(page);
      await new Promise((r) => setTimeout(r, 2_000));
      console.log(
        `wake-up events while connecting: ${max} socket(s) at most, ${settled} open once settled, ` +
          `${ws.openSockets()} open 2 s after destroy()`,
      );
    } finally {
      clearInterval(sample);
      await page.close();
      await server.close();
    }
  }
  // 4. Three quick messages to a server known not to echo (flat generation, no echo to the sender).
  {
    const server = await startServer({ replyDelayMs: 50, root, wsChatProtocol: 'flat', wsChatEcho: false });
    const ws = getWsChatModule(server);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/demo.html`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      const learnt = Date.now();
      await say(page, 'first');
      const echoesKnown = () =>
        page.evaluate(() =>
          Object.keys(localStorage).some((k) => k.endsWith('echoes') && localStorage.getItem(k) === 'no'),
        );
      await until(echoesKnown);
      const learning = Date.now() - learnt;
      // Through the script API in one task, so the figure is the widget's and not the typing's.
      const started = Date.now();
      await page.evaluate(() => {
        const parley = (window as unknown as { Parley: { send(t: string): void } }).Parley;
        for (const n of [1, 2, 3]) parley.send(`quick ${n}`);
      });
      await until(() => ['quick 1', 'quick 2', 'quick 3'].every((t) => ws.visitorTexts().includes(t)));
      console.log(
        `non-echoing server: echo support learnt as absent in ${learning} ms; ` +
          `three quick Parley.send() calls at the server after ${Date.now() - started} ms`,
      );
    } finally {
      await page.close();
      await server.close();
    }
  }
} finally {
  await browser.close();
}
