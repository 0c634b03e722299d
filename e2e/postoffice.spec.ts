/**
 * The postoffice journey in a real browser: the built script on the demo page, the reference
 * router and its demo bot mailbox. Rich JSON content, the reply as the only receipt, the mailbox
 * kept across a reload, a router restart, and two devices on one mailbox.
 */
import { WebSocket } from 'ws';
import { getPostofficeModule } from '../server/postoffice/index';
import { expect, test, Widget } from './fixtures';

const DEMO = '/demo-postoffice.html';

test.describe('postoffice demo', () => {
  test('send, get the bot reply, and the reply marks the message read', async ({
    page,
    backend,
    consoleLines,
  }) => {
    // setup
    await page.goto(`${backend.url}${DEMO}`);
    const widget = new Widget(page);
    // when
    await widget.open();
    await widget.send('hello there');
    // then
    await expect(widget.log.getByText(/Parley demo bot/)).toBeVisible();
    await expect(widget.log.getByText('You said: hello there')).toBeVisible();
    await expect(widget.message('hello there')).toHaveCount(1);
    await expect(widget.log.getByText('Read')).toHaveCount(1);
    // The token came from the site's endpoint, and the router recorded a startTime in ms.
    const po = getPostofficeModule(backend.server);
    expect(po.tokenRequests).toBe(1);
    const mailbox = await page.evaluate(
      () =>
        Object.entries(localStorage).find(
          ([k]) => k.startsWith('parley:postoffice|') && k.endsWith(':clientId'),
        )?.[1],
    );
    expect(mailbox).toMatch(/^web_[0-9a-f-]{36}$/);
    expect(po.router.recordedStartTime(mailbox!)).toBeGreaterThan(1e12);
    // Strict CSP: nothing refused. No token, and no URL holding one, in the console.
    expect(consoleLines.filter((l) => /Refused to|Content Security Policy/i.test(l))).toEqual([]);
    expect(consoleLines.filter((l) => /token=|startTime=/.test(l))).toEqual([]);
  });

  test('JSON content: answer buttons, an attachment, and any other object as text', async ({
    page,
    backend,
  }) => {
    await page.goto(`${backend.url}${DEMO}`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('buttons');
    const answers = widget.log.getByRole('group', { name: 'Suggested answers' }).last();
    await answers.getByRole('button', { name: 'burst' }).click();
    await expect(widget.log.getByText('Burst 3 of 3')).toBeVisible();
    await widget.send('file');
    await expect(widget.log.getByText('Here is a file for you.')).toBeVisible();
    await expect(widget.log.getByRole('link', { name: /demo\.css/ })).toBeVisible();
    await widget.send('json');
    await expect(widget.log.getByText('{"weather":"sunny","temperature":25}')).toBeVisible();
  });

  test('a reload keeps the mailbox and the conversation', async ({ page, backend }) => {
    await page.goto(`${backend.url}${DEMO}`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('remember me');
    await expect(widget.log.getByText('You said: remember me')).toBeVisible();
    const router = getPostofficeModule(backend.server).router;
    // when: the page reloads (the old socket closes; the router keeps its startTime)
    await page.reload();
    await widget.open();
    await widget.send('and again');
    // then: the same mailbox reconnected with a larger startTime and no 409 stuck it
    await expect(widget.log.getByText('You said: and again')).toBeVisible();
    await expect(widget.message('remember me')).toHaveCount(1);
    await expect(widget.log.getByText(/Parley demo bot/)).toHaveCount(1); // greeted once
    expect(router.stats.refused[409] ?? 0).toBe(0);
  });

  test('what the visitor typed while the router was down goes out once it is back', async ({
    page,
    backend,
  }) => {
    await page.goto(`${backend.url}${DEMO}`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('before');
    await expect(widget.log.getByText('You said: before')).toBeVisible();
    // when
    await backend.stop();
    await expect(page.getByText(/Reconnecting/)).toBeVisible();
    await widget.send('typed while down');
    await backend.restart();
    // then
    await expect(widget.log.getByText('You said: typed while down')).toHaveCount(1);
    await expect(widget.message('typed while down')).toHaveCount(1);
  });

  test('a router that recorded a later startTime (409, hidden by the browser) is passed at once', async ({
    page,
    backend,
  }) => {
    // setup: the page is loaded but not connected yet (the widget connects when opened)
    await page.goto(`${backend.url}/e2e/pages/postoffice-shared-mailbox.html`);
    const widget = new Widget(page);
    await expect(widget.launcher).toBeVisible();
    // and the router holds an entry for the mailbox left by a device whose clock is 10 s ahead
    const router = getPostofficeModule(backend.server).router;
    const ahead = Date.now() + 10_000;
    const other = new WebSocket(
      `${backend.url.replace('http', 'ws')}/postoffice?clientID=user_e2e_shared&startTime=${ahead}`,
    );
    await new Promise((resolve, reject) => other.once('open', resolve).once('error', reject));
    other.close();
    await expect.poll(() => router.openConnections).toBe(0);
    // when
    await widget.open();
    await widget.send('past the conflict');
    // then
    await expect(widget.log.getByText('You said: past the conflict')).toBeVisible();
    expect(router.stats.refused[409]).toBeGreaterThanOrEqual(1);
    expect(router.recordedStartTime('user_e2e_shared')).toBeGreaterThan(ahead);
  });

  test('two devices on one mailbox: the older is told and stops, "Try again" takes it back', async ({
    browser,
    backend,
  }) => {
    test.slow(); // two browser contexts
    const url = `${backend.url}/e2e/pages/postoffice-shared-mailbox.html`;
    // setup: device A holds the mailbox
    const a = await (await browser.newContext()).newPage();
    const aLines: string[] = [];
    a.on('console', (m) => aLines.push(m.text()));
    await a.goto(url);
    const widgetA = new Widget(a);
    await widgetA.open();
    await widgetA.send('from A');
    await expect(widgetA.log.getByText('You said: from A')).toBeVisible();
    // when: device B opens the same mailbox
    const b = await (await browser.newContext()).newPage();
    await b.goto(url);
    const widgetB = new Widget(b);
    await widgetB.open();
    // then: A says so and stops; B keeps the mailbox and its replies
    await expect(a.getByText('Open in another window')).toBeVisible();
    expect(aLines.filter((l) => l.includes('[parley]') && /opened again elsewhere/.test(l))).toHaveLength(1);
    await widgetB.send('from B');
    await expect(widgetB.log.getByText('You said: from B')).toBeVisible();
    const router = getPostofficeModule(backend.server).router;
    const evictions = router.stats.evicted;
    // Each device gives up after two quick drops in a row (one could be a router restart).
    expect(evictions).toBeLessThanOrEqual(5);
    await expect(b.getByText('Online')).toBeVisible();
    // when: the visitor on A chooses to take it back
    await a.getByRole('button', { name: 'Try again' }).click();
    // then: A gets the mailbox again and B is the one told
    await expect(b.getByText('Open in another window')).toBeVisible();
    await widgetA.send('A again');
    await expect(widgetA.log.getByText('You said: A again')).toBeVisible();
    await a.context().close();
    await b.context().close();
  });
});
