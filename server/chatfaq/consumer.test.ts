// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Frame, startTestServer, stopTestServers, TestClient, waitFor } from '../test-helpers';
import type { RunningServer } from '../types';
import { FSM_GREETING, STORIES } from './fsm';
import { getChatfaqModule } from './index';

let server: RunningServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(stopTestServers);

function socket(path: string, headers: Record<string, string> = {}) {
  return new WebSocket(`${server.url.replace(/^http/, 'ws')}/back/ws/broker/${path}`, { headers });
}

async function connect(path = 'conv-1/demo/', headers: Record<string, string> = {}): Promise<TestClient> {
  const ws = socket(path, headers);
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

const human = (stack: unknown[], stackId = 'c-1') => ({
  sender: { type: 'human', platform: 'WS' },
  stack,
  stack_id: stackId,
  stack_group_id: stackId,
  last: true,
});
const say = (content: string, stackId?: string) =>
  human([{ type: 'message', payload: { content } }], stackId);
const layerTypes = (f: Frame) => (f.stack as Array<{ type: string }>).map((l) => l.type);
const content = (f: Frame) => (f.stack as Array<{ payload: { content: string } }>)[0]?.payload.content;

describe('chatfaq consumer', () => {
  it('starts a new conversation with a greeting that offers quick replies', async () => {
    const client = await connect();
    const greeting = await client.next();
    expect(greeting).toMatchObject({
      type: 'response',
      status: 200,
      last_chunk: true,
      last: true,
      sender: { type: 'bot' },
      node_type: 'action',
    });
    expect(typeof greeting.id).toBe('number');
    expect(content(greeting)).toBe(FSM_GREETING);
    expect((greeting.stack as Array<{ type: string; payload: unknown }>)[1]).toMatchObject({
      type: 'quick_replies',
      payload: [{ text: 'Tell me a story', id: 'story', meta: {} }, {}, {}, {}],
    });
  });

  it('streams a story as snapshots with a null id, hides its plumbing in other layers, and ends the turn once', async () => {
    const client = await connect();
    await client.next(); // greeting
    client.send(human([{ type: 'quick_replies', payload: [{ id: 'story', text: 'whatever the label' }] }]));
    const turn: Frame[] = [];
    while (turn.at(-1)?.last !== true) turn.push(await client.next());

    expect(layerTypes(turn[0]!)).toEqual(['tool_use']);
    expect(turn[1]).toMatchObject({ sender: { type: 'human' }, stack: [{ type: 'tool_result' }] });
    expect(layerTypes(turn[2]!)).toEqual(['gtm_tag', 'hologram']);
    const chunks = turn.slice(3);
    expect(chunks.length).toBeGreaterThan(3);
    const stackIds = new Set(chunks.map((f) => f.stack_id));
    expect(stackIds.size).toBe(1);
    const texts = chunks.map(content);
    texts.forEach((text, i) => {
      if (i > 0) expect(text?.startsWith(texts[i - 1]!)).toBe(true);
    });
    expect(texts.at(-1)).toBe(STORIES[0]);
    expect(
      chunks.slice(0, -1).every((f) => f.id === null && f.last_chunk === false && f.last === false),
    ).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ last_chunk: true, last: true });
    expect(typeof chunks.at(-1)!.id).toBe('number');
    expect(layerTypes(chunks.at(-1)!)).toEqual(['message_chunk', 'quick_replies']);
    expect(turn.slice(0, -1).every((f) => f.last === false)).toBe(true);
  });

  it('routes on the quick reply id the visitor sends back', async () => {
    const client = await connect();
    await client.next();
    client.send(
      human([
        { type: 'message', payload: { content: 'Send me a file' } },
        { type: 'quick_replies', payload: [{ id: 'close', text: 'Send me a file' }] },
      ]),
    );
    const answer = await client.next();
    expect(layerTypes(answer)).toEqual(['message', 'close_conversation']);
  });

  it('sends a file to download and asks for one with pre-signed upload targets that take a PUT', async () => {
    const client = await connect();
    await client.next();
    client.send(say('Send me a file'));
    const file = await client.next();
    const download = (file.stack as Array<{ type: string; payload: { url: string; name: string } }>)[1]!;
    expect(download.type).toBe('file_download');
    const res = await fetch(download.payload.url);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    expect(await res.text()).toContain('ChatFAQ demo');

    client.send(say('Ask me for a file', 'c-2'));
    const ask = await client.next();
    const files = (
      ask.stack as Array<{ payload: { files: Record<string, { presigned_url: string; s3_path: string }> } }>
    )[0]!.payload.files;
    expect(Object.keys(files).sort()).toEqual(['pdf', 'png', 'txt']);
    const put = await fetch(files.txt!.presigned_url, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    expect(
      (await fetch(`${server.url}/back/api/uploads/upload-unknown.txt`, { method: 'PUT', body: 'x' })).status,
    ).toBe(404);
    client.send(
      human([{ type: 'file_uploaded', payload: { s3_path: files.txt!.s3_path, name: 'notes.txt' } }], 'c-3'),
    );
    expect(content(await client.next())).toBe('Thanks, I received notes.txt (5 bytes).');
  });

  it('runs an answer again after a reset to its id', async () => {
    const client = await connect();
    await client.next();
    client.send(say('ping'));
    const first = await client.nextMatching((f) => f.last === true);
    expect(content(first)).toBe('You said: ping');
    client.send({ reset: first.id });
    const again = await client.nextMatching((f) => f.last === true);
    expect(content(again)).toBe('(take 2) You said: ping');
    expect(again.id).not.toBe(first.id);
    client.send({ reset: 999_999 });
    expect(await client.next()).toMatchObject({ type: 'response', status: 400 });
  });

  it('answers a refused frame with an error frame to every socket of the conversation', async () => {
    const a = await connect();
    const b = await connect();
    await a.next();
    a.send({ stack: 'nope' });
    expect(await a.next()).toMatchObject({ status: 400, payload: { sender: expect.any(Array) } });
    expect(await b.nextMatching((f) => f.status === 400)).toMatchObject({ type: 'response' });
  });

  it('continues a known conversation after a reconnect without greeting again, and ignores heartbeats', async () => {
    const first = await connect('conv-2/demo/user_1/');
    await first.next();
    first.close();
    const again = await connect('conv-2/demo/user_1/');
    again.send({ heartbeat: true });
    again.send(say('back'));
    const answer = await again.nextMatching((f) => f.last === true);
    expect(content(answer)).toBe('You said: back');
    expect(answer.receiver).toEqual({ type: 'human', id: 'user_1' });
    expect(again.frames.some((f) => content(f) === FSM_GREETING)).toBe(false);
    expect(
      getChatfaqModule(server)
        .received('conv-2')
        .map((f) => f.kind),
    ).toEqual(['heartbeat', 'message']);
  });

  it('closes with 4000 for an unknown FSM (reason in backticks) and for one without a worker', async () => {
    const unknown = await connect('conv-3/nosuch/');
    expect(await unknown.closed).toEqual({ code: 4000, reason: '`No FSM found with name nosuch`' });
    const offline = await connect('conv-3/offline/');
    expect(await offline.closed).toEqual({ code: 4000, reason: 'No RPC worker offline connected' });
  });

  it('closes with 3000 when the private FSM gets no valid token, and accepts the right one', async () => {
    const refused = await connect('conv-4/private/?token=wrong');
    expect(await refused.closed).toEqual({ code: 3000, reason: 'Authentication failed' });
    const allowed = await connect('conv-4/private/?token=demo-token');
    expect(content(await allowed.next())).toBe(FSM_GREETING);
  });

  it('keeps the metadata a conversation started with', async () => {
    const client = await connect(`conv-5/demo/?metadata=${encodeURIComponent('{"plan":"pro"}')}`);
    await client.next();
    expect(getChatfaqModule(server).metadata('conv-5')).toEqual({ plan: 'pro' });
  });

  it('refuses a socket from a foreign page origin, and takes one from its own', async () => {
    const ws = socket('conv-6/demo/', { Origin: 'https://evil.example' });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
    const own = await connect('conv-6/demo/', { Origin: server.url });
    await waitFor(() => own.frames.length > 0, 'the greeting');
  });
});
