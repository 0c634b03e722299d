// @vitest-environment node
/**
 * The adapter against the real reference router (server/postoffice): 409 and larger startTimes,
 * 400 and 503 reported, eviction without a fight, heartbeat round trips and a dead link, token
 * refresh with a router that checks tokens, and `inReplyTo` as the receipt.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { type ReferenceServerOptions, startServer } from '../../../server/index';
import { BOT_MAILBOX } from '../../../server/postoffice/bot';
import {
  getPostofficeModule,
  POSTOFFICE_PATH,
  POSTOFFICE_TOKEN_PATH,
} from '../../../server/postoffice/index';
import type { RunningServer } from '../../../server/types';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import type { IncomingMessage, StatusChange, TransportError } from '../../core/types';
import { startProxy } from '../socketio/test-servers';
import { PostofficeAdapter, type PostofficeOptions } from './adapter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

const until = (check: () => boolean, timeout = 15_000) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('condition not met yet');
    },
    { timeout, interval: 10 },
  );

async function server(options: ReferenceServerOptions = {}): Promise<RunningServer> {
  const s = await startServer({ replyDelayMs: 0, ...options });
  cleanups.push(() => s.close());
  return s;
}

function adapter(s: RunningServer | string, extra: Partial<PostofficeOptions> = {}) {
  const base = typeof s === 'string' ? s : s.url;
  const t = new PostofficeAdapter({
    server: `${base}${POSTOFFICE_PATH}`,
    to: BOT_MAILBOX,
    storage: memoryStore(),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
    ...extra,
  });
  const statuses: StatusChange[] = [];
  const messages: IncomingMessage[] = [];
  const errors: TransportError[] = [];
  const reads: string[] = [];
  t.on('status', (x) => statuses.push(x));
  t.on('message', (m) => messages.push(m));
  t.on('error', (e) => errors.push(e));
  t.on('read', (r) => reads.push(r.messageId));
  cleanups.push(() => t.disconnect());
  const status = () => statuses.at(-1)?.status;
  return { t, statuses, messages, errors, reads, status };
}

/** A plain `ws` mailbox on the router (another device, or a test's stand-in). */
async function rawMailbox(s: RunningServer, clientID: string, startTime: number) {
  const url = `${s.url.replace(/^http/, 'ws')}${POSTOFFICE_PATH}?clientID=${encodeURIComponent(clientID)}&startTime=${startTime}`;
  const ws = new NodeWebSocket(url);
  ws.on('error', () => {});
  await new Promise((resolve, reject) => ws.once('open', resolve).once('unexpected-response', reject));
  cleanups.push(() => ws.terminate());
  return ws;
}

/** Two tabs of one browser (the same mailbox) connect in turn; resolves once one of them gave up. */
async function twoHoldersFight() {
  const s = await server();
  const router = getPostofficeModule(s).router;
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const storage = memoryStore();
  const first = adapter(s, { storage });
  first.t.connect();
  await until(() => first.status() === 'connected');
  const second = adapter(s, { storage });
  second.t.connect();
  await until(() => first.status() === 'failed' || second.status() === 'failed');
  const [loser, winner] = first.status() === 'failed' ? [first, second] : [second, first];
  return { router, loser, winner };
}

describe('postoffice adapter against the reference router', () => {
  it('sends to the bot, resolves once the router handled it, and marks it read on the reply', async () => {
    const s = await server();
    const a = adapter(s);
    a.t.connect();
    await until(() => a.status() === 'connected');
    const receipt = await a.t.send({ clientId: 'c-1', text: 'hello' });
    expect(receipt).toMatchObject({ confirmed: false });
    await until(() => a.messages.some((m) => m.text === 'You said: hello'));
    expect(a.reads).toContain('c-1');
    const greeting = a.messages[0]!;
    expect(greeting.author).toEqual({ kind: 'bot', id: BOT_MAILBOX });
    // createTime came in seconds: read as a time near now, not 1970.
    expect(Math.abs(greeting.at - Date.now())).toBeLessThan(60_000);
  });

  it('shows JSON content richly: answer buttons', async () => {
    const s = await server();
    const a = adapter(s);
    a.t.connect();
    await until(() => a.status() === 'connected');
    await a.t.send({ clientId: 'c-2', text: 'buttons' });
    await until(() => a.messages.some((m) => m.answers?.length));
    expect(a.messages.find((m) => m.answers)?.answers?.map((x) => x.text)).toEqual([
      'burst',
      'markdown',
      'json',
    ]);
  });

  it('keeps the visitor mailbox across adapters on one storage (one per browser)', async () => {
    const s = await server();
    const storage = memoryStore();
    const first = adapter(s, { storage });
    const second = adapter(s, { storage });
    expect(first.t.clientId).toMatch(/^web_[0-9a-f-]{36}$/);
    expect(second.t.clientId).toBe(first.t.clientId);
    expect(adapter(s, { clientId: 'user_123456' }).t.clientId).toBe('user_123456');
  });

  it('logout (forget) drops a mailbox of its own making for a new one, and chats from it', async () => {
    const s = await server();
    const router = getPostofficeModule(s).router;
    const storage = memoryStore();
    const a = adapter(s, { storage });
    const old = a.t.clientId;
    a.t.connect();
    await until(() => a.status() === 'connected');
    a.t.forget();
    expect(a.status()).toBe('disconnected');
    expect(a.t.clientId).not.toBe(old);
    expect(storage.get('clientId')).toBe(a.t.clientId);
    a.t.connect();
    await until(() => a.status() === 'connected');
    await a.t.send({ clientId: 'c-after', text: 'a new visitor' });
    await until(() => a.messages.some((m) => m.text === 'You said: a new visitor'));
    expect(router.recordedStartTime(a.t.clientId)).toBeGreaterThan(0);
    // A mailbox the site named (data-client-id) is its user's: it stays.
    const named = adapter(s, { clientId: 'user_123456' });
    named.t.forget();
    expect(named.t.clientId).toBe('user_123456');
  });

  it('retries a 409 at once with a larger startTime', async () => {
    const s = await server();
    const router = getPostofficeModule(s).router;
    // An entry left behind with a startTime 5 s ahead of our clock (another device, or a dead entry).
    const ahead = Date.now() + 5000;
    const other = await rawMailbox(s, 'user_409', ahead);
    other.close();
    await until(() => router.openConnections === 0);
    const a = adapter(s, { clientId: 'user_409' });
    a.t.connect();
    await until(() => a.status() === 'connected');
    expect(router.stats.refused[409]).toBeGreaterThanOrEqual(1);
    expect(router.recordedStartTime('user_409')).toBeGreaterThan(ahead);
    // No backoff wait was reported for it: every retry went at once.
    expect(a.statuses.filter((x) => x.retryInMs !== undefined)).toEqual([]);
  });

  it('reports a 400 clearly and stops', async () => {
    const s = await server();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const a = adapter(s, { clientId: '' });
    a.t.connect();
    await until(() => a.status() === 'failed');
    expect(a.errors.at(-1)).toMatchObject({ code: 'refused', status: 400, retryable: false });
    expect(error.mock.calls.flat().join(' ')).toMatch(/\[parley\].*HTTP 400.*data-client-id/);
    expect(getPostofficeModule(s).router.stats.refused[400]).toBe(1);
  });

  it('reports a 503 (connection limit) and connects once a place is free', async () => {
    const s = await server({ postofficeMaxConnections: 1 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const holder = await rawMailbox(s, 'someone', Date.now());
    const a = adapter(s);
    a.t.connect();
    await until(() => a.statuses.some((x) => x.reason === 'server-full'));
    expect(a.errors[0]).toMatchObject({ code: 'network', status: 503, retryable: true });
    expect(warn.mock.calls.flat().join(' ')).toMatch(/HTTP 503/);
    holder.close();
    await until(() => a.status() === 'connected');
  });

  it('when two holders of one mailbox evict each other, one reports `evicted` and the fight stops', async () => {
    const { router, loser, winner } = await twoHoldersFight();
    expect(loser.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'evicted' });
    expect(loser.errors.at(-1)).toMatchObject({ code: 'evicted', retryable: false });
    await until(() => winner.status() === 'connected');
    const evictions = router.stats.evicted;
    // Each side needs two quick drops in a row to give up (a restart must not look like a takeover).
    expect(evictions).toBeLessThanOrEqual(5);
    // The winner keeps the mailbox: it still gets the bot's replies, and nobody connects again.
    await winner.t.send({ clientId: 'after', text: 'still here' });
    await until(() => winner.messages.some((m) => m.text === 'You said: still here'));
    expect(router.stats.evicted).toBe(evictions);
    expect(loser.status()).toBe('failed');
  });

  it('a fight where every takeover is answered by a 409 ends as well (two tabs on the same millisecond)', async () => {
    // Found by CI: a 409 retried at once used to end the run of quick drops, so a fight of
    // evictions and 409s in turn never ended (6,937 evictions in 20 s, 1 run in 5 under load).
    // A frozen clock makes both tabs pick the same startTimes, so every takeover meets a 409.
    vi.useFakeTimers({ toFake: ['Date'] });
    cleanups.push(() => vi.useRealTimers());
    const { router, loser, winner } = await twoHoldersFight();
    expect(router.stats.refused[409]).toBeGreaterThan(0);
    expect(loser.errors.at(-1)).toMatchObject({ code: 'evicted' });
    await until(() => winner.status() === 'connected');
    expect(router.stats.evicted).toBeLessThanOrEqual(5);
  });

  it('reconnects at once after one abrupt drop (a router restart or a lost network is no eviction)', async () => {
    const s = await server();
    const a = adapter(s, { evictionWindowMs: 60_000 });
    a.t.connect();
    await until(() => a.status() === 'connected');
    s.dropConnections();
    await until(() => a.statuses.filter((x) => x.status === 'connected').length === 2);
    expect(a.statuses.some((x) => x.status === 'failed')).toBe(false);
  });

  it('a lost network and then a router restart are no eviction: it connects again once the router is back', async () => {
    // Found by the soak: the reconnect after a drop, cut by a restart, used to end in `evicted`.
    const first = await startServer({ replyDelayMs: 0 });
    const a = adapter(first, { evictionWindowMs: 60_000 });
    a.t.connect();
    await until(() => a.status() === 'connected');
    const connects = () => a.statuses.filter((x) => x.status === 'connected').length;
    first.dropConnections();
    await until(() => connects() === 2);
    await first.close({ graceful: true }); // the reconnect just made is cut: a second quick drop
    const second = await server({ port: first.port });
    cleanups.push(() => a.t.disconnect()); // before the server stops, or it reconnects while we clean up
    await until(() => connects() === 3);
    expect(a.statuses.some((x) => x.status === 'failed')).toBe(false);
    await a.t.send({ clientId: 'back', text: 'after the restart' });
    await until(() => a.messages.some((m) => m.text === 'You said: after the restart'));
    expect(getPostofficeModule(second).visitorTexts()).toContain('after the restart');
  });

  it('drops seconds apart while the visitor chats are no eviction: it reconnects every time', async () => {
    // Found by the full soak: 25 messages between drops took 3-4 s, two drops in a row fell within
    // the eviction window and the widget reported `evicted` until a reload.
    const s = await server();
    const a = adapter(s, { evictionWindowMs: 60_000 });
    a.t.connect();
    const connects = () => a.statuses.filter((x) => x.status === 'connected').length;
    for (let round = 1; round <= 4; round++) {
      await until(() => connects() === round);
      await a.t.send({ clientId: `m${round}`, text: `round ${round}` });
      await until(() => a.messages.some((m) => m.text === `You said: round ${round}`));
      s.dropConnections();
    }
    await until(() => connects() === 5);
    expect(a.statuses.some((x) => x.status === 'failed')).toBe(false);
  });

  it('sends heartbeats to its own mailbox and gets them back', async () => {
    const s = await server();
    const router = getPostofficeModule(s).router;
    const a = adapter(s, { heartbeatMs: 100 });
    a.t.connect();
    await until(() => a.status() === 'connected');
    const before = router.stats.delivered;
    await until(() => router.stats.delivered >= before + 3);
    expect(a.status()).toBe('connected');
  });

  it('treats a link that stops carrying frames as dead: no echo in time, reconnect', async () => {
    const s = await server();
    const proxy = await startProxy(s.port);
    cleanups.push(() => proxy.close());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = adapter(`http://127.0.0.1:${proxy.port}`, { heartbeatMs: 100, echoTimeoutMs: 300 });
    a.t.connect();
    await until(() => a.status() === 'connected');
    await a.t.send({ clientId: 'ok', text: 'before' });
    proxy.blackhole();
    const lost = a.t.send({ clientId: 'lost', text: 'into the dead link' });
    await expect(lost).rejects.toMatchObject({ code: 'disconnected' });
    await until(() => a.statuses.some((x) => x.status === 'reconnecting' && x.reason === 'silent'));
    expect(warn.mock.calls.flat().join(' ')).toMatch(/no heartbeat echo/);
  });

  it('fetches the token from data-token-url, refreshes it before it expires, reconnects with a fresh one', async () => {
    const s = await server({ postofficeCheckToken: true, postofficeTokenTtlS: 2 });
    const po = getPostofficeModule(s);
    const a = adapter(s, { tokenUrl: `${s.url}${POSTOFFICE_TOKEN_PATH}`, fetch });
    a.t.connect();
    await until(() => a.status() === 'connected');
    expect(po.tokenRequests).toBe(1);
    // Refreshed in the background halfway through its 2 s life, while connected.
    await until(() => po.tokenRequests >= 3);
    // The first token has expired by now: a reconnect must use a fresh one (the router checks).
    s.dropConnections();
    await until(() => a.statuses.filter((x) => x.status === 'connected').length === 2);
    expect(po.router.stats.refused[401] ?? 0).toBe(0);
  });

  it('gets a new token when the router refuses the one it has', async () => {
    const s = await server({ postofficeCheckToken: true });
    const po = getPostofficeModule(s);
    const a = adapter(s, { tokenUrl: `${s.url}${POSTOFFICE_TOKEN_PATH}`, fetch });
    a.t.connect();
    await until(() => a.status() === 'connected');
    po.revokeTokens();
    s.dropConnections();
    await until(() => a.statuses.filter((x) => x.status === 'connected').length === 2);
    expect(po.router.stats.refused[401]).toBe(1);
    expect(po.tokenRequests).toBe(2);
  });

  it('fails with `auth` when data-token-url refuses the visitor', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const s = await server();
    const a = adapter(s, { tokenUrl: `${s.url}/no-such-token-endpoint`, fetch });
    a.t.connect();
    await until(() => a.status() === 'failed');
    expect(a.errors.at(-1)).toMatchObject({ code: 'auth', status: 404 });
    expect(warn.mock.calls.flat().join(' ')).toMatch(/data-token-url answered HTTP 404/);
    expect(getPostofficeModule(s).router.openConnections).toBe(0);
  });

  it('shows frames naming the visitor among several recipients, and ignores log frames', async () => {
    const s = await server();
    const a = adapter(s, { clientId: 'web_me' });
    a.t.connect();
    await until(() => a.status() === 'connected');
    const other = await rawMailbox(s, 'service_x', Date.now());
    other.send(
      JSON.stringify({
        from: 'service_x',
        to: ['web_me', 'web_you'],
        subject: 's',
        content: 'to both',
        type: 'msg',
      }),
    );
    other.send(
      JSON.stringify({ from: 'service_x', to: 'web_me', subject: 's', content: 'a log', type: 'log' }),
    );
    other.send(
      JSON.stringify({ from: 'service_x', to: 'web_me', subject: 's', content: 'last', type: 'msg' }),
    );
    await until(() => a.messages.some((m) => m.text === 'last'));
    expect(a.messages.map((m) => m.text)).toEqual(['to both', 'last']);
  });
});
