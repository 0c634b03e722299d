/**
 * The twin transport against a Socket.IO 4 server in a real browser: `data-eio="4"` speaks Engine.IO 4
 * (the client sends CONNECT, the server pings), and `data-eio="3"` reaches the same server only when
 * it allows EIO 3. Also: data-client-id, data-metadata and Parley.setMetadata reach the session start.
 */
import { expect, test, twinOf, Widget } from './fixtures';

test.describe('socket.io 4 server', () => {
  test.use({ serverOptions: { replyDelayMs: 50, twinSocketIo: 4 } });

  test('data-eio="4" converses, and the session start carries data-metadata plus Parley.setMetadata', async ({
    page,
    backend,
  }) => {
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    await page.goto(`${backend.url}/e2e/pages/twin-eio4.html`);
    const widget = new Widget(page);
    await widget.open();
    await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
    await widget.send('hello four');
    await expect(widget.log.getByText('You said: hello four')).toBeVisible();
    // EIO 4: the client opens the namespace itself.
    expect(frames[0]).toBe('40');
    const [id] = twinOf(backend).sessionIds();
    expect(twinOf(backend).sessionStart(id!)).toMatchObject({
      metadata: { plan: 'pro', seats: '3', page: 'pricing' },
    });
  });
});

test.describe('socket.io 4 server with allowEIO3', () => {
  test.use({ serverOptions: { replyDelayMs: 50, twinSocketIo: 4, twinAllowEio3: true } });

  test('the default data-eio="3" converses too', async ({ page, backend }) => {
    await page.goto(`${backend.url}/demo-twin.html`);
    const widget = new Widget(page);
    await widget.open();
    await widget.send('hello three');
    await expect(widget.log.getByText('You said: hello three')).toBeVisible();
  });
});
