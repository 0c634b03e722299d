// @vitest-environment node
/**
 * The TWIN adapter against the TWIN reference module (real socket.io 2.5.1 by default) on
 * 127.0.0.1: sessions, resume, TERMINAL, uploads, operators, and "acknowledged exactly once".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startTwinTestServer, type TwinTestServer } from '../../../server/twin/testing';
import { TransportError } from '../../core/errors';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import { until } from '../socketio/test-servers';
import type { TransportEvents } from '../types';
import { createTwinAdapter, type TwinOptions } from './adapter';

const CHAT = '3eb5cf6d-4d20-41c2-b886-f60374d11d19';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  vi.restoreAllMocks();
});

async function twinServer(options: Parameters<typeof startTwinTestServer>[0] = {}): Promise<TwinTestServer> {
  const s = await startTwinTestServer(options);
  cleanups.push(() => s.close());
  return s;
}

type Log = { [K in keyof TransportEvents]: TransportEvents[K][] } & { order: string[] };

function adapter(server: TwinTestServer, storage: KeyValueStore, over: Partial<TwinOptions> = {}) {
  const a = createTwinAdapter({
    server: server.url,
    chatId: CHAT,
    storage,
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
    ...over,
  });
  const log = { order: [] } as unknown as Log;
  const names = [
    'status',
    'message',
    'messageUpdated',
    'typing',
    'read',
    'operator',
    'sessionEnded',
    'error',
  ] as const;
  for (const name of names) {
    const list: unknown[] = [];
    (log as unknown as Record<string, unknown[]>)[name] = list;
    a.on(name, (v: unknown) => {
      list.push(v);
      log.order.push(name === 'status' ? `status:${(v as { status: string }).status}` : name);
    });
  }
  cleanups.push(() => a.disconnect());
  return { a, log };
}

const texts = (log: Log) => log.message.map((m) => m.text);
const statusOf = (log: Log) => log.status.at(-1)?.status;
const connected = (log: Log) => until(() => statusOf(log) === 'connected', 'connected');
const sessionId = (storage: KeyValueStore) =>
  (JSON.parse(storage.get('twin.session') ?? '{}') as { id?: string }).id;

describe('sessions', () => {
  it('starts a session: the greeting (with its picture) comes before any socket event', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const { a, log } = adapter(server, storage);
    a.connect();
    await connected(log);
    const id = sessionId(storage)!;
    expect(server.module.sessionIds()).toEqual([id]);
    expect(log.order).toEqual(['status:connecting', 'message', 'status:connected']);
    const greeting = log.message[0]!;
    expect(greeting.id).toBe(`${id}:init:0`);
    expect(greeting.author.kind).toBe('bot');
    expect(greeting.answers).toEqual([{ text: 'help' }]);
    expect(greeting.attachments?.[0]).toMatchObject({ name: 'twin-demo.png', contentType: 'image/png' });
    const picture = await fetch(greeting.attachments![0]!.url);
    expect(picture.headers.get('content-type')).toBe('image/png');
  });

  it('resumes within the ttl: a new adapter on the same storage reuses the session, greets no more', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const first = adapter(server, storage);
    first.a.connect();
    await connected(first.log);
    first.a.disconnect();
    const second = adapter(server, storage);
    second.a.connect();
    await connected(second.log);
    expect(server.module.sessionIds()).toHaveLength(1);
    await second.a.send({ clientId: 'c1', text: 'still me' });
    await until(() => texts(second.log).includes('You said: still me'), 'the reply');
    expect(texts(second.log)).toEqual(['You said: still me']);
  });

  it('starts a new session when the stored one is past its ttl', async () => {
    const server = await twinServer({ twinTtlSeconds: 60 });
    const storage = memoryStore();
    const first = adapter(server, storage);
    first.a.connect();
    await connected(first.log);
    first.a.disconnect();
    const later = adapter(server, storage, { now: () => Date.now() + 61_000 });
    later.a.connect();
    await until(() => later.log.message.length === 1, 'a new greeting');
    expect(server.module.sessionIds()).toHaveLength(2);
  });

  it('replaces a session that expired while disconnected when connect() is called again', async () => {
    const server = await twinServer({ twinTtlSeconds: 60 });
    let skew = 0;
    const { a, log } = adapter(server, memoryStore(), { now: () => Date.now() + skew });
    a.connect();
    await connected(log);
    a.disconnect();
    skew = 61_000;
    a.connect();
    await until(() => log.message.length === 2 && statusOf(log) === 'connected', 'a new session, connected');
    expect(log.sessionEnded).toEqual([{ reason: 'expired' }]);
    expect(server.module.sessionIds()).toHaveLength(2);
  });

  it('ends a resumed session the server refuses, and reset() + connect() starts a new one', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const first = adapter(server, storage);
    first.a.connect();
    await connected(first.log);
    first.a.disconnect();
    server.module.expire(sessionId(storage)!);
    const second = adapter(server, storage);
    second.a.connect();
    await until(() => second.log.sessionEnded.length === 1, 'sessionEnded');
    expect(second.log.sessionEnded).toEqual([{ reason: 'expired' }]);
    expect(storage.get('twin.session')).toBeNull();
    second.a.reset?.();
    second.a.connect();
    await connected(second.log);
    expect(server.module.sessionIds()).toHaveLength(2);
    expect(second.log.message).toHaveLength(1);
  });

  it('fails with a reason when the chat does not exist', async () => {
    const server = await twinServer();
    const { a, log } = adapter(server, memoryStore(), { chatId: 'no-such-chat' });
    a.connect();
    await until(() => statusOf(log) === 'failed', 'failed');
    expect(log.status.at(-1)).toEqual({ status: 'failed', reason: 'chat-not-found' });
    expect(log.error[0]).toMatchObject({ code: 'not-found', message: 'chat not found', fatal: true });
  });
});

describe('messages', () => {
  it('sends over REST, resolves the confirmed receipt once per clientId, and acknowledges the reply', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const fetchSpy = vi.fn((url: string, init: RequestInit) => fetch(url, init));
    const { a, log } = adapter(server, storage, { fetch: fetchSpy });
    a.connect();
    await connected(log);
    const receipt = await a.send({ clientId: 'c1', text: 'hello' });
    expect(receipt).toMatchObject({ confirmed: true, id: expect.any(String), at: expect.any(Number) });
    expect(await a.send({ clientId: 'c1', text: 'hello' })).toBe(receipt);
    expect(fetchSpy.mock.calls.filter(([url]) => url.includes('/messages'))).toHaveLength(1);
    await until(() => texts(log).includes('You said: hello'), 'the reply');
    const id = sessionId(storage)!;
    await until(() => server.module.acks(id).size === 1, 'the acknowledgement');
    expect([...server.module.acks(id).values()]).toEqual([1]);
    expect(log.typing.map((t) => t.on)).toEqual([true, false]);
  });

  it('never posts a confirmed message again after a reload (TWIN posts carry no id to dedupe by)', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const posted: string[] = [];
    server.module.testing.onVisitorMessage((_s, text) => posted.push(text));
    const { a, log } = adapter(server, storage);
    a.connect();
    await connected(log);
    const receipt = await a.send({ clientId: 'c1', text: 'only once' });
    // The page reloads before the store saved "sent": the outbox offers the message again.
    a.disconnect();
    const { a: again, log: log2 } = adapter(server, storage);
    again.connect();
    await connected(log2);
    expect(await again.send({ clientId: 'c1', text: 'only once' })).toMatchObject({
      id: receipt.id,
      confirmed: true,
    });
    await again.send({ clientId: 'c2', text: 'next' });
    expect(posted).toEqual(['only once', 'next']);
  });

  it("never posts again what another tab's adapter had confirmed before this one took over", async () => {
    const server = await twinServer();
    const storage = memoryStore(); // one site: the tabs share storage
    const posted: string[] = [];
    server.module.testing.onVisitorMessage((_s, text) => posted.push(text));
    const { a: first, log } = adapter(server, storage);
    first.connect();
    await connected(log);
    const { a: second, log: log2 } = adapter(server, storage);
    second.connect();
    await connected(log2);
    await second.send({ clientId: 'c0', text: 'from the second tab' });
    await first.send({ clientId: 'c1', text: 'from the first tab' });
    // The first tab goes away; its unanswered call is offered to the second tab's adapter.
    first.disconnect();
    await second.send({ clientId: 'c1', text: 'from the first tab' });
    expect(posted).toEqual(['from the second tab', 'from the first tab']);
  });

  it('rejects a refused message with a TransportError', async () => {
    const server = await twinServer();
    const { a, log } = adapter(server, memoryStore());
    a.connect();
    await connected(log);
    const refused = await a.send({ clientId: 'c1', text: '   ' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({
      code: 'refused',
      message: 'body is required',
      retryable: false,
      status: 400,
    });
  });

  it("ends the typing indicator when the author's own message arrives (no timer of its own)", async () => {
    const server = await twinServer({ replyDelayMs: 400 });
    const { a, log } = adapter(server, memoryStore());
    a.connect();
    await connected(log);
    await a.send({ clientId: 'c1', text: 'slow' });
    await until(() => texts(log).includes('You said: slow'), 'the reply');
    expect(log.order.slice(-3)).toEqual(['typing', 'typing', 'message']);
    expect(log.typing.map((t) => t.on)).toEqual([true, false]);
  });

  it('uploads a file (fetch in Node), then sends the message that lists it', async () => {
    const server = await twinServer();
    const { a, log } = adapter(server, memoryStore());
    a.connect();
    await connected(log);
    const file = Object.assign(new Blob(['hello file'], { type: 'text/plain' }), { name: 'note.txt' });
    const uploaded = await a.upload!(file);
    expect(uploaded).toMatchObject({ id: expect.any(String), name: 'note.txt', size: 10 });
    expect(await (await fetch(uploaded.url!)).text()).toBe('hello file');
    await a.send({ clientId: 'c1', text: '', attachmentIds: [uploaded.id] });
    await until(() => texts(log).includes('Thanks, I received note.txt.'), 'the bot saw the file');
    await a.send({ clientId: 'c2', text: 'file' });
    await until(
      () => log.message.some((m) => m.attachments?.[0]?.name === 'parley-demo.txt'),
      'a file from the bot',
    );
  });
});

describe('TERMINAL', () => {
  it('emits the message, ends the session, and the next send starts a new one', async () => {
    const server = await twinServer();
    const storage = memoryStore();
    const { a, log } = adapter(server, storage);
    a.connect();
    await connected(log);
    const first = sessionId(storage)!;
    await a.send({ clientId: 'c1', text: 'стоп' });
    await until(() => log.sessionEnded.length === 1, 'sessionEnded');
    const terminal = log.message.at(-1)!;
    expect(terminal.kind).toBe('terminal');
    expect(log.order.slice(-3)).toEqual(['message', 'sessionEnded', 'status:disconnected']);
    expect(log.sessionEnded).toEqual([{ reason: 'terminal' }]);
    expect(storage.get('twin.session')).toBeNull();
    await until(() => server.module.acks(first).get(terminal.id) === 1, 'the TERMINAL message acknowledged');

    await a.send({ clientId: 'c2', text: 'hello again' });
    await until(() => texts(log).includes('You said: hello again'), 'a reply in the new session');
    expect(server.module.sessionIds()).toHaveLength(2);
    expect(sessionId(storage)).not.toBe(first);
    expect(statusOf(log)).toBe('connected');
  });
});
