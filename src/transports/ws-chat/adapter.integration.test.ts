// @vitest-environment node
/**
 * The ws-chat adapter against the real reference server on 127.0.0.1 (and, for the failure modes
 * the reference server does not produce, a real hand-rolled server in the test).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { startServer } from '../../../server/index';
import type { RunningServer } from '../../../server/types';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { Backoff } from '../../core/backoff';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import type { IncomingMessage, StatusChange } from '../../core/types';
import { createChatStore } from '../../store/chat-store';
import { WsChatAdapter, type WsChatOptions } from './adapter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const s = await startServer({ replyDelayMs: 0, ...options });
  cleanups.push(() => s.close());
  return s;
}

function adapter(url: string, storage: KeyValueStore = memoryStore(), extra: Partial<WsChatOptions> = {}) {
  const a = new WsChatAdapter({
    server: url,
    name: 'Test visitor',
    channel: 'WEB',
    storage,
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
    ...extra,
  });
  cleanups.push(() => a.disconnect());
  const messages: IncomingMessage[] = [];
  const statuses: StatusChange[] = [];
  a.on('message', (m) => messages.push(m));
  a.on('status', (s) => statuses.push(s));
  return { a, messages, statuses, storage };
}

const until = (check: () => boolean, timeout = 10_000) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout, interval: 10 },
  );

describe('ws-chat adapter against the reference server', () => {
  it('gets a token, connects, and a message is confirmed by its echo and answered by the bot', async () => {
    const s = await server();
    const { a, messages } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    const receipt = await a.send({ clientId: 'c-1', text: 'hello' });
    expect(receipt.confirmed).toBe(true);
    expect(receipt.id).toBeTruthy();
    await until(() => messages.some((m) => m.author.kind === 'bot'));
    const echo = messages.find((m) => m.clientId === 'c-1');
    expect(echo?.author.kind).toBe('visitor');
    expect(messages.find((m) => m.author.kind === 'bot')?.text).toMatch(/Parley demo bot/);
  });

  it('reuses the stored customer and conversation on a new adapter (a reload)', async () => {
    const s = await server();
    const first = adapter(s.url);
    first.a.connect();
    await until(() => first.a.status === 'connected');
    await first.a.send({ clientId: 'c-1', text: 'first visit' });
    const session = JSON.parse(first.storage.get('session')!);
    first.a.disconnect();

    const second = adapter(s.url, first.storage);
    second.a.connect();
    await until(() => second.a.status === 'connected');
    await second.a.send({ clientId: 'c-2', text: 'after reload' });
    const after = JSON.parse(second.storage.get('session')!);
    expect(after.customerId).toBe(session.customerId);
    expect(after.conversationId).toBe(session.conversationId);
    expect(after.token).toBe(session.token); // no new token needed
  });

  it('delivers messages queued during a server restart exactly once', async () => {
    const s = await server();
    const storage = memoryStore();
    const { a } = adapter(s.url, storage);
    const store = createChatStore({ transport: a, storage });
    cleanups.push(() => store.dispose());
    a.connect();
    await until(() => a.status === 'connected');
    store.send('before restart');
    await until(() => store.messages.value[0]?.state === 'sent');

    const port = s.port;
    await s.close();
    await until(() => a.status === 'reconnecting');
    store.send('queued one');
    store.send('queued two');
    expect(store.messages.value.filter((m) => m.state === 'sending')).toHaveLength(2);

    const again = await server({ port });
    await until(() =>
      store.messages.value.filter((m) => m.direction === 'out').every((m) => m.state === 'sent'),
    );
    // The restarted server lost its memory: the widget got a new token and a new conversation.
    const session = JSON.parse(storage.get('session')!);
    const res = await fetch(
      `${again.url}/api/v1/public/conversations/${session.conversationId}/messages?token=${session.token}`,
    );
    const history = (await res.json()) as { data: Array<{ content: string; senderId: string }> };
    const visitorTexts = history.data.filter((f) => f.senderId === session.customerId).map((f) => f.content);
    expect(visitorTexts).toEqual(['queued one', 'queued two']);
    const shown = store.messages.value.filter((m) => m.direction === 'out').map((m) => m.text);
    expect(shown).toEqual(['before restart', 'queued one', 'queued two']);
  });

  it('reconnects after the server drops the connection', async () => {
    const s = await server();
    const { a, statuses } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    s.dropConnections();
    await until(() => statuses.some((x) => x.status === 'reconnecting' && typeof x.retryInMs === 'number'));
    await until(() => a.status === 'connected');
    const receipt = await a.send({ clientId: 'after-drop', text: 'still here' });
    expect(receipt.confirmed).toBe(true);
  });

  it('fills the gap after a reconnect: a reply sent while the socket was down still arrives', async () => {
    const s = await server({ replyDelayMs: 100 });
    const { a, messages } = adapter(s.url, memoryStore(), {
      // Slower than the bot, so its reply is sent while no socket is open.
      backoff: new Backoff({ baseMs: 800, capMs: 800, random: () => 1 }),
    });
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'first', text: 'hello' }); // the greeting and echo: conversation known
    await until(() => messages.some((m) => m.text.startsWith('You said: hello')));
    await a.send({ clientId: 'second', text: 'are you there?' });
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    await until(() => messages.some((m) => m.text === 'You said: are you there?'));
    expect(messages.filter((m) => m.text === 'You said: are you there?')).toHaveLength(1);
  });

  it('stops asking for history when the server has no such call', async () => {
    const s = await server();
    const storage = memoryStore();
    const fetches: string[] = [];
    const { a } = adapter(s.url, storage, {
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        fetches.push(new URL(url).pathname);
        if (url.includes('/conversations/')) return Promise.resolve(new Response('no', { status: 404 }));
        return fetch(input, init);
      }) as typeof fetch,
    });
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'k', text: 'hi' });
    s.dropConnections();
    await until(() => storage.get('history') === 'no');
    const asked = fetches.filter((p) => p.includes('/conversations/')).length;
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    await until(() => a.status === 'connected');
    expect(fetches.filter((p) => p.includes('/conversations/')).length).toBe(asked);
  });

  it('fetches a new token once when the server revokes the old one', async () => {
    const s = await server();
    const { a, storage } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    const oldToken = JSON.parse(storage.get('session')!).token;
    getWsChatModule(s).revokeTokens();
    await until(() => a.status === 'connected' && JSON.parse(storage.get('session')!).token !== oldToken);
    expect((await a.send({ clientId: 'k', text: 'with a new token' })).confirmed).toBe(true);
  });
});

describe('ws-chat adapter against misbehaving servers', () => {
  async function rawServer(onSocket: (ws: import('ws').WebSocket) => void, refuse = false) {
    const http: Server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/public/customer-token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true, data: { customerId: 'c', token: `cust_${Math.random()}` } }));
      } else res.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    let handshakes = 0;
    http.on('upgrade', (req, socket, head) => {
      handshakes++;
      if (refuse) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, onSocket);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          http.closeAllConnections();
          http.close(() => r());
        }),
    );
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, handshakes: () => handshakes };
  }

  it('drops malformed frames with a warning and keeps working', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    cleanups.push(() => warn.mockRestore());
    const srv = await rawServer((ws) => {
      ws.send('not json');
      ws.send(JSON.stringify({ content: 42 }));
      ws.send(JSON.stringify({ senderId: 'agent', content: 'x'.repeat(100_000) }));
      ws.send(JSON.stringify({ senderId: 'agent', content: 'valid', conversationId: 'conv' }));
    });
    const { a, messages } = adapter(srv.url);
    a.connect();
    await until(() => messages.length === 1);
    expect(messages[0]?.text).toBe('valid');
    expect(a.status).toBe('connected');
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('asks for a new token once after a refused handshake, then fails with a clear error', async () => {
    const srv = await rawServer(() => {}, true);
    const { a } = adapter(srv.url);
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.code));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    cleanups.push(() => warn.mockRestore());
    a.connect();
    await until(() => a.status === 'failed');
    expect(errors).toEqual(['auth']);
    expect(srv.handshakes()).toBe(2);
  });

  it('resolves unconfirmed when a server never echoes, and learns not to wait', async () => {
    const srv = await rawServer(() => {});
    const { a, storage } = adapter(srv.url, memoryStore(), { watchdogMs: 100 });
    a.connect();
    await until(() => a.status === 'connected');
    expect(await a.send({ clientId: 'k', text: 'hi' })).toEqual({ confirmed: false });
    expect(storage.get('echoes')).toBe('no');
    expect(a.status).toBe('connected');
  });

  it('once a server is known not to echo, three quick sends resolve as soon as they are written', async () => {
    const frames: string[] = [];
    const srv = await rawServer((ws) => ws.on('message', (data) => frames.push(String(data))));
    const storage = memoryStore();
    storage.set('echoes', 'no');
    // A watchdog far longer than any test: a send that waited on it would time the test out.
    const { a } = adapter(srv.url, storage, { watchdogMs: 600_000 });
    a.connect();
    await until(() => a.status === 'connected');
    const receipts = [];
    for (const n of [1, 2, 3]) receipts.push(await a.send({ clientId: `q${n}`, text: `quick ${n}` }));
    expect(receipts).toEqual([{ confirmed: false }, { confirmed: false }, { confirmed: false }]);
    await until(() => frames.length === 3);
  });

  it('treats a silent link as dead once the server is known to echo', async () => {
    const srv = await rawServer(() => {});
    const storage = memoryStore();
    storage.set('echoes', 'yes');
    const { a, statuses } = adapter(srv.url, storage, { watchdogMs: 100 });
    a.connect();
    await until(() => a.status === 'connected');
    await expect(a.send({ clientId: 'k', text: 'hi' })).rejects.toMatchObject({ code: 'disconnected' });
    await until(() => statuses.some((s) => s.reason === 'silent'));
    await until(() => a.status === 'connected');
    expect(srv.handshakes()).toBeGreaterThanOrEqual(2);
  });
});
