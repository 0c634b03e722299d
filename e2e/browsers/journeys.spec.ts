/**
 * The visitor's journeys that every supported browser must carry, run in Firefox ESR by
 * `npm run test:firefox` (playwright.firefox.config.ts) and, with the same steps over classic
 * WebDriver, in WebKitGTK by e2e/webkit/ (Chromium runs the fuller specs in e2e/). Demo pages under
 * the demo's strict CSP, the built widget, the real reference server.
 *
 * Only APIs that Playwright offers over WebDriver BiDi are used: no `page.on('websocket')`, no CDP,
 * no synthetic paste (Firefox drops files from a synthetic ClipboardEvent).
 */
import type { Page } from '@playwright/test';
import { expect, test, Widget, wsChatTexts } from '../fixtures';
import { TWIN_PAGE } from '../helpers';

/** Counts the page's CSP violations from its first script on (`securitypolicyviolation`). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener(
      'securitypolicyviolation',
      (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`),
      true,
    );
  });
  return () => page.evaluate(() => [...(window as unknown as { cspViolations: string[] }).cspViolations]);
}

test('ws-chat: open, send and get the reply, with no CSP violation under the strict policy', async ({
  page,
  backend,
  consoleLines,
}) => {
  const violations = await watchCsp(page);
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hello there');
  await expect(widget.message('hello there')).toHaveCount(1);
  await expect(widget.log.getByText('You said: hello there')).toBeVisible();
  await expect(widget.log.getByText('Sent')).toHaveCount(1);
  await expect(widget.composer).toHaveValue('');
  expect(wsChatTexts(backend)).toEqual(['hello there']);
  expect(await violations()).toEqual([]);
  expect(consoleLines.filter((l) => /^error|pageerror/.test(l))).toEqual([]);
  // The watch works in this browser: an image from another origin is refused by img-src.
  await page.evaluate(() => {
    new Image().src = 'https://blocked.invalid/pixel.png';
  });
  await expect.poll(violations).toEqual(['img-src https://blocked.invalid/pixel.png']);
});

test('ws-chat: a reload shows the same conversation, each message once', async ({ page, backend }) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('remember me');
  await expect(widget.log.getByText('You said: remember me')).toBeVisible();

  await page.reload();
  await widget.open();
  await expect(page.getByText('Online')).toBeVisible();
  await expect(widget.message('remember me')).toHaveCount(1);
  await expect(widget.log.getByText('You said: remember me')).toHaveCount(1);
  await widget.send('and again');
  await expect(widget.log.getByText('You said: and again')).toBeVisible();
  await expect(widget.message('remember me')).toHaveCount(1);
  expect(wsChatTexts(backend)).toEqual(['remember me', 'and again']);
});

test('TWIN: an answer button sends its answer and the bot follows it', async ({ page, backend }) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  await widget.send('help');
  const answers = widget.log.getByRole('group', { name: 'Suggested answers' }).last();
  await answers.getByRole('button', { name: 'file', exact: true }).click();
  await expect(widget.log.getByRole('link', { name: /Download/ })).toBeVisible();
});

test('TWIN: a file chosen with the attach button is uploaded, sent and acknowledged', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  await page.locator('input[type=file]').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  await widget.sendButton.click();
  await expect(widget.log.getByRole('link', { name: /Download notes\.txt/ })).toBeVisible();
  await expect(widget.log.getByText('Thanks, I received notes.txt.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
});
