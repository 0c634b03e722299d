// @vitest-environment node
/**
 * The nchan bot keeps nothing without bound (issue 8, finding 8): anyone can get a token for any
 * conversation id, and each conversation the bot follows is a socket to nginx. nginx is played
 * here by a plain HTTP + WebSocket server on 127.0.0.1 (the bot's side is what is under test; the
 * module tests run the real nginx).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../test-helpers';
import { NchanBot } from './bot';

interface FakeNginx {
  url: string;
  /** Open subscriptions by path (`/bot/sub/{channel}`). */
  subscribers: Map<string, WebSocket>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeNginx(): Promise<FakeNginx> {
  const http: Server = createServer((req, res) => {
    req.resume(); // the bot's replies (POST /bot/pub/…) are taken and dropped
    req.on('end', () => res.writeHead(201).end());
  });
  const wss = new WebSocketServer({ server: http });
  const subscribers = new Map<string, WebSocket>();
  wss.on('connection', (ws, req) => {
    const path = new URL(req.url ?? '/', 'http://nginx').pathname;
    subscribers.set(path, ws);
    ws.on('close', () => {
      if (subscribers.get(path) === ws) subscribers.delete(path);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const nginx: FakeNginx = {
    url: `http://127.0.0.1:${port}`,
    subscribers,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  cleanups.push(() => nginx.close());
  return nginx;
}

function startBot(
  nginx: FakeNginx,
  limits: { maxConversations?: number; maxFramesPerConversation?: number },
) {
  const bot = new NchanBot({ secret: 's', replyDelayMs: 0, ...limits });
  bot.useNginx(nginx.url);
  cleanups.push(() => bot.close());
  return bot;
}

const visitorFrame = (requestId: string, text: string) =>
  JSON.stringify({ headers: { 'x-request-id': requestId, 'x-sender': 'visitor' }, body: { text } });

describe('the nchan bot under made-up conversations', () => {
  it('follows a bounded number of conversations, dropping the least recently joined', async () => {
    const nginx = await fakeNginx();
    const bot = startBot(nginx, { maxConversations: 2 });
    await bot.watch('split', 'c1');
    await bot.watch('split', 'c2');
    await bot.watch('split', 'c3');
    await waitFor(() => !nginx.subscribers.has('/bot/sub/c1_up'), 'the oldest subscription closed');
    await bot.watch('split', 'c2'); // joined again: now c3 is the oldest
    await bot.watch('split', 'c4');
    await waitFor(() => !nginx.subscribers.has('/bot/sub/c3_up'), 'the next oldest closed');
    expect([...nginx.subscribers.keys()].sort()).toEqual(['/bot/sub/c2_up', '/bot/sub/c4_up']);
  });

  it('keeps a bounded number of frames of a conversation', async () => {
    const nginx = await fakeNginx();
    const bot = startBot(nginx, { maxFramesPerConversation: 3 });
    await bot.watch('split', 'long');
    const upstream = nginx.subscribers.get('/bot/sub/long_up');
    for (let i = 1; i <= 8; i++) upstream?.send(visitorFrame(`r${i}`, `message ${i}`));
    await waitFor(() => bot.seen('long').includes('r8'), 'the last frame seen');
    expect(bot.seen('long')).toEqual(['r6', 'r7', 'r8']);
  });
});
