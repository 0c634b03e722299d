// @vitest-environment node
/**
 * Issue 8, finding 8: the reference server keeps everything in memory, so everything is bounded
 * (count, bytes, age). Each bound is exercised against a real server with tightened limits, and
 * counted (not measured in heap bytes, which would depend on the machine).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { getChatfaqModule } from './chatfaq/index';
import { BoundedMap } from './limits';
import { getToken, postJson, startTestServer, stopTestServers, TestClient, waitFor } from './test-helpers';
import type { TwinModule } from './twin/index';
import type { RunningServer } from './types';
import type { WsChatModule } from './ws-chat/index';

/** A conversation's message cap for the byte-bound test (the default, 10,000, takes long to fill). */
const MAX_HISTORY = 500;

const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await stopTestServers();
});

describe('BoundedMap', () => {
  it('forgets the oldest beyond its count, its bytes, and its age', () => {
    let now = 0;
    const evicted: string[] = [];
    const map = new BoundedMap<string>({
      maxEntries: 3,
      maxBytes: 10,
      maxAgeMs: 100,
      sizeOf: (v) => v.length,
      onEvict: (k) => evicted.push(k),
      now: () => now,
    });
    for (const k of ['a', 'b', 'c', 'd']) map.set(k, 'x');
    expect(map.keys()).toEqual(['b', 'c', 'd']);
    map.set('b', 'xxxxxxxx'); // b is now the newest, and 8 + 1 + 1 = 10 bytes fit
    expect(map.keys()).toEqual(['c', 'd', 'b']);
    map.set('e', 'xx'); // 12 bytes: the oldest go until it fits
    expect(map.keys()).toEqual(['b', 'e']);
    expect(map.totalBytes).toBe(10);
    now = 101;
    expect(map.get('b')).toBeUndefined();
    expect(map.keys()).toEqual([]);
    expect(evicted).toEqual(['a', 'c', 'd', 'b', 'e']);
  });
});

/** A TWIN session on the server; returns its id. */
async function twinSession(server: RunningServer): Promise<string> {
  const res = await postJson(server, '/api/chats/v1/chats/demo/sessions?x_widget=1', { name: 'Ann' });
  return ((await res.json()) as { id: string }).id;
}

function upload(server: RunningServer, sessionId: string | undefined, bytes: number, name = 'a.bin') {
  const form = new FormData();
  form.append('file[]', new Blob([new Uint8Array(bytes)]), name);
  const query = sessionId === undefined ? '' : `&sessionId=${encodeURIComponent(sessionId)}`;
  return fetch(`${server.url}/api/chats/v1/files?x_widget=1${query}`, { method: 'POST', body: form });
}

const uploadedId = async (res: Response) => ((await res.json()) as Array<{ id: string }>)[0]!.id;
const download = (server: RunningServer, id: string) =>
  fetch(`${server.url}/api/chats/v1/files/${id}/download`).then((r) => r.status);

describe('TWIN uploads', () => {
  it('need a live session', async () => {
    const server = await startTestServer();
    expect((await upload(server, undefined, 10)).status).toBe(401);
    expect((await upload(server, 'not-a-session', 10)).status).toBe(401);
    expect((await upload(server, await twinSession(server), 10)).status).toBe(201);
  });

  it('are bounded by count and total bytes, the oldest forgotten first, and per session', async () => {
    const server = await startTestServer({ limits: { uploads: 3, uploadBytes: 2500, uploadsPerSession: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const session = await twinSession(server);
      ids.push(await uploadedId(await upload(server, session, 1000)));
    }
    // 4 × 1000 bytes against 3 files / 2500 bytes: only the newest two are kept.
    expect(await Promise.all(ids.map((id) => download(server, id)))).toEqual([404, 404, 200, 200]);
    const one = await twinSession(server);
    expect((await upload(server, one, 10)).status).toBe(201);
    expect((await upload(server, one, 10)).status).toBe(201);
    expect((await upload(server, one, 10)).status).toBe(429);
  });
});

describe('TWIN acknowledgements', () => {
  it('of ids the session was never sent are not kept (200,000 of them used to add 88 MB)', async () => {
    const server = await startTestServer();
    const twin = server.modules.get('twin') as TwinModule;
    const id = await twinSession(server);
    const ws = new WebSocket(
      `${server.url.replace('http', 'ws')}/operator/socket.io/?EIO=3&key=${id}&transport=websocket`,
    );
    sockets.push(ws);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await waitFor(() => frames.includes('40'), 'CONNECT');
    const ack = (messageId: string) =>
      `42${JSON.stringify(['messageReceived', { action: 'chatMessageCreated', data: { id: messageId } }])}`;
    for (let i = 0; i < 2000; i++) ws.send(ack(`made-up-${i}`));
    twin.inject(id, { id: 'real', body: 'hello' });
    await waitFor(() => frames.some((f) => f.includes('"real"')), 'the real message');
    ws.send(ack('real'));
    await waitFor(() => twin.acks(id).has('real'), 'the real acknowledgement');
    expect([...twin.acks(id).keys()]).toEqual(['real']);
  });

  it('and the events kept per session for redelivery are capped', async () => {
    const server = await startTestServer({ limits: { eventsPerSession: 5 } });
    const twin = server.modules.get('twin') as TwinModule;
    const id = await twinSession(server);
    for (let i = 0; i < 12; i++) twin.inject(id, { id: `m${i}`, body: 'x' });
    expect(twin.sentIds(id)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
  });
});

describe('TWIN sessions', () => {
  it('are bounded by count, the oldest forgotten first', async () => {
    const server = await startTestServer({ limits: { sessions: 3 } });
    const twin = server.modules.get('twin') as TwinModule;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await twinSession(server));
    expect(twin.sessionIds()).toEqual(ids.slice(2));
    const gone = await postJson(server, `/api/v1/sessions/${ids[0]}/messages`, { body: 'hi' });
    expect(gone.status).toBe(404);
  });
});

/** A ws-chat (flat) visitor says one frame and waits for its echo; returns the token answer. */
async function speak(server: RunningServer, channelId: string, frame: Record<string, unknown>) {
  const t = await getToken(server, { name: 'N', channel: 'WEB', channelId });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/chat?token=${t.token}`);
  sockets.push(ws);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify(frame));
  await waitFor(() => frames.length > 0, 'the echo');
  return t;
}

describe('ws-chat customers and tokens', () => {
  it('are bounded by count: the least recently active customer is forgotten with its tokens', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat', limits: { customers: 2, tokens: 3 } });
    const a = await getToken(server, { name: 'A', channel: 'WEB', channelId: 'web_a' });
    const b = await getToken(server, { name: 'B', channel: 'WEB', channelId: 'web_b' });
    const a2 = await getToken(server, { name: 'A', channel: 'WEB', channelId: 'web_a' }); // A active again
    await getToken(server, { name: 'C', channel: 'WEB', channelId: 'web_c' }); // B goes, and the oldest token
    const history = (t: string) =>
      fetch(`${server.url}/api/v1/public/conversations/x/messages`, {
        headers: { Authorization: `Bearer ${t}` },
      }).then((r) => r.status);
    expect(await history(a.token)).toBe(401); // the 4th token pushed out the 1st
    expect(await history(b.token)).toBe(401); // B is forgotten
    expect(await history(a2.token)).toBe(403); // valid, but not A's conversation
    const again = await getToken(server, { name: 'B', channel: 'WEB', channelId: 'web_b' });
    expect(again.customerId).not.toBe(b.customerId);
  });

  it('history is bounded by bytes across conversations', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat', limits: { historyBytes: 3000 } });
    const send = (channelId: string) =>
      speak(server, channelId, { content: 'y'.repeat(1200), metadata: { clientMessageId: 'k' } });
    const first = await send('web_1');
    await send('web_2');
    await send('web_3'); // 3 × 1200 characters > 3000: the first customer goes
    const res = await getToken(server, { name: 'N', channel: 'WEB', channelId: 'web_1' });
    expect(res.customerId).not.toBe(first.customerId);
  });
});

describe('ws-chat texts kept outside the history', () => {
  it('messages past the history that the dedupe ids still hold count toward the bytes bound', async () => {
    // 510 messages of 100 characters: the history keeps 500 (50,000), the dedupe ids all 510.
    const server = await startTestServer({
      wsChatProtocol: 'flat',
      bot: false,
      limits: { historyBytes: 50_500, messagesPerConversation: MAX_HISTORY },
    });
    const t = await getToken(server, { name: 'N', channel: 'WEB', channelId: 'web_long' });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/chat?token=${t.token}`);
    sockets.push(ws);
    let echoes = 0;
    ws.on('message', () => {
      echoes += 1;
    });
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < MAX_HISTORY + 10; i++)
      ws.send(
        JSON.stringify({ content: String(i).padEnd(100, '.'), metadata: { clientMessageId: `k${i}` } }),
      );
    await waitFor(() => echoes === MAX_HISTORY + 10, 'every echo');
    // What the server holds: the history and the dedupe map's messages (the same objects, once).
    const held = (server.modules.get('ws-chat') as WsChatModule).state
      .allConversations()
      .flatMap((c) => [...new Set([...c.messages, ...c.accepted.values()])]);
    expect(held.reduce((n, m) => n + m.text.length, 0)).toBeLessThanOrEqual(50_500);
  });

  it('the delivery log the tests read is bounded by bytes too', async () => {
    const server = await startTestServer({
      wsChatProtocol: 'flat',
      bot: false,
      limits: { historyBytes: 2500 },
    });
    for (const id of ['1', '2', '3']) await speak(server, `web_${id}`, { content: id.repeat(1000) });
    const texts = (server.modules.get('ws-chat') as unknown as { visitorTexts(): string[] }).visitorTexts();
    expect(texts.map((t) => t[0])).toEqual(['2', '3']);
  });
});

describe('bad requests', () => {
  it.each([
    '/api/chats/v1/chats/%E0%A4%A/sessions',
    '/api/v1/sessions/%/messages',
    '/api/chats/v1/files/%zz/download',
  ])('a malformed escape in %s answers 400, not 500', async (path) => {
    const server = await startTestServer();
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const res = await fetch(`${server.url}${path}`, { method: path.endsWith('download') ? 'GET' : 'POST' });
      expect(res.status).toBe(400);
    } finally {
      console.error = error;
    }
    expect(logged).toEqual([]);
  });
});

describe('ChatFAQ conversations', () => {
  const broker = (server: RunningServer, path: string) =>
    new TestClient(new WebSocket(`${server.url.replace(/^http/, 'ws')}/back/ws/broker/${path}`));
  const say = (content: string, stackId: string) => ({
    sender: { type: 'human', platform: 'WS' },
    stack: [{ type: 'message', payload: { content } }],
    stack_id: stackId,
    stack_group_id: stackId,
    last: true,
  });

  it('are bounded by count, the least recently active forgotten first', async () => {
    const server = await startTestServer({ limits: { conversations: 2 } });
    const chatfaq = getChatfaqModule(server);
    for (const id of ['c1', 'c2', 'c3']) {
      const client = broker(server, `${id}/demo/`);
      await client.next(); // the greeting: the conversation exists
      client.close();
    }
    expect(chatfaq.conversationIds()).toEqual(['c2', 'c3']);
  });

  it('keep a bounded number of frames each (heartbeats used to pile up for as long as a socket lived)', async () => {
    const server = await startTestServer({ limits: { eventsPerSession: 3 } });
    const chatfaq = getChatfaqModule(server);
    const client = broker(server, 'long/demo/');
    await client.next();
    for (let i = 0; i < 10; i++) client.send({ heartbeat: true });
    client.send(say('still here', 's-1'));
    await client.next(); // the answer: every frame before it was taken
    const kept = chatfaq.received('long');
    expect(kept).toHaveLength(3);
    expect(kept.at(-1)).toMatchObject({ kind: 'message', text: 'still here' });
    client.close();
  });

  it('hand out a bounded number of upload targets, the oldest forgotten first', async () => {
    const server = await startTestServer({ limits: { uploads: 3 } });
    const client = broker(server, 'files/demo/');
    await client.next();
    const ask = async (stackId: string) => {
      client.send(say('Ask me for a file', stackId));
      const frame = await client.next();
      return (frame.stack as Array<{ payload: { files: Record<string, { presigned_url: string }> } }>)[0]!
        .payload.files;
    };
    const first = await ask('a-1');
    const second = await ask('a-2');
    const put = (url: string) => fetch(url, { method: 'PUT', body: 'x' }).then((r) => r.status);
    expect(await put(first.txt!.presigned_url)).toBe(404);
    expect(await put(second.txt!.presigned_url)).toBe(200);
    client.close();
  });
});
