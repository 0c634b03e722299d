/**
 * Issue 15's "before" pictures: the situations e2e/first-minute.spec.ts records for the finished
 * widget ("after"), drawn by an OLDER build of the widget, so the two can be put side by side.
 * `npx tsx scripts/before-after.ts <old-dist-dir> <out-dir>`: the old build's dist/ (e.g. a
 * checkout of the commit before the issue-15 work, built with `npx vite build`) is served with
 * today's pages by today's reference server (127.0.0.1, port 0). Not part of npm test.
 */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { REPO_ROOT, type RunningServer, startServer } from '../server/index';

const [oldDist, outArg] = process.argv.slice(2);
if (!oldDist || !outArg) {
  console.error('usage: npx tsx scripts/before-after.ts <old-dist-dir> <out-dir>');
  process.exit(2);
}
const out = resolve(outArg);

const LAYOUTS = {
  light: { viewport: { width: 1100, height: 860 }, colorScheme: 'light' },
  dark: { viewport: { width: 1100, height: 860 }, colorScheme: 'dark' },
  phone: { viewport: { width: 390, height: 844 }, colorScheme: 'light', hasTouch: true },
} as const;
type Layout = keyof typeof LAYOUTS;

// A static root of today's pages and assets with the old widget in dist/ (the server only serves
// inside its root, so the old build is copied in rather than linked).
const root = await mkdtemp(join(tmpdir(), 'parley-before-'));
for (const name of await readdir(REPO_ROOT)) {
  if (name.endsWith('.html')) await cp(join(REPO_ROOT, name), join(root, name));
}
await cp(join(REPO_ROOT, 'public'), join(root, 'public'), { recursive: true });
await cp(join(REPO_ROOT, 'e2e/pages'), join(root, 'e2e/pages'), { recursive: true });
await cp(resolve(oldDist), join(root, 'dist'), { recursive: true });
await mkdir(out, { recursive: true });

// The old widget speaks the flat ws-chat generation only (the envelope came with issue 10).
const serve = () => startServer({ root, replyDelayMs: 50, wsChatProtocol: 'flat' });

/** The open panel and a margin for its shadow (the whole screen on a phone), as a PNG in `out`. */
async function shoot(page: Page, name: string) {
  const panel = await page.getByRole('dialog').boundingBox();
  if (!panel) throw new Error('the panel is not shown');
  const view = page.viewportSize()!;
  const pad = 24;
  const [x, y] = [Math.max(0, panel.x - pad), Math.max(0, panel.y - pad)];
  const clip = {
    x,
    y,
    width: Math.min(view.width, panel.x + panel.width + pad) - x,
    height: Math.min(view.height, panel.y + panel.height + pad) - y,
  };
  await page.screenshot({ path: join(out, `${name}.png`), animations: 'disabled', caret: 'hide', clip });
  console.log(`${name}.png`);
}

async function openWidget(page: Page) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 60_000 });
}

async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** One situation in a fresh page and a fresh server, which always stops. */
async function situation(
  browser: Browser,
  layout: Layout,
  run: (page: Page, server: RunningServer) => Promise<void>,
) {
  const server = await serve();
  const context = await browser.newContext({ ...LAYOUTS[layout], reducedMotion: 'reduce' });
  try {
    await run(await context.newPage(), server);
  } finally {
    await context.close();
    await server.close();
  }
}

const log = (page: Page) => page.getByRole('log');
const browser = await chromium.launch(chromiumLaunchOptions);
const failed: string[] = [];
const attempt = async (name: string, fn: () => Promise<void>) => {
  try {
    await fn();
  } catch (error) {
    failed.push(name);
    console.error(`${name}: ${(error as Error).message.split('\n')[0]}`);
  }
};
try {
  for (const layout of Object.keys(LAYOUTS) as Layout[]) {
    // First open of the welcome page (its data-welcome, data-avatar... were unknown to the old widget).
    await attempt(`welcome-${layout}`, () =>
      situation(browser, layout, async (page, server) => {
        await page.goto(`${server.url}/e2e/pages/welcome.html`);
        await openWidget(page);
        await page.getByRole('dialog').getByText('Online').waitFor({ timeout: 60_000 });
        await shoot(page, `welcome-${layout}`);
      }),
    );
    // Backend unreachable: the widget's files are loaded, then the server stops before the first open.
    await attempt(`offline-${layout}`, () =>
      situation(browser, layout, async (page, server) => {
        await page.goto(`${server.url}/e2e/pages/welcome.html`);
        await page.waitForLoadState('networkidle');
        await server.close();
        await openWidget(page);
        await page
          .getByRole('dialog')
          .getByText(/Reconnecting/)
          .first()
          .waitFor({ timeout: 60_000 });
        await send(page, 'Are you there?');
        await log(page).getByText('Are you there?').first().waitFor({ timeout: 60_000 });
        await shoot(page, `offline-${layout}`);
      }),
    );
  }
  // TWIN: greeting, help, operator, then the bot ends the conversation.
  await attempt('twin-ended', () =>
    situation(browser, 'light', async (page, server) => {
      await page.goto(`${server.url}/demo-twin.html`);
      await openWidget(page);
      await log(page)
        .getByText(/I am the TWIN demo bot/)
        .waitFor({ timeout: 60_000 });
      await send(page, 'help');
      await send(page, 'operator');
      await log(page).getByText('Hi, I am Anna. How can I help?').waitFor({ timeout: 60_000 });
      await send(page, 'stop');
      await page.getByRole('button', { name: 'Start a new conversation' }).waitFor({ timeout: 60_000 });
      await shoot(page, 'twin-ended');
    }),
  );
  // Inline code: many code spans in one bubble, so lines break among them.
  for (const layout of ['light', 'phone'] as const) {
    await attempt(`inline-code-${layout}`, () =>
      situation(browser, layout, async (page, server) => {
        await page.goto(`${server.url}/demo.html`);
        await openWidget(page);
        const spans = Array.from({ length: 24 }, (_, i) => `\`npm run ${'x'.repeat(i % 7)} step ${i}\``);
        await send(page, `echo ${spans.join(' then ')}`);
        await log(page).locator('.msg--in .bubble', { hasText: 'step 23' }).waitFor({ timeout: 60_000 });
        await shoot(page, `inline-code-${layout}`);
      }),
    );
  }
} finally {
  await browser.close();
  await rm(root, { recursive: true, force: true });
}
if (failed.length > 0) {
  console.error(`not drawn: ${failed.join(', ')}`);
  process.exitCode = 1;
}
