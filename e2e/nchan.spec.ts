/**
 * The nchan journey in Chromium against real nginx + nchan: the built script, a conversation over
 * `ws+meta.nchan`, resume after nginx restarts and a reload, seed 004's single echoing channel, the
 * EventSource + POST fallback behind a proxy that blocks WebSockets, and a refusal that is final.
 */
import { conversationIdOf, expect, test, Widget } from './nchan-fixtures';

test.describe('nchan', () => {
  // nginx restarts and backoff waits add up on a busy two-core machine.
  test.describe.configure({ timeout: 90_000 });

  test('a conversation over one WebSocket, under the strict CSP, with no token in the console', async ({
    page,
    nchan,
    consoleLines,
  }) => {
    // setup
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    await page.goto(`${nchan.url}/demo-nchan.html`);
    const widget = new Widget(page);
    // when
    await widget.open();
    await widget.send('hello nchan');
    // then
    await expect(widget.log.getByText(/Parley demo bot/)).toBeVisible();
    await expect(widget.log.getByText('You said: hello nchan')).toBeVisible();
    await expect(widget.message('hello nchan')).toHaveCount(1);
    await expect(widget.log.getByText('Sent')).toHaveCount(1);
    const cid = await conversationIdOf(page);
    expect(sockets).toEqual([`/chat/${cid}`]);
    expect(nchan.module.bot.seen(cid!)).toEqual([expect.any(String)]);
    expect(consoleLines.filter((l) => /Refused to|Content Security Policy/i.test(l))).toEqual([]);
    expect(consoleLines.filter((l) => /token=/.test(l))).toEqual([]);
  });

  test('resumes after nginx restarts and after a reload: nothing missed, nothing twice', async ({
    page,
    nchan,
  }) => {
    await page.goto(`${nchan.url}/demo-nchan.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('before');
    await expect(widget.log.getByText('You said: before')).toBeVisible();
    const cid = (await conversationIdOf(page))!;

    for (let round = 1; round <= 2; round++) {
      // when: nginx restarts (its buffers and message ids start over) and the bot speaks right after
      await nchan.nginx.stop();
      await expect(page.getByText(/Reconnecting/)).toBeVisible();
      await nchan.nginx.start();
      await nchan.module.bot.say('split', cid, `after restart ${round}`);
      // then
      await expect(widget.log.getByText(`after restart ${round}`)).toHaveCount(1);
      await expect(page.getByText(/Reconnecting/)).toHaveCount(0);
    }
    await widget.send('still there?');
    await expect(widget.log.getByText('You said: still there?')).toHaveCount(1);

    // when: the page reloads while a message is waiting
    await nchan.module.bot.say('split', cid, 'while reloading');
    await page.reload();
    await widget.open();
    // then: the same conversation, each message once
    await expect(widget.log.getByText('while reloading')).toHaveCount(1);
    for (const text of [
      'before',
      'You said: before',
      'after restart 1',
      'after restart 2',
      'You said: still there?',
    ])
      await expect(widget.log.getByText(text, { exact: true })).toHaveCount(1);
    expect(await conversationIdOf(page)).toBe(cid);
  });

  test("seed 004's single channel: the visitor's own echo is skipped, the reply shown once", async ({
    page,
    nchan,
  }) => {
    await page.goto(`${nchan.url}/e2e/pages/nchan-single.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('echo one channel');
    await expect(widget.log.getByText('one channel', { exact: true })).toHaveCount(1);
    await expect(widget.message('echo one channel')).toHaveCount(1);
    await expect(widget.log.getByText('Sent')).toHaveCount(1);
    expect(nchan.module.bot.seen((await conversationIdOf(page))!)).toHaveLength(1);
  });

  test('behind a proxy that blocks WebSockets it falls back to EventSource and POST', async ({
    page,
    nchan,
    consoleLines,
  }) => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(`${nchan.url}/e2e/pages/nchan-blocked.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('over plain http');
    await expect(widget.log.getByText('You said: over plain http')).toBeVisible();
    await expect(widget.log.getByText('Sent')).toHaveCount(1);
    const cid = await conversationIdOf(page);
    expect(requests).toContain(`POST /blocked/chat/${cid}`);
    expect(consoleLines.some((l) => /using EventSource and POST instead/.test(l))).toBe(true);
    // The stream resumes after nginx restarts, still without a WebSocket.
    await nchan.nginx.stop();
    await nchan.nginx.start();
    await nchan.module.bot.say('split', cid!, 'pushed over EventSource');
    await expect(widget.log.getByText('pushed over EventSource')).toHaveCount(1);
  });

  test('a 403 from the authorize hook is final: a clear status and one [parley] error', async ({
    page,
    nchan,
    consoleLines,
  }) => {
    await page.goto(`${nchan.url}/demo-nchan.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('hi');
    await expect(widget.log.getByText('You said: hi')).toBeVisible();
    // when: the backend stops authorizing this conversation and the link drops
    const cid = (await conversationIdOf(page))!;
    nchan.module.refuse(cid);
    const refusedBefore = nchan.module.hookCalls.filter((c) => !c.allowed).length;
    await nchan.nginx.stop();
    await nchan.nginx.start();
    // then
    await expect(page.getByText('Connection failed')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    const errors = consoleLines.filter((l) => l.startsWith('error: [parley]'));
    expect(errors).toEqual([expect.stringMatching(/authorize hook refused.*403/)]);
    // The WebSocket handshake and the probe asked the hook; nothing retried after that.
    expect(nchan.module.hookCalls.filter((c) => !c.allowed).length - refusedBefore).toBe(2);
  });
});
