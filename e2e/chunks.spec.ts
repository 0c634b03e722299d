/**
 * The split build: `parley.js` shows the launcher and loads the rest (panel, the one transport the
 * page names, a non-English catalogue) as classic scripts from its own directory. These tests hold
 * what that must survive: a nonce-only CSP, a host page on another origin that never finishes
 * loading, a file that cannot be fetched; and the single-file build for those who want one file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test, Widget } from './fixtures';
import { pngFile, TWIN_PAGE } from './helpers';

/** The widget's own files this page requested, by kind. */
function recordParleyFiles(page: Page): string[] {
  const files: string[] = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (/^parley.*\.js$/.test(name)) files.push(name.replace(/-[\w-]{8}\.js$/, '.js'));
  });
  return files;
}

async function converse(widget: Widget, text: string): Promise<void> {
  await widget.open();
  await widget.send(text);
  await expect(widget.log.getByText(`You said: ${text}`)).toBeVisible();
}

test('a ws-chat page loads the panel and the ws-chat transport as one file, and no other transport or language', async ({
  page,
  backend,
}) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  await converse(new Widget(page), 'split');
  expect(files[0]).toBe('parley.js');
  // One file after the first: the ws-chat pack holds the panel, the transport, what they share and
  // (on an English page) the English catalogue.
  expect(files).toEqual(['parley.js', 'parley-pack-ws-chat-en.js']);
});

test('a Chinese page loads the Chinese catalogue and no English one', async ({ page, backend }) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/zh.html`);
  await expect(page.getByRole('button', { name: '打开聊天' })).toBeVisible();
  await page.getByRole('button', { name: '打开聊天' }).click();
  await expect(page.getByRole('textbox', { name: '消息' })).toBeVisible();
  // The pack without English, and the Chinese catalogue beside it (zh is complete: no fallback).
  expect([...files].sort()).toEqual(['parley-pack-ws-chat.js', 'parley-zh.js', 'parley.js']);
});

/**
 * Serves one host page from its own origin (127.0.0.1, another port than the backend) while `fn`
 * runs. With `end: false` the response never finishes, as a page stuck on a slow resource.
 */
async function withHostPage(
  page: { html: string; headers?: Record<string, string>; end?: boolean },
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const host: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...page.headers });
    if (page.end === false) res.write(page.html);
    else res.end(page.html);
  });
  try {
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    await fn(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
  } finally {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  }
}

test('under a nonce-only CSP, the files parley.js loads carry its nonce', async ({ page, backend }) => {
  const csp = [
    "default-src 'none'",
    "script-src 'nonce-e2e-n0nce'",
    'connect-src http://127.0.0.1:* ws://127.0.0.1:*',
    'img-src http://127.0.0.1:*',
  ].join('; ');
  const html = `<!doctype html><html lang="en"><head><title>nonce</title></head><body>
    <script nonce="e2e-n0nce" src="${backend.url}/parley.js" async data-transport="ws-chat" data-server="${backend.url}"></script>
  </body></html>`;
  const violations: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
  await withHostPage({ html, headers: { 'Content-Security-Policy': csp } }, async (url) => {
    await page.goto(url);
    await converse(new Widget(page), 'nonce');
    expect(violations).toEqual([]);
    // Files loaded later carry it too: a resumed conversation's paging code.
    await page.reload();
    const widget = new Widget(page);
    await widget.open();
    await expect(widget.log.getByText('Beginning of the conversation')).toBeVisible();
    expect(violations).toEqual([]);
    // The policy is enforced: a script without the nonce is refused.
    const refused = await page.evaluate(
      (src) =>
        new Promise<boolean>((resolve) => {
          const s = document.createElement('script');
          s.src = src;
          s.onload = () => resolve(false);
          s.onerror = () => resolve(true);
          document.body.append(s);
        }),
      `${backend.url}/e2e/pages/api-queue.js`,
    );
    expect(refused).toBe(true);
  });
});

test('a host page on another origin that never finishes loading still gets a working widget', async ({
  page,
  backend,
}) => {
  const html = `<!doctype html><html lang="en"><head><title>still loading</title></head><body>
    <p>This page never finishes loading.</p>
    <script src="${backend.url}/parley.js" async data-transport="ws-chat" data-server="${backend.url}"></script>
    <p>`;
  // No DOMContentLoaded, no load event, ever.
  await withHostPage({ html, end: false }, async (url) => {
    await page.goto(url, { waitUntil: 'commit' });
    await converse(new Widget(page), 'still loading');
    expect(await page.evaluate(() => document.readyState)).toBe('loading');
  });
});

test('a file that cannot be fetched gives one clear [parley] error, and opening the chat tries again', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.route(/\/parley-pack-[\w-]+\.js$/, (route) => route.abort());
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await expect(widget.launcher).toBeVisible();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(/could not load the chat .*parley-pack-ws-chat-[\w-]+\.js could not be loaded/);
  expect(errors[0]).toContain('next to parley.js');
  await page.unroute(/\/parley-pack-[\w-]+\.js$/);
  await converse(widget, 'after a failed load');
});

test('the tab-sharing file loads only when a second tab of the site opens, in both tabs, which then share one conversation', async ({
  page,
  backend,
}) => {
  const filesA = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const a = new Widget(page);
  await converse(a, 'alone in A');
  expect(filesA).toEqual(['parley.js', 'parley-pack-ws-chat-en.js']);

  const pageB = await page.context().newPage();
  const filesB = recordParleyFiles(pageB);
  await pageB.goto(`${backend.url}/e2e/pages/plain.html`);
  const b = new Widget(pageB);
  await b.open();
  // B found A holding the lock: it loads the sharing code before its store; A loads it on B's hello.
  await expect.poll(() => filesB).toContain('parley-tab-sharing.js');
  await expect.poll(() => filesA).toContain('parley-tab-sharing.js');
  await expect(b.log.getByText('You said: alone in A')).toBeVisible();
  await b.send('typed in B');
  await expect(a.log.getByText('You said: typed in B')).toHaveCount(1);
  await expect(b.log.getByText('You said: typed in B')).toHaveCount(1);
  await pageB.close();
});

test('a first tab that cannot fetch the tab-sharing file says so once, keeps its chat, and shares at the next try', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.route(/\/parley-tab-sharing-[\w-]+\.js$/, (route) => route.abort());
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const a = new Widget(page);
  await converse(a, 'before the second tab');

  const pageB = await page.context().newPage();
  await pageB.goto(`${backend.url}/e2e/pages/plain.html`);
  const b = new Widget(pageB);
  await b.open();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(
    /could not load the code that shares the chat with the site's other tabs .*parley-tab-sharing-[\w-]+\.js could not be loaded/,
  );
  // A still converses on its own link.
  await a.send('A alone still');
  await expect(a.log.getByText('You said: A alone still')).toBeVisible();
  // B's next message on the channel makes A try again; then B's message goes through A, once.
  await page.unroute(/\/parley-tab-sharing-[\w-]+\.js$/);
  await b.send('typed in B');
  await expect(a.log.getByText('You said: typed in B')).toHaveCount(1);
  await expect(b.log.getByText('You said: typed in B')).toHaveCount(1);
  expect(errors).toHaveLength(1);
  await pageB.close();
});

/** Attaches an image with the attach button, sends it and waits for its thumbnail in the log. */
async function sendImage(page: Page, widget: Widget, name: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(pngFile(name));
  await expect(page.getByRole('button', { name: `Remove ${name}` })).toBeVisible();
  await widget.composer.press('Enter');
  await expect(widget.log.getByRole('button', { name: `Open image: ${name}` })).toBeVisible();
}

test("the list of attached files, a message's files and the image viewer load when first used, each with its stylesheet", async ({
  page,
  backend,
}) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  // (The demo bot's greeting may carry a file: a text-only conversation loads no Attachments
  // file, see the first test.)
  expect(files).not.toContain('parley-UploadList.js');

  await sendImage(page, widget, 'cat.png');
  expect(files).toContain('parley-UploadList.js');
  // The first message with a file brought the thumbnails' code, and their sheet: 240 px wide.
  expect(files).toContain('parley-Attachments.js');
  const thumb = widget.log.getByRole('button', { name: 'Open image: cat.png' });
  expect(await thumb.evaluate((el) => getComputedStyle(el).width)).toBe('240px');
  expect(files).not.toContain('parley-ImageViewer.js');
  // The list's sheet was adopted with it: a file in the tray is a bordered card.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(pngFile('dog.png'));
  const card = page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');
  await expect(card).toBeVisible();
  expect(await card.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('12px');

  await widget.log.getByRole('button', { name: 'Open image: cat.png' }).click();
  const viewer = page.getByRole('dialog', { name: 'Image: cat.png' });
  await expect(viewer).toBeVisible();
  expect(files).toContain('parley-ImageViewer.js');
  // Drawn over the panel by its own sheet, and focus on its close button.
  expect(await viewer.evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
  await expect(viewer.getByRole('button', { name: 'Close image' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
});

test('an image viewer that cannot be fetched gives one clear [parley] error, and the next click opens it', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await sendImage(page, widget, 'cat.png');
  await page.route(/\/parley-ImageViewer-[\w-]+\.js$/, (route) => route.abort());
  const thumb = widget.log.getByRole('button', { name: 'Open image: cat.png' });
  await thumb.click();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(
    /could not load the image viewer .*parley-ImageViewer-[\w-]+\.js could not be loaded/,
  );
  await expect(page.getByRole('dialog', { name: 'Image: cat.png' })).toHaveCount(0);
  await page.unroute(/\/parley-ImageViewer-[\w-]+\.js$/);
  await thumb.click();
  await expect(page.getByRole('dialog', { name: 'Image: cat.png' })).toBeVisible();
  expect(errors).toHaveLength(1);
});

test('the rich-text formatter loads with the first message that may hold markup or a link, not for plain ones', async ({
  page,
  backend,
}) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await converse(widget, 'plain words, no link');
  expect(files).not.toContain('parley-FormattedText.js');

  await widget.send('read **this** at https://example.com/docs');
  // The visitor's own message and the echo both hold the link: formatted once the file is there.
  await expect(widget.log.getByRole('link', { name: 'https://example.com/docs' })).toHaveCount(2);
  await expect(widget.log.locator('strong', { hasText: 'this' }).first()).toBeVisible();
  expect(files.filter((f) => f === 'parley-FormattedText.js')).toHaveLength(1);
});

test('a formatter that cannot be fetched leaves the text plain with one clear [parley] error; the next such message formats both', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.route(/\/parley-FormattedText-[\w-]+\.js$/, (route) => route.abort());
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('see https://example.com/a');
  await expect(widget.log.getByText('You said: see https://example.com/a')).toBeVisible();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(
    /could not load the rich-text formatter .*parley-FormattedText-[\w-]+\.js could not be loaded/,
  );
  await expect(widget.log.getByRole('link')).toHaveCount(0);

  await page.unroute(/\/parley-FormattedText-[\w-]+\.js$/);
  await widget.send('and https://example.com/b');
  await expect(widget.log.getByRole('link', { name: 'https://example.com/a' })).toHaveCount(2);
  await expect(widget.log.getByRole('link', { name: 'https://example.com/b' })).toHaveCount(2);
  expect(errors).toHaveLength(1);
});

test('the page-attention file loads with the panel only where the page asked for a title badge, else when it enables notifications', async ({
  page,
  backend,
}) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  await converse(new Widget(page), 'no attention yet');
  expect(files).not.toContain('parley-attention.js');
  await page.context().grantPermissions(['notifications'], { origin: backend.url });
  const enabled = await page.evaluate(() =>
    (
      window as unknown as { Parley: { enableNotifications(): Promise<boolean> } }
    ).Parley.enableNotifications(),
  );
  expect(enabled).toBe(true);
  expect(files).toContain('parley-attention.js');

  files.length = 0;
  await page.goto(`${backend.url}/e2e/pages/title-badge.html`);
  await expect.poll(() => files).toContain('parley-attention.js');
  expect(files).toContain('parley-pack-ws-chat-en.js');
});

test('Parley.enableNotifications() whose code cannot be fetched resolves false with one clear [parley] error', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.route(/\/parley-attention-[\w-]+\.js$/, (route) => route.abort());
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  await converse(new Widget(page), 'no attention');
  const enable = () =>
    page.evaluate(() =>
      (
        window as unknown as { Parley: { enableNotifications(): Promise<boolean> } }
      ).Parley.enableNotifications(),
    );
  expect(await enable()).toBe(false);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(
    /could not enable notifications .*parley-attention-[\w-]+\.js could not be loaded/,
  );
  await page.unroute(/\/parley-attention-[\w-]+\.js$/);
  await page.context().grantPermissions(['notifications'], { origin: backend.url });
  expect(await enable()).toBe(true);
});

test("older messages' paging loads only for a resumed conversation (or a scroll to the top), not for one begun on the page", async ({
  page,
  backend,
}) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await converse(widget, 'begun here');
  // A short log of a conversation begun on this page asks for nothing older.
  expect(files).not.toContain('parley-older-pages.js');
  expect(files).not.toContain('parley-older.js');

  files.length = 0;
  await page.reload();
  await widget.open();
  // Resumed, its log too short to scroll: the paging code comes, the history call says it is all.
  await expect(widget.log.getByText('Beginning of the conversation')).toBeVisible();
  expect(files).toContain('parley-older-pages.js');
  expect(files).toContain('parley-older.js');
  expect(files.filter((f) => f === 'parley-older.js')).toHaveLength(1);
  await widget.send('resumed');
  await expect(widget.log.getByText('You said: resumed')).toBeVisible();
});

test("older messages' paging that cannot be fetched gives one clear [parley] error, a retry at the top of the log, and the chat goes on", async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await converse(widget, 'before the reload');
  await page.route(/\/parley-older-pages-[\w-]+\.js$/, (route) => route.abort());
  await page.reload();
  await widget.open();
  await expect(widget.log.getByText('Earlier messages could not be loaded.')).toBeVisible();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(
    /could not load earlier messages .*parley-older-pages-[\w-]+\.js could not be loaded/,
  );
  await widget.send('still here');
  await expect(widget.log.getByText('You said: still here')).toBeVisible();

  await page.unroute(/\/parley-older-pages-[\w-]+\.js$/);
  await widget.log.getByRole('button', { name: 'Try again' }).click();
  await expect(widget.log.getByText('Beginning of the conversation')).toBeVisible();
  expect(errors).toHaveLength(1);
});

test("the ws-chat history's paging file that cannot be fetched says so once, and the retry pages", async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().startsWith('[parley]') && errors.push(m.text()));
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await converse(widget, 'before the reload');
  await page.route(/\/parley-older-[\w]{8}\.js$/, (route) => route.abort());
  await page.reload();
  await widget.open();
  await expect(widget.log.getByText('Earlier messages could not be loaded.')).toBeVisible();
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(/could not load earlier messages .*parley-older-[\w-]+\.js could not be loaded/);
  await page.unroute(/\/parley-older-[\w]{8}\.js$/);
  await widget.log.getByRole('button', { name: 'Try again' }).click();
  await expect(widget.log.getByText('Beginning of the conversation')).toBeVisible();
  expect(errors).toHaveLength(1);
});

test('the single-file build loads nothing else and converses', async ({ page, backend }) => {
  const files = recordParleyFiles(page);
  await page.goto(`${backend.url}/e2e/pages/single.html`);
  await converse(new Widget(page), 'one file');
  expect(files).toEqual(['parley.js']);
  // A resumed conversation's history is paged by the same file.
  await page.reload();
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText('Beginning of the conversation')).toBeVisible();
  expect(files).toEqual(['parley.js', 'parley.js']);
});
