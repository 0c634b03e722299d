// @vitest-environment node
/**
 * The hooks fault tests and the soak stand on: a restart that keeps server state, a silent bot,
 * `testing.say()` and the visitor-message feed, and a graceful close that answers what it took in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer } from './index';
import { BOT_MAILBOX } from './postoffice/bot';
import { getToken, postJson, TestClient, visitorFrame, waitFor } from './test-helpers';
import type { TwinModule } from './twin/index';
import type { RunningServer, ServerState } from './types';
import { getWsChatModule } from './ws-chat/index';

const running = new Set<RunningServer>();
async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const server = await startServer({ replyDelayMs: 0, ...options });
  running.add(server);
  return server;
}
afterEach(async () => {
  await Promise.all([...running].map((s) => s.close()));
  running.clear();
});

const twinOf = (server: RunningServer) => server.modules.get('twin') as TwinModule;

/** A plain socket to a module's path, with every JSON frame it got; closed after the test. */
async function socketTo(server: RunningServer, path: string) {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, {
    headers: { Origin: server.url },
  });
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  ws.on('error', () => {});
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  sockets.add(ws);
  return { send: (frame: unknown) => ws.send(JSON.stringify(frame)), frames };
}
const sockets = new Set<WebSocket>();
afterEach(() => {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
});

/** Starts, feeds `send` twice with one message, restarts on the kept state and feeds it once more. */
async function repeatsAcrossARestart(
  module: string,
  connect: (server: RunningServer) => Promise<{ send(frame: unknown): void; frames: unknown[] }>,
  message: unknown,
) {
  const state: ServerState = {};
  const first = await start({ state, bot: false });
  const heard: Array<[string, boolean]> = [];
  const listen = (server: RunningServer) =>
    server.modules.get(module)?.testing?.onVisitorMessage((_c, text, repeat) => heard.push([text, repeat]));
  listen(first);
  const before = await connect(first);
  before.send(message);
  before.send(message); // a resend after a lost link: flagged, not taken again
  await waitFor(() => heard.length === 2, 'both frames reported');
  await first.close({ graceful: true });
  const second = await start({ state, bot: false, port: first.port });
  listen(second);
  const after = await connect(second);
  after.send(message); // the same message again, to the restarted server: still known
  await waitFor(() => heard.length === 3, 'the third frame reported');
  expect(heard).toEqual([
    ['one', false],
    ['one', true],
    ['one', true],
  ]);
  return { second, before, after, testing: second.modules.get(module)?.testing };
}

async function twinSession(server: RunningServer): Promise<string> {
  const res = await postJson(server, '/api/chats/v1/chats/demo/sessions?x_widget=1', { name: 'Ann' });
  return ((await res.json()) as { id: string }).id;
}

/**
 * A request on a connection of its own (fetch would reuse one the stopped server closed, a race the
 * browser retries but undici does not). Resolves the status and the body.
 */
async function fresh(
  server: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('test hooks of the reference server', () => {
  it('ws-chat: a restart with the same state keeps tokens and history; say() reaches live sockets', async () => {
    const state: ServerState = {};
    const first = await start({ state, bot: false, wsChatProtocol: 'flat' });
    const token = await getToken(first);
    const heard: Array<[string, boolean]> = [];
    getWsChatModule(first).testing.onVisitorMessage((_c, text, repeat) => heard.push([text, repeat]));
    const a = await TestClient.connect(first, token.token);
    a.send(visitorFrame(token, 'one', 'c-1'));
    const echo = await a.next();
    a.send(visitorFrame(token, 'one', 'c-1')); // a resend: flagged, not stored again
    await waitFor(() => heard.length === 2, 'both frames reported');
    expect(heard).toEqual([
      ['one', false],
      ['one', true],
    ]);
    await first.close({ graceful: true });

    const second = await start({ state, bot: false, port: first.port, wsChatProtocol: 'flat' });
    const b = await TestClient.connect(second, token.token); // the old token still opens
    const id = getWsChatModule(second).testing.say(String(echo.conversationId), 'r1');
    const reply = await b.nextMatching((f) => f.content === 'r1');
    expect(reply.id).toBe(id);
    const history = await fresh(
      second,
      'GET',
      `/api/v1/public/conversations/${echo.conversationId}/messages`,
      {
        Authorization: `Bearer ${token.token}`,
      },
    );
    const frames = (history.json as { data: Array<{ content: string }> }).data;
    // The silent bot answered nothing: only the visitor's message and the test's reply.
    expect(frames.map((f) => f.content)).toEqual(['one', 'r1']);
  });

  it('twin: a restart with the same state keeps the session; say() is stored for redelivery', async () => {
    const state: ServerState = {};
    const first = await start({ state, bot: false });
    const sessionId = await twinSession(first);
    const heard: string[] = [];
    twinOf(first).testing.onVisitorMessage((c, text) => heard.push(`${c === sessionId}:${text}`));
    const sent = await postJson(first, `/api/v1/sessions/${sessionId}/messages`, { body: 'hi' });
    expect(sent.status).toBe(201);
    expect(heard).toEqual(['true:hi']);
    await first.close({ graceful: true });

    const second = await start({ state, bot: false, port: first.port });
    const id = twinOf(second).testing.say(sessionId, 'r1');
    // Nothing else was sent: the bot stayed silent, and the session survived the restart.
    expect(twinOf(second).sentIds(sessionId)).toEqual([id]);
    // A new connection (fetch would reuse the one the first server closed).
    const again = await fresh(
      second,
      'POST',
      `/api/v1/sessions/${sessionId}/messages`,
      { 'Content-Type': 'application/json' },
      { body: 'still there' },
    );
    expect(again.status).toBe(201);
  });

  it('a graceful close answers a request it was handling', async () => {
    const server = await start();
    const sessionId = await twinSession(server);
    // The request is being handled (the server said "100 Continue") when close() starts, and its
    // body arrives after that: the answer must still come.
    const { request } = await import('node:http');
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: `/api/v1/sessions/${sessionId}/messages`,
          headers: { 'Content-Type': 'application/json', Expect: '100-continue' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        const closing = server.close({ graceful: true });
        req.end('{"body":"late"}');
        void closing;
      });
      req.flushHeaders();
    });
    expect(await answered).toBe(201);
  });

  it('postoffice: a restart with the same state still knows the message ids the bot took; say() reaches the mailbox', async () => {
    const mailbox = (server: RunningServer) =>
      socketTo(server, `/postoffice?clientID=web_a&startTime=${Date.now()}`);
    const frame = { from: 'web_a', to: BOT_MAILBOX, type: 'msg', content: 'one', id: 'c-1' };
    const { before, after, testing } = await repeatsAcrossARestart('postoffice', mailbox, frame);
    const id = testing?.say('web_a', 'r1');
    await waitFor(() => after.frames.length > 0, 'the reply');
    expect(after.frames).toEqual([
      expect.objectContaining({ from: BOT_MAILBOX, to: 'web_a', content: 'r1', id }),
    ]);
    expect(before.frames).toEqual([]); // the silent bot answered nothing
  });

  it('chatfaq: a restart with the same state keeps the conversation and its stack ids; say() reaches its sockets', async () => {
    const broker = (server: RunningServer) => socketTo(server, '/back/ws/broker/conv-1/demo/');
    const frame = {
      sender: { type: 'human' },
      stack: [{ type: 'message', payload: { content: 'one' } }],
      stack_id: 's1',
    };
    const { before, after, testing } = await repeatsAcrossARestart('chatfaq', broker, frame);
    expect(before.frames).toEqual([]); // no greeting, no answer: the FSM's worker is silent
    testing?.say('conv-1', 'r1');
    await waitFor(() => after.frames.length > 0, 'the reply');
    expect(after.frames).toEqual([
      expect.objectContaining({
        sender: { type: 'bot' },
        stack: [{ type: 'message', payload: { content: 'r1' } }],
      }),
    ]);
  });
});
