// @vitest-environment node
/**
 * The TWIN module's Socket.IO side, spoken to with raw Engine.IO frames over `ws` (no client
 * library between the test and the wire), and its coexistence with other upgrade paths.
 */
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startServer } from '../index';
import { waitFor } from '../test-helpers';
import type { RunningServer } from '../types';
import { createTwinModule } from './index';
import { startTwinTestServer, type TwinTestServer } from './testing';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A raw Engine.IO websocket; every text frame is kept. */
async function raw(base: string, query: string) {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/operator/socket.io/?${query}&transport=websocket`);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, frames };
}

async function sessionOn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/chats/v1/chats/demo/sessions`, {
    method: 'POST',
    body: '{"name":"t"}',
  });
  return ((await res.json()) as { id: string }).id;
}

describe.each([
  ['socket.io 2.5.1', {}],
  ['socket.io 4.8.4 with allowEIO3', { twinSocketIo: 4 as const, twinAllowEio3: true }],
])('%s, EIO 3', (_name, options) => {
  let s: TwinTestServer;
  const start = async () => {
    s = await startTwinTestServer(options);
    cleanups.push(() => s.close());
  };

  it('refuses an unknown key with CONNECT_ERROR', async () => {
    await start();
    const { frames } = await raw(s.url, 'EIO=3&key=nope');
    await waitFor(() => frames.some((f) => f.startsWith('44')), 'CONNECT_ERROR');
    expect(frames[0]).toMatch(/^0\{"sid"/);
    expect(frames.find((f) => f.startsWith('44'))).toBe('44"unknown session"');
  });

  it('connects a known key, delivers the bot reply and counts each messageReceived', async () => {
    await start();
    const id = await sessionOn(s.url);
    const { ws, frames } = await raw(s.url, `EIO=3&key=${id}`);
    await waitFor(() => frames.includes('40'), 'CONNECT');
    await fetch(`${s.url}/api/v1/sessions/${id}/messages`, { method: 'POST', body: '{"body":"echo ping"}' });
    await waitFor(() => frames.some((f) => f.startsWith('42["chatMessageCreatedEmit"')), 'the reply');
    const [, payload] = JSON.parse(
      frames.find((f) => f.startsWith('42["chatMessageCreatedEmit"'))!.slice(2),
    ) as [string, { id: string; body: string; type: string; authorType: string }];
    expect(payload).toMatchObject({ body: 'ping', type: 'REGULAR', authorType: 'bot' });
    const ack = `42${JSON.stringify(['messageReceived', { action: 'chatMessageCreated', data: { id: payload.id } }])}`;
    ws.send(ack);
    ws.send(ack);
    await waitFor(() => s.module.acks(id).get(payload.id) === 2, 'two acknowledgements counted');
    expect(s.module.sentIds(id)).toEqual([payload.id]);
  });

  it('holdAtTyping keeps sending the typing event and holds the reply until release()', async () => {
    await start();
    const id = await sessionOn(s.url);
    const { frames } = await raw(s.url, `EIO=3&key=${id}`);
    await waitFor(() => frames.includes('40'), 'CONNECT');
    const hold = s.module.holdAtTyping(20);
    await fetch(`${s.url}/api/v1/sessions/${id}/messages`, { method: 'POST', body: '{"body":"echo ping"}' });
    const typing = () => frames.filter((f) => f.startsWith('42["showTypingIndicatorEmit"')).length;
    const replies = () => frames.filter((f) => f.startsWith('42["chatMessageCreatedEmit"')).length;
    // The bot's step right behind the typing (no reply delay here) would have arrived long ago.
    await waitFor(() => typing() >= 3, 'the typing event, repeated');
    expect(replies()).toBe(0);
    hold.release();
    await waitFor(() => replies() === 1, 'the reply after release');
  });
});

describe('sharing the http server', () => {
  it.each([2, 4] as const)(
    'socket.io %s leaves upgrades on other paths alone (destroyUpgrade: false)',
    async (generation) => {
      const http = createServer();
      const module = createTwinModule({ twinSocketIo: generation });
      await module.attach(http);
      // Another module's upgrade that takes its time (an async token check, say) and writes nothing yet.
      let held: Socket | undefined;
      const upgraded = new Promise<void>((resolve) => {
        http.on('upgrade', (req, socket: Socket) => {
          if (!req.url?.startsWith('/ws/other')) return;
          held = socket;
          resolve();
        });
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        await module.close();
        held?.destroy();
        await new Promise((resolve) => http.close(resolve));
      });
      // Engine.IO's default ends such a socket 1000 ms after the upgrade (a timer set when the
      // upgrade arrives): fake that clock from here on, then jump past it.
      vi.useFakeTimers({ toFake: ['setTimeout'] });
      const client = connect((http.address() as { port: number }).port, '127.0.0.1');
      client.on('error', () => {});
      cleanups.push(() => client.destroy());
      client.write(
        'GET /ws/other HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      await upgraded;
      vi.advanceTimersByTime(5000);
      expect(held?.writableEnded).toBe(false);
    },
  );

  it('is registered in the reference server next to ws-chat', async () => {
    const server: RunningServer = await startServer({ replyDelayMs: 0 });
    cleanups.push(() => server.close());
    expect(server.modules.has('twin')).toBe(true);
    const id = await sessionOn(server.url);
    const { frames } = await raw(server.url, `EIO=3&key=${id}`);
    await waitFor(() => frames.includes('40'), 'CONNECT');
    const page = await fetch(`${server.url}/demo-twin.html`);
    expect(await page.text()).toContain(`data-server="${server.url}"`);
  });
});
