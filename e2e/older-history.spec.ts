/**
 * Issue 16 point 5 in the browser: a first visit on a new device to a conversation whose history is
 * on the server only shows the newest page, and scrolling up reaches the very first message, every
 * message once and in order, with "Beginning of the conversation" at the top.
 */
import type { TestInfo } from '@playwright/test';
import { getWsChatModule } from '../server/ws-chat/index';
import { type Backend, expect, test, Widget } from './fixtures';

const VISITOR = 'web_e2e_history'; // data-channel-id of e2e/pages/history.html
const COUNT = 600;

test.use({ serverOptions: { replyDelayMs: 0, wsChatProtocol: 'envelope', bot: false } });

/** The visitor's conversation on the server, with `count` messages the browser never saw. */
async function seed(backend: Backend, count: number): Promise<void> {
  const res = await fetch(`${backend.url}/api/v1/public/customer-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Visitor', channel: 'WEB', channelUserId: VISITOR }),
  });
  const { data } = (await res.json()) as { data: { sessionId: string } };
  const ws = getWsChatModule(backend.server);
  for (let i = 1; i <= count; i++) ws.testing.say(data.sessionId, `history ${i}`);
}

/** The numbers of the `history N` rows in the log's DOM, top to bottom. */
const renderedNumbers = (widget: Widget) =>
  widget.log.evaluate((log) =>
    [...log.querySelectorAll<HTMLElement>('[data-row]')].flatMap((row) => {
      const n = /^history (\d+)$/.exec(row.querySelector('.bubble')?.textContent?.trim() ?? '')?.[1];
      return n ? [Number(n)] : [];
    }),
  );

function note(testInfo: TestInfo, type: string, description: string): void {
  testInfo.annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

test(`a new device reaches message 1 of ${COUNT} by scrolling up, each once and in order`, async ({
  page,
  backend,
}, testInfo) => {
  // Two dozen rounds of scrolling on a machine that may be busy: generous, as every e2e wait is.
  test.setTimeout(300_000);
  await seed(backend, COUNT);
  const historyCalls: string[] = [];
  const parleyFiles: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/chat/sessions/')) historyCalls.push(r.url());
    const name = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (/^parley-.*\.js$/.test(name)) parleyFiles.push(name.replace(/-[\w-]{8}\.js$/, '.js'));
  });
  await page.goto(`${backend.url}/e2e/pages/history.html`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.message(`history ${COUNT}`)).toBeVisible();
  // The first connection's history call brought the newest page only.
  expect(await renderedNumbers(widget)).not.toContain(COUNT - 100);
  // A resumed conversation (the history's page came before the link was up): the paging code is
  // fetched at the panel's first quiet moment, before any scrolling needs it (issue 9).
  await expect.poll(() => parleyFiles).toContain('parley-older-pages.js');
  await expect.poll(() => parleyFiles).toContain('parley-older.js');

  const started = Date.now();
  const seen = new Set<number>();
  const beginning = widget.log.getByText('Beginning of the conversation');
  for (let round = 0; !(await beginning.isVisible()); round++) {
    expect(round, 'rounds of scrolling up').toBeLessThan(200);
    const rows = await renderedNumbers(widget);
    // Whatever the window holds is consecutive and ascending: in order, none twice, none missing.
    expect(rows).toEqual(Array.from({ length: rows.length }, (_, i) => rows[0]! + i));
    for (const n of rows) seen.add(n);
    const top = rows[0];
    await widget.log.evaluate((log) => {
      log.scrollTop = 0;
    });
    // Older rows come in above (from the window, storage or the server), or the beginning shows.
    await expect
      .poll(async () => (await beginning.isVisible()) || (await renderedNumbers(widget))[0] !== top, {
        intervals: [50, 100, 250],
        timeout: 60_000,
      })
      .toBe(true);
  }
  const elapsed = Date.now() - started;
  const rows = await renderedNumbers(widget);
  for (const n of rows) seen.add(n);
  expect(rows[0]).toBe(1);
  expect(rows).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
  // The marker is not news: it sits in the log's aria-live="off" part, and the log is not busy.
  await expect(
    widget.log.locator('[aria-live="off"]').getByText('Beginning of the conversation'),
  ).toBeVisible();
  await expect(widget.log).not.toHaveAttribute('aria-busy', 'true');
  note(testInfo, 'history calls', `${historyCalls.length} (the first connection's and the scrolling's)`);
  note(testInfo, 'time to message 1', `${elapsed} ms of scrolling up through ${COUNT} messages`);
  // The first connection reads the newest page; then each older page is read once, and the page
  // the first cursor is on once more (the count of newer messages finds it, not the last answer).
  expect(historyCalls.length).toBe(Math.ceil(COUNT / 50) + 1);
});
