/**
 * One connection per visitor per browser: two tabs (two pages of one browser context, so one
 * localStorage, one BroadcastChannel namespace, one lock manager) on the ws-chat demo against the
 * real reference server, which counts the sockets open and the visitor messages it accepted.
 */
import type { Page } from '@playwright/test';
import { getPostofficeModule } from '../server/postoffice/index';
import { getWsChatModule } from '../server/ws-chat/index';
import { type Backend, expect, test, Widget } from './fixtures';

const sockets = (backend: Backend) => getWsChatModule(backend.server).openSockets();
const accepted = (backend: Backend, text: string) =>
  getWsChatModule(backend.server)
    .visitorTexts()
    .filter((t) => t === text).length;
/** What the widget stored under this key of its namespace (null when absent). */
const stored = (page: Page, key: string) =>
  page.evaluate((k) => {
    const full = Object.keys(localStorage).find(
      (name) => name.startsWith('parley:') && name.endsWith(`:${k}`),
    );
    return full ? localStorage.getItem(full) : null;
  }, key);
const parley = (page: Page, call: 'logout' | 'clear') =>
  page.evaluate(
    (name) => (window as unknown as { Parley: Record<string, () => void> }).Parley[name]?.(),
    call,
  );

/** Tab A opens the chat and talks first, so it holds the connection. */
async function tabATalks(page: Page, backend: Backend) {
  await page.goto(`${backend.url}/demo.html`);
  const a = new Widget(page);
  await a.open();
  await a.send('hello from A');
  await expect(a.log.getByText('You said: hello from A')).toBeVisible();
  return a;
}

/** Tab A talks first (it holds the connection), then tab B opens the same site. */
async function twoTabs(page: Page, backend: Backend) {
  const a = await tabATalks(page, backend);
  const pageB = await page.context().newPage();
  await pageB.goto(`${backend.url}/demo.html`);
  const b = new Widget(pageB);
  await b.open();
  // B shows what A said without asking the server for anything of its own.
  await expect(b.log.getByText('You said: hello from A')).toBeVisible();
  return { a, b, pageB };
}

/** The most of `count()` seen while `run` ran (sampled every 10 ms, server side). */
async function most(count: () => number, run: () => Promise<void>): Promise<number> {
  let max = count();
  const timer = setInterval(() => {
    max = Math.max(max, count());
  }, 10);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return Math.max(max, count());
}
/** The most sockets the ws-chat server held at once while `run` ran. */
const maxSockets = (backend: Backend, run: () => Promise<void>) => most(() => sockets(backend), run);

test.describe('tabs of one site', () => {
  // Two pages at once on a busy two-core machine.
  test.describe.configure({ timeout: 180_000 });

  test('share one socket; a message typed in B is shown in A and reaches the server once; replies show in both', async ({
    page,
    backend,
  }) => {
    let tabs: Awaited<ReturnType<typeof twoTabs>> | undefined;
    const most = await maxSockets(backend, async () => {
      tabs = await twoTabs(page, backend);
      const { a, b } = tabs;
      await b.send('typed in B');
      await expect(a.message('typed in B')).toHaveCount(1);
      await expect(a.log.getByText('You said: typed in B')).toHaveCount(1);
      await expect(b.log.getByText('You said: typed in B')).toHaveCount(1);
      await expect(b.message('typed in B')).toHaveCount(1);
      // Both tabs show it confirmed, with the same state.
      await expect(b.log.getByText('Sent')).toHaveCount(2);
      await expect(a.log.getByText('Sent')).toHaveCount(2);
    });
    test.info().annotations.push({ type: 'most sockets open at once (two tabs)', description: `${most}` });
    expect(most).toBe(1);
    expect(accepted(backend, 'typed in B')).toBe(1);
    expect(accepted(backend, 'hello from A')).toBe(1);
  });

  test('closing and opening the chat in one tab does it in the other; a reply while closed is unread in both', async ({
    page,
    backend,
  }) => {
    const { a, b, pageB } = await twoTabs(page, backend);
    await a.page.keyboard.press('Escape');
    await expect(b.composer).toBeHidden(); // closing in A closed B too
    await pageB.evaluate(() =>
      (window as unknown as { Parley: { send(t: string): void } }).Parley.send('ping'),
    );
    await expect(a.launcher).toHaveAccessibleDescription('1 unread message');
    await expect(b.launcher).toHaveAccessibleDescription('1 unread message');
    await b.launcher.click();
    await expect(a.composer).toBeVisible();
    await expect(a.log.getByText('You said: ping')).toBeVisible();
    await expect(a.launcher).not.toHaveAccessibleDescription(/unread/);
  });

  test('closing the tab holding the connection hands it over; a message sent right after arrives once', async ({
    page,
    backend,
  }) => {
    const { b, pageB } = await twoTabs(page, backend);
    await expect.poll(() => sockets(backend)).toBe(1);
    const started = Date.now();
    await page.close();
    await b.send('right after the handover');
    await expect.poll(() => accepted(backend, 'right after the handover')).toBe(1);
    const handoverMs = Date.now() - started;
    test.info().annotations.push({
      type: 'close of the leading tab → message at the server (ms)',
      description: `${handoverMs}`,
    });
    await expect(b.log.getByText('You said: right after the handover')).toHaveCount(1);
    await expect(b.message('right after the handover')).toHaveCount(1);
    expect(accepted(backend, 'right after the handover')).toBe(1);
    await expect.poll(() => sockets(backend)).toBe(1);
    // The history is intact in the tab that took over, each message once.
    await expect(b.message('hello from A')).toHaveCount(1);
    await expect(b.log.getByText('You said: hello from A')).toHaveCount(1);
    await pageB.reload();
    await b.open();
    await expect(b.message('right after the handover')).toHaveCount(1);
  });

  test('logout in one tab clears both, and a reload shows nothing of the old conversation', async ({
    page,
    backend,
  }) => {
    const { a, b, pageB } = await twoTabs(page, backend);
    await b.composer.fill('a draft in B');
    await expect.poll(() => stored(page, 'draft')).toBe('a draft in B');
    await a.page.keyboard.press('Escape'); // the chat closed (in both tabs): nothing reconnects after
    await expect(b.composer).toBeHidden();
    const before = JSON.parse((await stored(page, 'session')) ?? '{}') as { customerId?: string };
    expect(before.customerId).toBeTruthy();
    await parley(pageB, 'logout');
    // Token, conversation and channel ids, messages and draft: gone from storage. Read in tab A:
    // Chromium hands B's writes to A's renderer process asynchronously (localStorage has no
    // cross-process lock), so A sees them a moment later, hence the polls.
    for (const key of ['session', 'channelId', 'draft'])
      await expect.poll(() => stored(page, key)).toBeNull();
    await expect.poll(async () => JSON.parse((await stored(page, 'messages')) ?? '[]')).toEqual([]);
    await b.launcher.click();
    await expect(b.composer).toHaveValue('');
    await expect(b.log.getByText('hello from A')).toHaveCount(0);
    await expect(a.log.getByText('hello from A')).toHaveCount(0);
    // Opening the chat again starts a new visitor on the backend.
    await expect
      .poll(
        async () =>
          (JSON.parse((await stored(page, 'session')) ?? '{}') as { customerId?: string }).customerId,
      )
      .not.toBe(before.customerId);

    await page.reload();
    await a.open();
    await a.send('a new visitor');
    await expect(a.log.getByText('You said: a new visitor')).toBeVisible();
    await expect(a.log.getByText('hello from A')).toHaveCount(0);
    await expect(b.log.getByText('You said: a new visitor')).toBeVisible();
    await expect(b.log.getByText('hello from A')).toHaveCount(0);
    await expect.poll(() => sockets(backend)).toBe(1);
  });

  test('Parley.open() in a second tab while its tab-sharing code still loads opens the chat there', async ({
    page,
    backend,
  }) => {
    // The soak found it: B's app read "open?" before it waited for that file, and kept "closed".
    await tabATalks(page, backend);
    const pageB = await page.context().newPage();
    let release = () => {};
    const held = new Promise<void>((asked) => {
      void pageB.route('**/parley-tab-sharing-*.js', async (route) => {
        const go = new Promise<void>((resolve) => (release = resolve));
        asked();
        await go;
        await route.continue();
      });
    });
    await pageB.goto(`${backend.url}/demo.html`);
    await held; // B found the lock taken and waits for the sharing code
    await pageB.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
    release();
    const b = new Widget(pageB);
    await expect(b.composer).toBeVisible();
    await expect(b.log.getByText('You said: hello from A')).toBeVisible();
  });

  test('without Web Locks (heartbeat over the tab bus): one socket, and closing the leading tab hands it over', async ({
    page,
    backend,
  }) => {
    // As in a browser without navigator.locks (or a page outside a secure context).
    await page
      .context()
      .addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    const tabs = await twoTabs(page, backend);
    await tabs.b.send('typed in B');
    await expect(tabs.a.log.getByText('You said: typed in B')).toHaveCount(1);
    expect(await page.evaluate(() => navigator.locks)).toBeUndefined();
    // A newcomer that hears no answer within 250 ms leads too (a busy machine can delay the answer);
    // two leaders settle on one at the next beat, so the steady state is checked, not every instant.
    await expect.poll(() => sockets(backend)).toBe(1);
    const { b } = tabs;
    await page.close();
    await b.send('after the leader left');
    await expect(b.log.getByText('You said: after the leader left')).toHaveCount(1);
    expect(accepted(backend, 'after the leader left')).toBe(1);
    expect(accepted(backend, 'typed in B')).toBe(1);
    await expect.poll(() => sockets(backend)).toBe(1);
  });

  test('"A offline" in A and "B offline" in B while the server is down: each reaches it once, both tabs show both and the replies, a reload of A keeps both', async ({
    page,
    backend,
  }) => {
    const { a, b } = await twoTabs(page, backend);
    await backend.stop();
    await expect(a.page.getByText(/Reconnecting/)).toBeVisible();
    await expect(b.page.getByText(/Reconnecting/)).toBeVisible();
    await a.send('A offline');
    await b.send('B offline');
    // Each tab shows what the other typed before the server is back.
    for (const w of [a, b]) {
      await expect(w.message('A offline')).toHaveCount(1);
      await expect(w.message('B offline')).toHaveCount(1);
    }
    await backend.restart();
    // The next attempt may be a whole backoff away (it grows to 30 s while the server is down).
    await expect(a.log.getByText('You said: A offline')).toHaveCount(1, { timeout: 90_000 });
    for (const w of [a, b]) {
      await expect(w.log.getByText('You said: A offline')).toHaveCount(1);
      await expect(w.log.getByText('You said: B offline')).toHaveCount(1);
    }
    expect(accepted(backend, 'A offline')).toBe(1);
    expect(accepted(backend, 'B offline')).toBe(1);
    // What A stored is not overwritten by B's copy (nor B's by A's): a reload of A shows both.
    await page.reload();
    await a.open();
    for (const text of ['A offline', 'B offline', 'You said: A offline', 'You said: B offline']) {
      await expect(a.log.getByText(text, { exact: true })).toHaveCount(1);
    }
    await expect(b.message('A offline')).toHaveCount(1);
    await expect(b.message('B offline')).toHaveCount(1);
    expect(accepted(backend, 'A offline')).toBe(1);
    expect(accepted(backend, 'B offline')).toBe(1);
  });
});

test.describe('tabs of one site on a router that allows one connection per visitor (postoffice)', () => {
  test.describe.configure({ timeout: 240_000 }); // three pages at once on a busy two-core machine

  test('three tabs hold one connection, nobody is evicted, and every tab still chats', async ({
    page,
    backend,
  }) => {
    const DEMO = `${backend.url}/demo-postoffice.html`;
    const router = getPostofficeModule(backend.server).router;
    const tabs: Widget[] = [];
    const held = await most(
      () => router.openConnections,
      async () => {
        for (const name of ['A', 'B', 'C']) {
          const p = tabs.length === 0 ? page : await page.context().newPage();
          await p.goto(DEMO);
          const w = new Widget(p);
          tabs.push(w);
          await w.open();
          await w.send(`from ${name}`);
          for (const each of tabs) await expect(each.log.getByText(`You said: from ${name}`)).toHaveCount(1);
        }
        // The first tab (the oldest connection before tabs shared one) still sends and gets replies.
        await tabs[0]?.send('A again');
        for (const each of tabs) await expect(each.log.getByText('You said: A again')).toHaveCount(1);
      },
    );
    test
      .info()
      .annotations.push({ type: 'most router connections at once (three tabs)', description: `${held}` });
    expect(router.stats.evicted).toBe(0);
    expect(held).toBe(1);
  });
});
