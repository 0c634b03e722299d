/**
 * The chatfaq adapter against the real reference server on 127.0.0.1: streaming (replacement,
 * repeated and out-of-order chunks), the final closes, reconnects, conversations, quick replies
 * and regenerate. Odd frames the demo FSM never sends are pushed through the module's test hook.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { FSM_GREETING, STORIES } from '../../../server/chatfaq/fsm';
import { type ChatfaqModule, getChatfaqModule } from '../../../server/chatfaq/index';
import { startServer } from '../../../server/index';
import type { RunningServer } from '../../../server/types';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import type { IncomingMessage, StatusChange } from '../../core/types';
import { type ChatfaqOptions, createChatfaqAdapter } from './adapter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

async function server(): Promise<{ s: RunningServer; module: ChatfaqModule }> {
  const s = await startServer({ replyDelayMs: 0 });
  cleanups.push(() => s.close());
  return { s, module: getChatfaqModule(s) };
}

type Event = { type: 'message' | 'updated'; m: IncomingMessage };

function adapter(url: string, extra: Partial<ChatfaqOptions> = {}, storage: KeyValueStore = memoryStore()) {
  const a = createChatfaqAdapter({
    server: url,
    fsm: 'demo',
    storage,
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
    ...extra,
  });
  cleanups.push(() => a.disconnect());
  const events: Event[] = [];
  const statuses: StatusChange[] = [];
  const ended: string[] = [];
  a.on('message', (m) => events.push({ type: 'message', m }));
  a.on('messageUpdated', (m) => events.push({ type: 'updated', m }));
  a.on('status', (s) => statuses.push(s));
  a.on('sessionEnded', (e) => ended.push(e.reason));
  return { a, events, statuses, ended, storage };
}

const until = (check: () => boolean, timeout = 10_000) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout, interval: 10 },
  );
const conversation = (storage: KeyValueStore) => storage.get('conversation') ?? '';
const chunk = (stackId: string, text: string, last: { id: number } | null = null) => ({
  type: 'response',
  status: 200,
  stack_id: stackId,
  stack_group_id: 'g',
  last_chunk: last !== null,
  last: last !== null,
  sender: { type: 'bot' },
  send_time: Date.now(),
  id: last?.id ?? null,
  stack: [{ type: 'message_chunk', streaming: true, payload: { content: text } }],
});

describe('chatfaq adapter: streaming', () => {
  it('shows a streamed story as one message that grows by replacement and ends final, hiding the plumbing', async () => {
    const { s } = await server();
    const { a, events } = adapter(s.url);
    a.connect();
    await until(() => events.some((e) => e.m.text === FSM_GREETING));
    await a.send({ clientId: 'c-1', text: 'Tell me a story', answerId: 'story' });
    await until(() => events.some((e) => e.type === 'updated' && !e.m.partial));

    const story = events.filter((e) => e.m.id !== events[0]!.m.id);
    expect(story[0]).toMatchObject({ type: 'message', m: { partial: true, author: { kind: 'bot' } } });
    expect(story.slice(1).every((e) => e.type === 'updated' && e.m.id === story[0]!.m.id)).toBe(true);
    const texts = story.map((e) => e.m.text);
    texts.forEach((t, i) => {
      if (i > 0) expect(t.startsWith(texts[i - 1]!) && t.length > texts[i - 1]!.length).toBe(true);
    });
    const last = story.at(-1)!.m;
    expect(last.text).toBe(STORIES[0]);
    expect(last.partial).toBeUndefined();
    expect(last.answers?.map((x) => x.id)).toEqual(['story', 'close']);
    // tool_use, tool_result "from the human", gtm_tag and the unknown layer produced nothing
    expect(events.every((e) => e.m.author.kind === 'bot')).toBe(true);
  });

  it('replaces, and ignores repeated, stale and late chunks', async () => {
    const { s, module } = await server();
    const { a, events, storage } = adapter(s.url);
    a.connect();
    await until(() => events.length === 1);
    const conv = conversation(storage);
    for (const frame of [
      chunk('x', 'Hel'),
      chunk('x', 'Hello'),
      chunk('x', 'Hello'), // repeated
      chunk('x', 'He'), // out of order: an older snapshot
      chunk('x', 'Hello world', { id: 77 }),
      chunk('x', 'Hello wor'), // late, after the final
      chunk('x', 'Hello world', { id: 77 }), // the final again
    ])
      module.push(conv, frame);
    module.push(conv, chunk('y', 'next', { id: 78 }));
    await until(() => events.some((e) => e.m.text === 'next'));

    const x = events.filter((e) => e.m.id === 's:x');
    expect(x.map((e) => [e.type, e.m.text, e.m.partial ?? false])).toEqual([
      ['message', 'Hel', true],
      ['updated', 'Hello', true],
      ['updated', 'Hello world', false],
    ]);
  });

  it('settles an answer cut off by a lost connection as it stands, then reconnects to the same conversation', async () => {
    const { s, module } = await server();
    const { a, events, statuses, storage } = adapter(s.url);
    a.connect();
    await until(() => events.length === 1);
    const conv = conversation(storage);
    module.push(conv, chunk('cut', 'Half an ans'));
    await until(() => events.some((e) => e.m.id === 's:cut'));
    s.dropConnections();
    await until(() => events.some((e) => e.type === 'updated' && e.m.id === 's:cut'));
    expect(events.at(-1)?.m).toMatchObject({ id: 's:cut', text: 'Half an ans' });
    expect(events.at(-1)?.m.partial).toBeUndefined();
    await until(
      () => statuses.at(-1)?.status === 'connected' && statuses.some((x) => x.status === 'reconnecting'),
    );
    expect(conversation(storage)).toBe(conv);
    expect(module.conversationIds()).toEqual([conv]);
    expect(events.filter((e) => e.m.text === FSM_GREETING)).toHaveLength(1); // the FSM continued, no new start
  });
});

describe('chatfaq adapter: closes', () => {
  it('fails for good on 3000 with the reason as detail, and tries no more', async () => {
    const { s, module } = await server();
    let sockets = 0;
    class Counting extends NodeWebSocket {
      constructor(url: string) {
        super(url);
        sockets += 1;
      }
    }
    // Fake timers: "tries no more" is checked by running the clock a minute ahead, not by waiting.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    cleanups.push(() => vi.useRealTimers());
    const { a, statuses } = adapter(s.url, {
      fsm: 'private',
      token: 'wrong',
      WebSocket: Counting as unknown as typeof WebSocket,
    });
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.code));
    a.connect();
    await until(() => statuses.at(-1)?.status === 'failed');
    expect(statuses.at(-1)).toEqual({ status: 'failed', reason: 'auth', detail: 'Authentication failed' });
    expect(errors).toEqual(['auth']);
    const before = statuses.length;
    vi.advanceTimersByTime(60_000);
    expect(statuses.length).toBe(before);
    expect(sockets).toBe(1);
    expect(module.conversationIds()).toEqual([]);
  });

  it('fails for good on 4000 (no such FSM, no worker) with the reason, backticks and all', async () => {
    const { s } = await server();
    const unknown = adapter(s.url, { fsm: 'nosuch' });
    unknown.a.connect();
    await until(() => unknown.statuses.at(-1)?.status === 'failed');
    expect(unknown.statuses.at(-1)).toEqual({
      status: 'failed',
      reason: 'not-found',
      detail: '`No FSM found with name nosuch`',
    });
    const offline = adapter(s.url, { fsm: 'offline' });
    offline.a.connect();
    await until(() => offline.statuses.at(-1)?.status === 'failed');
    expect(offline.statuses.at(-1)?.detail).toBe('No RPC worker offline connected');
  });

  it('reconnects after any other close', async () => {
    const { s, module } = await server();
    const { a, statuses } = adapter(s.url);
    a.connect();
    await until(() => statuses.at(-1)?.status === 'connected');
    module.closeSockets(1011, 'server restart');
    await until(() => statuses.some((x) => x.status === 'reconnecting'));
    expect(statuses.find((x) => x.status === 'reconnecting')).toMatchObject({ reason: 'close-1011' });
    await until(() => statuses.at(-1)?.status === 'connected');
  });

  it('accepts the right token for an FSM that needs one', async () => {
    const { s } = await server();
    const { a, events } = adapter(s.url, { fsm: 'private', token: 'demo-token' });
    a.connect();
    await until(() => events.some((e) => e.m.text === FSM_GREETING));
  });
});

describe('chatfaq adapter: conversations and commands', () => {
  it('keeps one conversation across a reload, and reset() starts a new one', async () => {
    const { s, module } = await server();
    const first = adapter(s.url, { senderId: 'user_1', metadata: { plan: 'pro' } });
    first.a.connect();
    await until(() => first.events.length === 1);
    const conv = conversation(first.storage);
    expect(conv).toMatch(/^[\w-]+$/);
    expect(module.metadata(conv)).toEqual({ plan: 'pro' });
    first.a.disconnect();

    const second = adapter(s.url, { senderId: 'user_1' }, first.storage);
    second.a.connect();
    await until(() => second.statuses.at(-1)?.status === 'connected');
    await second.a.send({ clientId: 'c-1', text: 'again' });
    await until(() => second.events.some((e) => e.m.text === 'You said: again' && !e.m.partial));
    expect(second.events.some((e) => e.m.text === FSM_GREETING)).toBe(false);
    expect(module.conversationIds()).toEqual([conv]);

    second.a.reset();
    await until(() => second.events.some((e) => e.m.text === FSM_GREETING));
    expect(conversation(second.storage)).not.toBe(conv);
    expect(module.conversationIds()).toEqual([conv, conversation(second.storage)]);
  });

  it("sends a chosen quick reply's id, and a close_conversation ends the conversation", async () => {
    const { s, module } = await server();
    const { a, events, ended, statuses, storage } = adapter(s.url);
    a.connect();
    await until(() => events.length === 1);
    const conv = conversation(storage);
    const receipt = await a.send({ clientId: 'c-9', text: 'Goodbye', answerId: 'close' });
    expect(receipt.confirmed).toBe(true); // the probe written after it was answered
    await until(() => ended.length === 1);
    expect(ended).toEqual(['closed']);
    expect(events.at(-1)?.m.text).toBe('Goodbye! This conversation is closed.');
    expect(statuses.at(-1)).toEqual({ status: 'disconnected', reason: 'session-ended' });
    expect(module.received(conv).at(-1)).toMatchObject({
      kind: 'message',
      answerId: 'close',
      stackId: 'c-9',
    });
    expect(storage.get('conversation')).toBeNull();
  });

  it('regenerates the last answer with {"reset": its database id}', async () => {
    const { s, module } = await server();
    const { a, events, storage } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'c-1', text: 'ping' });
    await until(() => events.some((e) => e.m.text === 'You said: ping' && !e.m.partial));
    const answer = events.find((e) => e.m.text === 'You said: ping')!.m;
    expect(a.regenerate(answer.id)).toBe(true);
    await until(() => events.some((e) => e.m.text === '(take 2) You said: ping' && !e.m.partial));
    const reset = module.received(conversation(storage)).at(-1);
    expect(reset).toMatchObject({ kind: 'reset' });
    expect(a.regenerate('s:never-finished')).toBe(false);
  });

  it('logs an error frame and keeps working', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { s, module } = await server();
    const { a, events, storage } = adapter(s.url);
    a.connect();
    await until(() => events.length === 1);
    module.push(conversation(storage), { type: 'response', status: 400, payload: { stack: ['bad'] } });
    module.push(conversation(storage), 'not json at all');
    await a.send({ clientId: 'c-1', text: 'still here' });
    await until(() => events.some((e) => e.m.text === 'You said: still here' && !e.m.partial));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(a.status).toBe('connected');
  });

  it("hands gtm_tag layers to the page's dataLayer when there is one", async () => {
    const page = globalThis as { dataLayer?: unknown[] };
    page.dataLayer = [];
    cleanups.push(() => delete page.dataLayer);
    const { s } = await server();
    const { a, events } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'c-1', text: 'story', answerId: 'story' });
    await until(() => events.some((e) => e.type === 'updated' && !e.m.partial));
    expect(page.dataLayer).toEqual([{ event: 'chatfaq_story' }]);
  });
});

describe('chatfaq adapter: files', () => {
  it('uploads a file the bot asked for to its pre-signed URL and names it in the next message', async () => {
    const { s } = await server();
    const { a, events } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    await expect(a.upload(Object.assign(new Blob(['x']), { name: 'early.txt' }))).rejects.toMatchObject({
      code: 'refused',
    });
    await a.send({ clientId: 'c-1', text: 'Ask me for a file' });
    await until(() => events.some((e) => e.m.uploadRequest));
    const request = events.find((e) => e.m.uploadRequest)!.m;
    expect(request.text).toBe('Please send me a file: PDF, PNG or TXT, up to 1 MB.');
    expect(request.uploadRequest).toEqual({ accept: ['.pdf', '.png', '.txt'], maxBytes: 1024 * 1024 });
    await expect(a.upload(Object.assign(new Blob(['x']), { name: 'virus.exe' }))).rejects.toMatchObject({
      code: 'refused',
    });
    await expect(
      a.upload(Object.assign(new Blob([new Uint8Array(1024 * 1024 + 1)]), { name: 'big.pdf' })),
    ).rejects.toMatchObject({ code: 'too-large' });
    const progress: number[] = [];
    const uploaded = await a.upload(
      Object.assign(new Blob(['hello'], { type: 'text/plain' }), { name: 'notes.txt' }),
      {
        onProgress: (loaded) => progress.push(loaded),
      },
    );
    expect(uploaded).toMatchObject({ name: 'notes.txt', size: 5 });
    expect(progress).toEqual([5]);
    await a.send({ clientId: 'c-2', text: '', attachmentIds: [uploaded.id] });
    await until(() => events.some((e) => e.m.text === 'Thanks, I received notes.txt (5 bytes).'));
  });
});

describe('chatfaq adapter: logout', () => {
  it('forget() closes and keeps nothing: the next connect starts a new conversation', async () => {
    const { s, module } = await server();
    const { a, events, storage } = adapter(s.url);
    a.connect();
    await until(() => events.length === 1);
    const first = conversation(storage);
    a.forget();
    expect(a.status).toBe('disconnected');
    expect(storage.get('conversation')).toBeNull();
    await until(() => module.socketCount(first) === 0);
    a.connect();
    await until(() => events.length === 2);
    expect(conversation(storage)).not.toBe(first);
  });
});

/**
 * A consumer that takes every frame and answers probes only while `answering` is true: a server
 * that never answers refused frames, or a link that goes silent without closing.
 */
async function quietServer() {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const state = { answering: false, taken: [] as string[], probes: 0, sockets: 0 };
  wss.on('connection', (ws) => {
    state.sockets += 1;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { sender?: { type?: string }; stack_id?: string };
      if (frame.stack_id) state.taken.push(frame.stack_id);
      const type = frame.sender?.type ?? '';
      if (type.startsWith('parley-probe-')) state.probes += 1;
      if (state.answering && type.startsWith('parley-probe-'))
        ws.send(
          JSON.stringify({
            type: 'response',
            status: 400,
            payload: { sender: { type: [`"${type}" is not a valid choice.`] } },
          }),
        );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, state };
}

describe('chatfaq adapter: knowing a message was taken', () => {
  it('learns a server that never answers probes: its sends resolve as written, and it is not asked again', async () => {
    const { url, state } = await quietServer();
    const { a, storage } = adapter(url, { probeTimeoutMs: 100 });
    a.connect();
    await until(() => a.status === 'connected');
    expect(await a.send({ clientId: 'c-1', text: 'one' })).toMatchObject({ confirmed: false });
    expect(storage.get('probes')).toBe('no');
    expect(await a.send({ clientId: 'c-2', text: 'two' })).toMatchObject({ confirmed: false });
    await until(() => state.taken.length === 2);
    expect(state.taken).toEqual(['c-1', 'c-2']);
    expect(state.probes).toBe(1);
    expect(a.status).toBe('connected');
  });

  it('replaces a link that goes silent once the server was seen answering, and the message is refused for a resend', async () => {
    const { url, state } = await quietServer();
    const { a, statuses, storage } = adapter(url, { probeTimeoutMs: 150 });
    state.answering = true;
    a.connect();
    await until(() => a.status === 'connected');
    expect(await a.send({ clientId: 'c-1', text: 'one' })).toMatchObject({ confirmed: true });
    expect(storage.get('probes')).toBe('yes');
    state.answering = false;
    await expect(a.send({ clientId: 'c-2', text: 'two' })).rejects.toMatchObject({
      code: 'disconnected',
      retryable: true,
    });
    await until(() => statuses.some((x) => x.status === 'reconnecting' && x.reason === 'silent'));
    await until(() => state.sockets === 2 && a.status === 'connected');
  });

  it('writes a resend on the same socket once and answers it with the same receipt', async () => {
    const { s, module } = await server();
    const { a, storage } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    const [x, y] = await Promise.all([
      a.send({ clientId: 'c-1', text: 'once' }),
      a.send({ clientId: 'c-1', text: 'once' }),
    ]);
    expect(y).toBe(x);
    expect(module.received(conversation(storage)).filter((f) => f.kind === 'message')).toHaveLength(1);
  });
});
