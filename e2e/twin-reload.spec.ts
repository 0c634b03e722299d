/**
 * A TWIN message in flight when the page reloads (issue 16, point 6). TWIN posts carry no client id
 * and TWIN has no history call: the reference server holds the post's answer (`holdPosts`), the
 * page reloads meanwhile, and the server answers only afterwards. The message reaches the server
 * once, shows once, "Not confirmed" with a retry, and is posted again only when the visitor
 * retries.
 */
import type { Page } from '@playwright/test';
import { expect, test, twinOf, Widget } from './fixtures';

/** The TWIN demo with one message answered; `count` says how often the server stored a text. */
async function chatting(page: Page, backend: Parameters<typeof twinOf>[0]) {
  const twin = twinOf(backend);
  const count = (text: string) => twin.visitorTexts().filter((t) => t === text).length;
  await page.goto(`${backend.url}/demo-twin.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('before');
  await expect(widget.log.getByText('You said: before')).toBeVisible();
  return { twin, count, widget };
}

test('a message in flight at a reload reaches the server once and shows once, "Not confirmed" with Retry', async ({
  page,
  backend,
}) => {
  const { twin, count, widget } = await chatting(page, backend);

  // when: the server has the message, but its answer is held while the page reloads
  const held = twin.holdPosts();
  try {
    await widget.send('in flight');
    await expect.poll(() => count('in flight')).toBe(1);
    // and one more waits behind it: the outbox goes on at once when a send fails, as Chrome makes
    // the one in flight fail while the page unloads (the dying page must not post it again)
    await widget.send('queued');
    await expect(widget.log.getByText('Sending…')).toHaveCount(2);
    await page.reload();
  } finally {
    held.release(); // the answer goes to the request the browser finished for the old page
  }
  await widget.open();

  // then: shown once, not confirmed, with a retry
  const row = widget.log.locator('.msg', { has: page.getByText('in flight', { exact: true }) });
  await expect(row.getByText('Not confirmed')).toBeVisible();
  await expect(row.getByText(/It may have arrived/)).toBeVisible();
  await expect(widget.message('in flight')).toHaveCount(1);
  // the outbox went on to the later messages, so it had its chance to post the first one again
  await widget.send('after');
  await expect(widget.log.getByText('You said: after')).toBeVisible();
  await expect(widget.log.getByText('You said: queued')).toHaveCount(1);
  expect(count('queued')).toBe(1);
  expect(count('in flight')).toBe(1);
  await expect(widget.log.getByText('You said: in flight')).toHaveCount(1);

  // when: the visitor decides to send it again, it is posted (their decision) and shows as sent
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect.poll(() => count('in flight')).toBe(2);
  await expect(row.getByText('Not confirmed')).toHaveCount(0);
  await expect(widget.message('in flight')).toHaveCount(1);
});

test('a message whose answer status came before the reload and its body after: sent, posted once', async ({
  page,
  backend,
}) => {
  const { twin, count, widget } = await chatting(page, backend);

  // when: the server stores the message and sends the 201, but the body (the id) waits while the
  // page reloads: Chrome fails the body read during pagehide (before the fix: "Not sent", or
  // "Not confirmed" on the next page, with a Retry that would store it twice)
  const held = twin.holdPosts({ head: true });
  try {
    await widget.send('head only');
    await expect.poll(() => count('head only')).toBe(1);
    // the page has heard the status: the adapter recorded the message as sent, without its id
    await page.waitForFunction(() =>
      Object.keys(localStorage).some(
        (k) =>
          k.endsWith('twin.sent') &&
          (JSON.parse(localStorage.getItem(k) ?? '[]') as unknown[][]).some((e) => e[1] === null),
      ),
    );
    await page.reload();
  } finally {
    held.release();
  }
  await widget.open();

  // then: shown once, sent, never posted again
  const row = widget.log.locator('.msg', { has: page.getByText('head only', { exact: true }) });
  await expect(row.locator('.state--sent, .state--delivered, .state--read')).toHaveCount(1);
  await expect(row.getByText(/Not sent|Not confirmed/)).toHaveCount(0);
  await widget.send('after');
  await expect(widget.log.getByText('You said: after')).toBeVisible();
  expect(count('head only')).toBe(1);
  await expect(widget.message('head only')).toHaveCount(1);
});
