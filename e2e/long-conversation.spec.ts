/**
 * Issue 9 in the browser: a long conversation keeps a bounded DOM, scrolling up brings older
 * messages in without moving what the visitor reads, and a burst arrives whole.
 */
import type { Locator, Page } from '@playwright/test';
import { getWsChatModule } from '../server/ws-chat/index';
import { type Backend, expect, test, Widget } from './fixtures';

/** Opens the widget, says hello, and returns the conversation the server put the visitor in. */
async function startConversation(page: Page, backend: Backend): Promise<{ widget: Widget; id: string }> {
  const ws = getWsChatModule(backend.server);
  const seen = new Promise<string>((resolve) => {
    const off = ws.testing.onVisitorMessage((conversation) => {
      off();
      resolve(conversation);
    });
  });
  await page.goto(`${backend.url}/e2e/pages/plain.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hello');
  return { widget, id: await seen };
}

/** Elements in the widget's shadow root. */
const shadowNodes = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-parley]')?.shadowRoot?.querySelectorAll('*').length ?? 0);

/** Texts of the bubbles in the log whose style plays an entrance animation. */
const enteringBubbles = (log: Locator) =>
  log.evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('.bubble')]
      .filter((b) => getComputedStyle(b).animationName !== 'none')
      .map((b) => b.textContent),
  );

test.use({ serverOptions: { replyDelayMs: 0 } });

test('2,000 messages: a bounded DOM, and scrolling up shows older ones without a jump', async ({
  page,
  backend,
}) => {
  const { widget, id } = await startConversation(page, backend);
  await expect(widget.message('You said: hello')).toBeVisible();
  // They arrive while the panel is closed (a busy machine renders a 2,000-message burst slowly).
  await page.keyboard.press('Escape');
  const ws = getWsChatModule(backend.server);
  for (let i = 0; i < 2000; i++) ws.testing.say(id, `line ${i}`);
  await expect(
    page.getByRole('button', { name: 'Open chat', description: '2000 unread messages' }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await widget.open();
  await expect(widget.message('line 1999')).toBeVisible();
  expect(await shadowNodes(page)).toBeLessThan(1500);
  await expect(widget.message('line 1000')).toHaveCount(0);

  // Scroll to the top of what is rendered, and again: each time older rows come in above while
  // the row that was at the top stays where it was.
  for (let round = 0; round < 3; round++) {
    // Where the top row is in the log's box, measured as the scroll lands.
    const top = await widget.log.evaluate((log) => {
      const first = log.querySelector<HTMLElement>('[data-row]')!;
      log.scrollTop = 0;
      return {
        key: first.dataset.row!,
        y: first.getBoundingClientRect().top - log.getBoundingClientRect().top,
      };
    });
    await expect
      .poll(() => widget.log.evaluate((log) => log.querySelector<HTMLElement>('[data-row]')!.dataset.row))
      .not.toBe(top.key);
    // Where it settles: under load the first look, right as the top row changes, once saw it 3.7 px
    // off (cause not traced). Polled until it is back; a row that stays moved still fails.
    const shift = () =>
      widget.log.evaluate(
        (log, { key, y }) => {
          const row = [...log.querySelectorAll<HTMLElement>('[data-row]')].find(
            (r) => r.dataset.row === key,
          )!;
          return Math.abs(row.getBoundingClientRect().top - log.getBoundingClientRect().top - y);
        },
        { key: top.key, y: top.y },
      );
    await expect.poll(shift).toBeLessThanOrEqual(2);
  }
  expect(await shadowNodes(page)).toBeLessThan(1500);
  // Rows brought back by scrolling are not new: none of them plays the entrance (each animated
  // bubble costs a compositor layer in the frame that adds it).
  expect(await enteringBubbles(widget.log)).toEqual([]);

  // Far enough up that the newest rows left the window, "Jump to latest" comes back to the end.
  await widget.log.evaluate(async (log) => {
    while ((log.textContent ?? '').includes('line 1999')) {
      log.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  await page.getByRole('button', { name: 'Jump to latest messages' }).click();
  await expect(widget.message('line 1999')).toBeInViewport();
});

test('a burst of 1,000 messages with the panel closed arrives whole and counts as unread', async ({
  page,
  backend,
}) => {
  const { widget, id } = await startConversation(page, backend);
  await expect(widget.message('You said: hello')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(widget.composer).toBeHidden();
  const ws = getWsChatModule(backend.server);
  for (let i = 0; i < 1000; i++) ws.testing.say(id, `burst ${i}`);
  await expect(
    page.getByRole('button', { name: 'Open chat', description: '1000 unread messages' }),
  ).toBeVisible();
  await widget.open();
  await expect(widget.message('burst 999')).toBeVisible();
});

test('a burst of 1,000 messages with the panel open arrives whole, in order, and only the newest enters', async ({
  page,
  backend,
}) => {
  test.setTimeout(300_000); // 1,000 rows rendered, then scrolled back through, on a busy 2-core machine
  const { widget, id } = await startConversation(page, backend);
  await expect(widget.message('You said: hello')).toBeVisible();
  const ws = getWsChatModule(backend.server);
  for (let i = 0; i < 1000; i++) ws.testing.say(id, `burst ${i}`);
  await expect(widget.message('burst 999')).toBeInViewport({ timeout: 60_000 });
  // The rows on screen are the newest, in the order they were sent, without a gap.
  const shown = await widget.log.evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('.bubble')].map((b) => b.textContent ?? ''),
  );
  const numbers = shown.filter((t) => t.startsWith('burst ')).map((t) => Number(t.slice(6)));
  expect(numbers.length).toBeGreaterThan(5);
  expect(numbers.at(-1)).toBe(999);
  expect(numbers).toEqual(numbers.map((_, i) => 999 - (numbers.length - 1) + i));
  expect((await enteringBubbles(widget.log)).length).toBeLessThanOrEqual(1);
  expect(await shadowNodes(page)).toBeLessThan(1500);
  // All of them are there: scrolling to the top (a frame at a time) reaches the first message.
  const first = await widget.log.evaluate(async (el) => {
    for (;;) {
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(r));
      const row = el.querySelector('[data-row]')?.textContent ?? '';
      if (row.includes('hello')) return row;
    }
  });
  expect(first).toContain('hello');
});
