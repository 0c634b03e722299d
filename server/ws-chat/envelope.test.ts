// @vitest-environment node
/**
 * The reference server playing the product's current ws-chat generation (PROTOCOLS.md §1, "The
 * event-envelope generation"), over real sockets and HTTP on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GREETING } from '../bot';
import { startServer } from '../index';
import { type Frame, postJson, startTestServer, stopTestServers, TestClient } from '../test-helpers';
import type { RunningServer, ServerState } from '../types';
import { AGENT, ENVELOPE_HELP, SYSTEM_TEXT } from './envelope-chat';
import { getWsChatModule } from './index';

const TOKEN_PATH = '/api/v1/public/customer-token';

interface EnvelopeToken {
  customerId: string;
  token: string;
  name: string;
  channel: string;
  sessionId: string;
}

async function envelopeToken(
  server: RunningServer,
  body: Record<string, unknown> = {},
): Promise<EnvelopeToken> {
  const res = await postJson(server, TOKEN_PATH, {
    name: 'Ann',
    channel: 'WEB',
    channelUserId: 'web_ann',
    ...body,
  });
  expect(res.status).toBe(200);
  const json = (await res.json()) as { data: EnvelopeToken };
  return json.data;
}

const send = (sessionId: string, text: string, extra: Record<string, unknown> = {}) => ({
  eventId: `e-${Math.random()}`,
  timestamp: new Date().toISOString(),
  event: 'sendMessage',
  payload: { sessionId, text, ...extra },
});

const named = (name: string) => (frame: Frame) => frame.event === name;
const payloadOf = (frame: Frame) => frame.payload as Record<string, unknown>;
const messageOf = (frame: Frame) => payloadOf(frame).message as Record<string, unknown>;
const aiSaid = (text: string) => (frame: Frame) =>
  frame.event === 'newMessage' && messageOf(frame).senderType === 'AI' && messageOf(frame).text === text;

function history(server: RunningServer, sessionId: string, token: string, query = 'page=0&size=50') {
  return fetch(`${server.url}/api/v1/chat/sessions/${sessionId}/messages?${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

describe('ws-chat envelope generation: the token call', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startTestServer({ wsChatProtocol: 'envelope' });
  });
  afterEach(stopTestServers);

  it('answers the wrapped shape with the session it opened', async () => {
    const res = await postJson(server, TOKEN_PATH, { name: 'Ann', channel: 'WEB', channelUserId: 'web_1' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 200, success: true, data: { name: 'Ann', channel: 'WEB' } });
    const data = body.data as EnvelopeToken;
    expect(data.token).toMatch(/^cust_/);
    expect(typeof data.customerId).toBe('string');
    expect(typeof data.sessionId).toBe('string');
  });

  it('finds the customer again by channelUserId (not channelId), with the same open session', async () => {
    const first = await envelopeToken(server, { channelUserId: 'web_same' });
    const again = await envelopeToken(server, { channelUserId: 'web_same', channelId: 'ignored' });
    expect(again.customerId).toBe(first.customerId);
    expect(again.sessionId).toBe(first.sessionId);
    expect(again.token).not.toBe(first.token);
    const a = await envelopeToken(server, { channelUserId: undefined, channelId: 'web_flat' });
    const b = await envelopeToken(server, { channelUserId: undefined, channelId: 'web_flat' });
    expect(b.customerId).not.toBe(a.customerId);
  });

  it('keeps email, phone and metadata on the customer', async () => {
    const t = await envelopeToken(server, {
      email: 'ann@example.com',
      phone: '+100',
      metadata: { plan: 'pro' },
    });
    expect(getWsChatModule(server).state.customer(t.customerId)).toMatchObject({
      email: 'ann@example.com',
      phone: '+100',
      metadata: { plan: 'pro' },
    });
  });

  it.each([
    [{ channel: 'WEB' }, 'name'],
    [{ name: 'Ann', channel: 'FAX' }, 'channel'],
    [{ name: 'Ann', channel: 'WEB', metadata: 'x' }, 'metadata'],
    [{ name: 'Ann', channel: 'WEB', email: 42 }, 'email'],
  ])('refuses %j with a wrapped 400 naming the field', async (body, field) => {
    const res = await postJson(server, TOKEN_PATH, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { code: number; success: boolean; message: string };
    expect(json).toMatchObject({ code: 400, success: false });
    expect(json.message).toContain(field);
  });
});

describe('ws-chat envelope generation: the socket', () => {
  let server: RunningServer;
  let token: EnvelopeToken;
  beforeEach(async () => {
    server = await startTestServer({ wsChatProtocol: 'envelope' });
    token = await envelopeToken(server);
  });
  afterEach(stopTestServers);

  it('refuses flat frames and anything without an event with INVALID_FORMAT', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send({ senderId: token.customerId, content: 'flat', metadata: { clientMessageId: 'c' } });
    client.send('not json');
    for (let i = 0; i < 2; i++) {
      const error = await client.next();
      expect(error).toMatchObject({ event: 'error', payload: { type: 'INVALID_FORMAT' } });
    }
  });

  it('answers ping with an event named ping, and an unknown event with a WARN notification', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send({ event: 'ping' });
    expect(await client.next()).toEqual({ event: 'ping', payload: { message: 'ping' } });
    client.send({ event: 'dance', payload: {} });
    expect(await client.next()).toMatchObject({ event: 'notification', payload: { type: 'WARN' } });
  });

  it('never echoes sendMessage to its sender; the customer’s other sockets get it as USER', async () => {
    const sender = await TestClient.connect(server, token.token);
    const otherTab = await TestClient.connect(server, (await envelopeToken(server)).token);
    sender.send(send(token.sessionId, 'hello'));
    const seen = await otherTab.nextMatching(named('newMessage'));
    expect(seen.payload).toMatchObject({
      sessionId: token.sessionId,
      message: { senderType: 'USER', text: 'hello', sessionId: token.sessionId, internal: false },
    });
    await sender.nextMatching(aiSaid('You said: hello'));
    expect(
      sender.frames.filter((f) => f.event === 'newMessage' && messageOf(f).senderType === 'USER'),
    ).toEqual([]);
    // The bot shows it is working before it answers, greets first, then answers.
    const kinds = sender.frames.map((f) => (f.event === 'newMessage' ? messageOf(f).text : f.event));
    expect(kinds).toEqual(['workflowStatus', GREETING, 'workflowStatus', 'You said: hello']);
  });

  it('answers a refused sendMessage with an error event and stores nothing', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(send(token.sessionId, '   '));
    expect(await client.next()).toMatchObject({ event: 'error', payload: { type: 'VALIDATION_ERROR' } });
    client.send(send(token.sessionId, 'x'.repeat(8 * 1024 + 1)));
    expect(await client.next()).toMatchObject({
      event: 'error',
      payload: { message: expect.stringContaining('8 KB') },
    });
    client.send(send('someone-elses-session', 'hi'));
    expect(await client.next()).toMatchObject({ event: 'error', payload: { type: 'SESSION_NOT_FOUND' } });
    const page = (await (await history(server, token.sessionId, token.token)).json()) as {
      totalElements: number;
    };
    expect(page.totalElements).toBe(0);
  });

  it('serves the history newest first with Bearer only, with isMine and agentName, in pages', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(send(token.sessionId, 'operator'));
    await client.nextMatching((f) => f.event === 'newMessage' && messageOf(f).senderType === 'AGENT');

    const res = await history(server, token.sessionId, token.token);
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      content: Array<Record<string, unknown>>;
      totalElements: number;
      last: boolean;
    };
    expect(page.content.map((m) => [m.senderType, m.isMine, m.agentName])).toEqual([
      ['AGENT', false, AGENT.name],
      ['USER', true, null],
    ]);
    expect(page).toMatchObject({ totalElements: 2, last: true });
    const second = (await (await history(server, token.sessionId, token.token, 'page=1&size=1')).json()) as {
      content: Array<{ text: string }>;
    };
    expect(second.content.map((m) => m.text)).toEqual(['operator']);

    const inQuery = await fetch(
      `${server.url}/api/v1/chat/sessions/${token.sessionId}/messages?token=${token.token}`,
    );
    expect(inQuery.status).toBe(401);
    const stranger = await envelopeToken(server, { channelUserId: 'web_eve' });
    expect((await history(server, token.sessionId, stranger.token)).status).toBe(403);
  });

  it('plays an agent taking over: sessionUpdated, agentTyping, then the AGENT message', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(send(token.sessionId, 'operator'));
    const updated = await client.nextMatching(named('sessionUpdated'));
    expect(updated.payload).toMatchObject({
      session: { id: token.sessionId, status: 'OPEN', primaryAgentId: AGENT.id },
    });
    expect((await client.nextMatching(named('agentTyping'))).payload).toMatchObject({
      agentId: AGENT.id,
      isTyping: true,
    });
    const reply = await client.nextMatching(named('newMessage'));
    expect(messageOf(reply)).toMatchObject({ senderType: 'AGENT', agentId: AGENT.id });
    expect((await client.next()).payload).toMatchObject({ isTyping: false });
  });

  it('sends SYSTEM and TOOL messages, help for this generation, and ends the session on "end"', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(send(token.sessionId, 'system'));
    expect(messageOf(await client.nextMatching(named('newMessage')))).toMatchObject({
      senderType: 'SYSTEM',
      text: SYSTEM_TEXT,
    });
    client.send(send(token.sessionId, 'tool'));
    expect(messageOf(await client.nextMatching(named('newMessage'))).senderType).toBe('TOOL');
    await client.nextMatching(aiSaid('I looked it up: there are no open orders.'));
    client.send(send(token.sessionId, 'help'));
    await client.nextMatching(aiSaid(ENVELOPE_HELP));

    client.send(send(token.sessionId, 'end'));
    const ended = await client.nextMatching(named('sessionUpdated'));
    expect(ended.payload).toMatchObject({ session: { status: 'CLOSED' } });
    client.send(send(token.sessionId, 'still there?'));
    expect(await client.nextMatching(named('error'))).toMatchObject({ payload: { type: 'SESSION_CLOSED' } });
    const next = await envelopeToken(server);
    expect(next.sessionId).not.toBe(token.sessionId);
  });
});

describe('ws-chat envelope generation: files', () => {
  let server: RunningServer;
  let token: EnvelopeToken;
  beforeEach(async () => {
    server = await startTestServer({ wsChatProtocol: 'envelope' });
    token = await envelopeToken(server);
  });
  afterEach(stopTestServers);

  const upload = (bearer: string | undefined, file: Blob, name = 'photo.png') => {
    const form = new FormData();
    form.append('file', file, name);
    return fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      body: form,
      headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
    });
  };

  it('stores an upload (Bearer token, field "file") and serves it back', async () => {
    expect((await upload(undefined, new Blob(['x']))).status).toBe(401);
    const res = await upload(token.token, new Blob([new Uint8Array(2048)], { type: 'image/png' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      id: string;
      originalName: string;
      url: string;
      contentType: string;
      fileSize: number;
    };
    expect(body).toMatchObject({ originalName: 'photo.png', contentType: 'image/png', fileSize: 2048 });
    const served = await fetch(body.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect((await served.arrayBuffer()).byteLength).toBe(2048);
    const page = await fetch(body.url.replace(body.id, 'nope'));
    expect(page.status).toBe(404);
  });

  it('serves an uploaded HTML page as a download, never inline', async () => {
    const res = await upload(
      token.token,
      new Blob(['<script>alert(1)</script>'], { type: 'text/html' }),
      'x.html',
    );
    const { url } = (await res.json()) as { url: string };
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('takes a message of attachments only, and the bot sends pictures', async () => {
    const client = await TestClient.connect(server, token.token);
    const attachment = { type: 'FILE', url: `${server.url}/api/v1/files/x`, name: 'a.pdf', sizeKb: 3 };
    client.send(send(token.sessionId, '', { attachments: [attachment] }));
    await client.nextMatching(aiSaid('I received your message.'));
    client.send(send(token.sessionId, 'image'));
    const picture = messageOf(await client.nextMatching(aiSaid('Here is a picture.')));
    const [file] = picture.attachments as Array<{ type: string; url: string; sizeKb: number }>;
    expect(file?.type).toBe('IMAGE');
    expect(Number.isInteger(file?.sizeKb) && file!.sizeKb > 0).toBe(true);
    expect((await fetch(file!.url)).headers.get('content-type')).toBe('image/png');
    const page = (await (await history(server, token.sessionId, token.token)).json()) as {
      content: Array<{ attachments: unknown[]; isMine: boolean }>;
    };
    expect(page.content.filter((m) => m.isMine).at(-1)?.attachments).toMatchObject([
      { type: 'FILE', name: 'a.pdf', sizeKb: 3 },
    ]);
  });
});

describe('ws-chat state across a restart', () => {
  afterEach(stopTestServers);

  it('keeps customers, tokens and sessions when the state is handed to the new server', async () => {
    const state: ServerState = {};
    const first = await startServer({ wsChatProtocol: 'envelope', replyDelayMs: 0, state });
    const token = await envelopeToken(first);
    const port = first.port;
    await first.close();
    const again = await startTestServer({ wsChatProtocol: 'envelope', port, state });
    const client = await TestClient.connect(again, token.token);
    client.send(send(token.sessionId, 'after the restart'));
    await client.nextMatching(aiSaid('You said: after the restart'));
  });
});
