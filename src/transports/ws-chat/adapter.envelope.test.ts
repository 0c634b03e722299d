// @vitest-environment node
/**
 * What is specific to the event-envelope generation (the product's current server), against the
 * reference server playing it: detection, the token call's fields, confirmation without echo, the
 * events, uploads, the history call's token refresh, the keep-alive, and data-protocol="flat"
 * meeting it (the switch from flat frames: adapter.switch.test.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { memoryStore } from '../../core/storage';
import type { OperatorChange, TransportError, TypingChange } from '../../core/types';
import { adapter, onCleanup, server, until } from './test-support';

const envelope = { wsChatProtocol: 'envelope' } as const;

async function connected(extra: Parameters<typeof adapter>[2] = {}, storage = memoryStore()) {
  const s = await server(envelope);
  const parts = adapter(s.url, storage, extra);
  parts.a.connect();
  await until(() => parts.a.status === 'connected');
  return { s, ...parts };
}

describe('ws-chat adapter, envelope generation', () => {
  it('finds the generation from the token answer and remembers it; the visitor id and details reach the server', async () => {
    const { s, a, storage } = await connected({
      email: 'ann@example.com',
      phone: '+100',
      metadata: { plan: 'pro' },
    });
    expect(storage.get('generation')).toBe('envelope');
    expect(a.capabilities).toMatchObject({
      uploads: {},
      typingIn: true,
      operators: true,
      deliveryConfirmation: true,
    });
    const session = JSON.parse(storage.get('session')!);
    expect(typeof session.sessionId).toBe('string');
    const customer = getWsChatModule(s).state.customer(session.customerId);
    expect(customer).toMatchObject({
      visitorId: storage.get('channelId'),
      email: 'ann@example.com',
      phone: '+100',
      metadata: { plan: 'pro' },
    });
  });

  it('confirms a message without an echo, and never shows it twice when the history brings it back', async () => {
    const { s, a, messages } = await connected();
    expect(await a.send({ clientId: 'c-1', text: 'hello' })).toMatchObject({ confirmed: true });
    await until(() => messages.some((m) => m.text === 'You said: hello'));
    expect(messages.some((m) => m.author.kind === 'visitor')).toBe(false); // no echo
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    await until(() => a.status === 'connected');
    // The gap fill returns it with its server id, tied to the client id the store shows it under.
    const mine = messages.filter((m) => m.author.kind === 'visitor');
    expect(mine.map((m) => [m.text, m.clientId])).toEqual([['hello', 'c-1']]);
  });

  it('rejects a message the server refuses with its reason, and the next one still goes', async () => {
    const { a, messages } = await connected();
    const refused = a.send({ clientId: 'big', text: 'x'.repeat(9 * 1024) });
    await expect(refused).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('8 KB'),
    });
    await expect(refused).rejects.toMatchObject({ fatal: true });
    expect(await a.send({ clientId: 'ok', text: 'short' })).toMatchObject({ confirmed: true });
    await until(() => messages.some((m) => m.text === 'You said: short'));
  });

  it('turns the events into domain events: operator, typing, working, system, tool, files, the end', async () => {
    const { a, messages } = await connected();
    const typing: TypingChange[] = [];
    const operators: OperatorChange[] = [];
    const ended: string[] = [];
    a.on('typing', (t) => typing.push(t));
    a.on('operator', (o) => operators.push(o));
    a.on('sessionEnded', (e) => ended.push(e.reason));

    await a.send({ clientId: '1', text: 'hi' });
    await until(() => messages.some((m) => m.text === 'You said: hi'));
    expect(typing[0]).toEqual({ on: true, author: { kind: 'bot' } }); // workflowStatus: the bot works

    await a.send({ clientId: '2', text: 'system' });
    await a.send({ clientId: '3', text: 'tool' });
    await until(() => messages.some((m) => m.text.startsWith('I looked it up')));
    expect(messages.find((m) => m.author.kind === 'system')?.text).toMatch(/recorded/);
    expect(messages.some((m) => m.text.includes('orders.lookup'))).toBe(false); // TOOL is not shown

    await a.send({ clientId: '4', text: 'image' });
    await until(() => messages.some((m) => m.text === 'Here is a picture.'));
    const picture = messages.find((m) => m.text === 'Here is a picture.')?.attachments?.[0];
    expect(picture).toMatchObject({
      name: 'picture.png',
      contentType: 'image/png',
      url: expect.stringMatching(/^http:/),
    });

    await a.send({ clientId: '5', text: 'operator' });
    await until(() => messages.some((m) => m.author.kind === 'operator'));
    // Live events name the agent by id only: the history tells the name before their message shows,
    // and the operator, announced unnamed when the session named them, is announced with it.
    expect(messages.find((m) => m.author.kind === 'operator')?.author).toEqual({
      kind: 'operator',
      id: 'agent-anna',
      name: 'Anna',
    });
    // (Unnamed first when the look-up ran before the agent's message was stored.)
    expect(operators.at(-1)).toEqual({ operator: { kind: 'operator', id: 'agent-anna', name: 'Anna' } });
    expect(operators.length).toBeLessThanOrEqual(2);
    expect(typing.filter((t) => t.author.kind === 'operator').map((t) => t.on)).toEqual([true, false]);

    await a.send({ clientId: '6', text: 'end' });
    await until(() => ended.length === 1);
    expect(ended).toEqual(['closed']);
  });

  it('names an agent who joins before their first message is stored: the session names nobody, their message does', async () => {
    const s = await server({ ...envelope, replyDelayMs: 150 });
    const { a, messages } = adapter(s.url, memoryStore());
    const operators: OperatorChange[] = [];
    a.on('operator', (o) => operators.push(o));
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: '1', text: 'operator' });
    await until(() => messages.some((m) => m.author.kind === 'operator'));
    expect(messages.find((m) => m.author.kind === 'operator')?.author).toMatchObject({ name: 'Anna' });
    expect(operators).toEqual([
      { operator: { kind: 'operator', id: 'agent-anna' } },
      { operator: { kind: 'operator', id: 'agent-anna', name: 'Anna' } },
    ]);
  });

  it('starts a new session after the end when reset, in the same socket’s customer', async () => {
    const { a, storage, messages } = await connected();
    const ended: string[] = [];
    a.on('sessionEnded', (e) => ended.push(e.reason));
    await a.send({ clientId: '1', text: 'end' });
    await until(() => ended.length === 1);
    const before = JSON.parse(storage.get('session')!);
    expect(before.sessionId).toBeUndefined();
    a.reset();
    await until(
      () => a.status === 'connected' && JSON.parse(storage.get('session')!).sessionId !== undefined,
    );
    await a.send({ clientId: '2', text: 'new start' });
    await until(() => messages.some((m) => m.text === 'You said: new start'));
    expect(JSON.parse(storage.get('session')!).customerId).toBe(before.customerId);
  });

  it('forgets the visitor on logout: the next connection is a new customer, the generation is still known', async () => {
    const { s, a, storage, messages } = await connected();
    await a.send({ clientId: '1', text: 'before logout' });
    await until(() => messages.some((m) => m.text === 'You said: before logout'));
    const before = JSON.parse(storage.get('session')!);
    a.forget();
    expect(a.status).toBe('disconnected');
    for (const key of ['session', 'channelId', 'sent']) expect(storage.get(key)).toBeNull();
    expect(storage.get('generation')).toBe('envelope');
    a.connect();
    await until(() => a.status === 'connected');
    const after = JSON.parse(storage.get('session')!);
    expect(after.customerId).not.toBe(before.customerId);
    expect(getWsChatModule(s).state.customer(after.customerId)?.visitorId).not.toBe(
      getWsChatModule(s).state.customer(before.customerId)?.visitorId,
    );
  });

  it('shows a message the visitor wrote in another tab as their own', async () => {
    const storage = memoryStore();
    const { s, a, messages } = await connected({}, storage);
    const other = adapter(s.url, memoryStore(), { channelId: storage.get('channelId')! });
    other.a.connect();
    await until(() => other.a.status === 'connected');
    await other.a.send({ clientId: 'elsewhere', text: 'from my phone' });
    await until(() => messages.some((m) => m.text === 'from my phone'));
    expect(messages.find((m) => m.text === 'from my phone')).toMatchObject({ author: { kind: 'visitor' } });
    expect(messages.find((m) => m.text === 'from my phone')?.clientId).toBeUndefined();
    expect(a.status).toBe('connected');
  });

  it('uploads a file with the Bearer token and sends it with the message; names the agent from history', async () => {
    const { s, a, messages, storage } = await connected();
    const file = Object.assign(new Blob([new Uint8Array(3000)], { type: 'image/png' }), { name: 'shot.png' });
    const uploaded = await a.upload(file);
    expect(uploaded).toMatchObject({ name: 'shot.png', contentType: 'image/png', size: 3000 });
    await a.send({ clientId: 'f', text: '', attachmentIds: [uploaded.id] });
    await until(() => messages.some((m) => m.text === 'I received your message.'));
    const [conversation] = getWsChatModule(s).state.allConversations();
    expect(conversation?.messages[0]?.attachments).toMatchObject([
      { type: 'IMAGE', name: 'shot.png', sizeKb: 3, url: uploaded.url },
    ]);

    await a.send({ clientId: 'o', text: 'operator' });
    await until(() => messages.some((m) => m.author.kind === 'operator'));
    // A reload: the history names the agent (live events carry only an id).
    a.disconnect();
    const again = adapter(s.url, storage);
    again.a.connect();
    await until(() => again.a.status === 'connected');
    expect(again.messages.find((m) => m.author.kind === 'operator')?.author.name).toBe('Anna');
    expect(again.messages.filter((m) => m.author.kind === 'visitor').map((m) => m.clientId)).toEqual([
      'f',
      'o',
    ]);
  });

  it('gets one new token when the history call answers 401, keeping the session', async () => {
    const s = await server(envelope);
    const calls: string[] = [];
    let refuseHistory = 1;
    const fetchSpy = ((input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      calls.push(path.includes('/sessions/') ? 'history' : 'token');
      // A server that expires tokens: the first history call finds this one expired.
      if (path.includes('/sessions/') && refuseHistory-- > 0)
        return Promise.resolve(new Response('', { status: 401 }));
      return fetch(input, init);
    }) as typeof fetch;
    const storage = memoryStore();
    const { a } = adapter(s.url, storage, { fetch: fetchSpy });
    a.connect();
    await until(() => a.status === 'connected');
    const first = JSON.parse(storage.get('session')!);
    a.disconnect();
    const again = adapter(s.url, storage, { fetch: fetchSpy });
    refuseHistory = 1;
    calls.length = 0;
    again.a.connect();
    await until(() => again.a.status === 'connected');
    expect(calls).toEqual(['history', 'token', 'history']);
    const after = JSON.parse(storage.get('session')!);
    expect(after.token).not.toBe(first.token);
    expect(after.sessionId).toBe(first.sessionId);
  });

  it('notices a dead link by its unanswered keep-alive ping and reconnects', async () => {
    const answered: string[] = [];
    let answer = true;
    const http = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/api/v1/public/customer-token')) {
        res.end(
          JSON.stringify({ success: true, data: { customerId: 'c', token: 'cust_1', sessionId: 's' } }),
        );
      } else res.end(JSON.stringify({ content: [], last: true }));
    });
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        if (JSON.parse(String(data)).event !== 'ping' || !answer) return;
        answered.push('ping');
        ws.send(JSON.stringify({ event: 'ping', payload: { message: 'ping' } }));
      }),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    onCleanup(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          http.closeAllConnections();
          http.close(() => r());
        }),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    onCleanup(() => warn.mockRestore());
    const { a, statuses } = adapter(
      `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
      memoryStore(),
      {
        pingIntervalMs: 50,
        watchdogMs: 200,
      },
    );
    a.connect();
    await until(() => a.status === 'connected');
    await until(() => answered.length >= 2); // the keep-alive runs and is answered
    answer = false; // the link goes silent without closing
    await until(() => statuses.some((x) => x.status === 'reconnecting' && x.reason === 'silent'));
    answer = true;
    await until(() => a.status === 'connected');
    await expect(a.send({ clientId: 'k', text: 'after' })).resolves.toMatchObject({ confirmed: true });
  });

  it('fails with a config error when data-protocol="flat" meets a server that refuses flat frames', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    onCleanup(() => err.mockRestore());
    const s = await server(envelope);
    const { a } = adapter(s.url, memoryStore(), { protocol: 'flat' });
    const errors: TransportError[] = [];
    a.on('error', (e) => errors.push(e));
    a.connect();
    await until(() => a.status === 'connected');
    // Caught at once: the rejection comes while we wait for the status, before any expect() is attached.
    const sending = a.send({ clientId: 'k', text: 'flat' }).then(
      () => null,
      (e: unknown) => e,
    );
    await until(() => a.status === 'failed');
    expect(await sending).toMatchObject({ code: 'disconnected' });
    expect(errors.map((e) => e.code)).toEqual(['config']);
    expect(String(err.mock.calls[0]?.join(' '))).toContain('data-protocol');
  });
});
