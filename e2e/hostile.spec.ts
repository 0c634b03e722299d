/**
 * Issue 8 in the browser: the widget under Trusted Types, a shared device switching visitors,
 * settings that cannot work, and verified identity against a server with an identity secret.
 */
import { createHmac } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test, twinOf, Widget } from './fixtures';
import { fullTwinConversation, pngFile } from './helpers';

/** Every CSP or Trusted Types violation the page reports, collected from the first script on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  return () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

const violationLines = (lines: string[]) =>
  lines.filter((l) => /Refused to|Content Security Policy|Trusted ?Type|TrustedScriptURL/i.test(l));

for (const page_ of ['trusted-types.html', 'trusted-types-single.html']) {
  test(`strict CSP with Trusted Types (${page_}): every UI path and not one violation`, async ({
    page,
    backend,
    consoleLines,
  }) => {
    // setup: a page that requires Trusted Types and allows only the widget's own policy
    const violations = await recordViolations(page);
    await page.goto(`${backend.url}/e2e/pages/${page_}`);
    const widget = new Widget(page);
    // when: greeting, answer buttons, a file, an operator; then a picture up and into the viewer
    await widget.open();
    await fullTwinConversation(widget);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach a file' }).click();
    await (await chooser).setFiles(pngFile('sunset.png'));
    await expect(page.getByRole('button', { name: 'Remove sunset.png' })).toBeVisible();
    await widget.composer.press('Enter');
    await widget.log.getByRole('button', { name: 'Open image: sunset.png' }).click();
    const viewer = page.getByRole('dialog', { name: 'Image: sunset.png' });
    await expect(viewer.getByRole('img', { name: 'sunset.png' })).toBeVisible();
    await page.keyboard.press('Escape');
    await widget.send('stop');
    await expect(page.getByRole('button', { name: 'Start a new conversation' })).toBeVisible();
    // then
    expect(await violations()).toEqual([]);
    expect(violationLines(consoleLines)).toEqual([]);
  });
}

test('a shared device: the page switches from visitor A to B, and B never sees A', async ({
  page,
  backend,
}) => {
  // setup: A chats on a page that names them
  const conversations: string[] = [];
  backend.server.modules.get('ws-chat')?.testing?.onVisitorMessage((c) => conversations.push(c));
  await page.goto(`${backend.url}/e2e/pages/visitor-a.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('a secret of A');
  await expect(widget.message('a secret of A')).toBeVisible();
  await expect.poll(() => conversations.length).toBe(1);
  // when: the next page view names B (another login on the same browser)
  await page.goto(`${backend.url}/e2e/pages/visitor-b.html`);
  await widget.open();
  // then: nothing of A is shown or kept, and B writes into a conversation of their own
  await expect(widget.log.getByText('a secret of A')).toHaveCount(0); // nor the bot's answer to it
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('a secret of A');
  await widget.send('hello from B');
  await expect(widget.message('hello from B')).toBeVisible();
  await expect.poll(() => conversations.length).toBe(2);
  expect(conversations[1]).not.toBe(conversations[0]);
});

test('credentials in data-server print one [parley] error naming it, and no launcher', async ({
  page,
  backend,
  consoleLines,
}) => {
  await page.goto(`${backend.url}/e2e/pages/credentials.html`);
  await expect.poll(() => consoleLines.filter((l) => l.includes('[parley]')).length).toBe(1);
  const [line] = consoleLines.filter((l) => l.includes('[parley]'));
  expect(line).toContain('data-server holds a user name or password');
  expect(line).not.toContain('hunter2');
  await expect(page.getByRole('button', { name: 'Open chat' })).toHaveCount(0);
});

test.describe('verified identity', () => {
  const secret = 'e2e-identity-secret-of-the-site';
  const hash = (id: string) => createHmac('sha256', secret).update(id).digest('hex');
  test.use({ serverOptions: { replyDelayMs: 50, identitySecret: secret } });

  test('Parley.identify with a signed id starts a fresh conversation as that user; a wrong hash is refused', async ({
    page,
    backend,
  }) => {
    // setup: an anonymous visitor chats
    await page.goto(`${backend.url}/e2e/pages/trusted-types.html`);
    const widget = new Widget(page);
    await widget.open();
    await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
    await widget.send('echo before login');
    await expect(widget.log.getByText('before login', { exact: true })).toBeVisible();
    const twin = twinOf(backend);
    const anonymous = twin.sessionIds().length;
    // when: the page learns who the visitor is
    await page.evaluate((h) => {
      (window as unknown as { Parley: { identify(v: unknown): void } }).Parley.identify({
        id: '42',
        hash: h,
      });
    }, hash('42'));
    // then: a fresh conversation (still open), started as user 42
    await expect(widget.log.getByText('echo before login')).toHaveCount(0);
    await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
    await expect.poll(() => twin.sessionIds().length).toBe(anonymous + 1);
    // when: another id is claimed with a hash that does not match it
    await page.evaluate((h) => {
      (window as unknown as { Parley: { identify(v: unknown): void } }).Parley.identify({
        id: '43',
        hash: h,
      });
    }, hash('42'));
    // then: the server refuses it and no session starts for 43
    await expect(page.getByRole('button', { name: /Try again|Retry/ })).toBeVisible();
    expect(twin.sessionIds()).toHaveLength(anonymous + 1);
  });
});
