// @vitest-environment node
/**
 * The ws-chat adapter against the real reference server on 127.0.0.1, playing each generation of
 * the product: what must hold whichever one the backend speaks.
 */
import { describe, expect, it } from 'vitest';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { adapter, GENERATIONS, server, serverTexts, until, widget } from './test-support';

describe.each(GENERATIONS)('ws-chat adapter against the %s reference server', (generation) => {
  const options = { wsChatProtocol: generation } as const;

  it('detects the generation, connects, sends, and gets the bot answer', async () => {
    const s = await server(options);
    const { a, messages, storage } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    expect(storage.get('generation')).toBe(generation);
    const receipt = await a.send({ clientId: 'c-1', text: 'hello' });
    // The current server confirms by a ping round trip, the flat reference server by its echo.
    expect(receipt.confirmed).toBe(true);
    await until(() => messages.some((m) => m.text === 'You said: hello'));
    expect(messages.find((m) => m.author.kind === 'bot')?.text).toMatch(/Parley demo bot/);
    // Never shown twice: the flat echo carries the client id, the envelope server sends no echo.
    expect(messages.filter((m) => m.author.kind === 'visitor' && !m.clientId)).toEqual([]);
    expect(serverTexts(s)).toEqual(['hello']);
  });

  it('reuses the stored customer and conversation on a new adapter (a reload)', async () => {
    const s = await server(options);
    const first = adapter(s.url);
    first.a.connect();
    await until(() => first.a.status === 'connected');
    await first.a.send({ clientId: 'c-1', text: 'first visit' });
    await until(() => first.messages.some((m) => m.text === 'You said: first visit'));
    const session = JSON.parse(first.storage.get('session')!);
    first.a.disconnect();

    const second = adapter(s.url, first.storage);
    second.a.connect();
    await until(() => second.a.status === 'connected');
    await second.a.send({ clientId: 'c-2', text: 'after reload' });
    await until(() => second.messages.some((m) => m.text === 'You said: after reload'));
    const after = JSON.parse(second.storage.get('session')!);
    expect(after).toEqual(session); // same customer, conversation and token: no new token needed
    expect(serverTexts(s)).toEqual(['first visit', 'after reload']);
  });

  it('delivers messages queued while the server was away exactly once, in order', async () => {
    const s = await server(options);
    const storage = memoryStore();
    const { a, store } = widget(s.url, storage);
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

    // A server that lost its memory: the widget gets a new token (and a new conversation).
    const again = await server({ ...options, port });
    await until(() =>
      store.messages.value.filter((m) => m.direction === 'out').every((m) => m.state === 'sent'),
    );
    expect(serverTexts(again)).toEqual(['queued one', 'queued two']);
    const shown = store.messages.value.filter((m) => m.direction === 'out').map((m) => m.text);
    expect(shown).toEqual(['before restart', 'queued one', 'queued two']);
  });

  it('reconnects after the server drops the connection', async () => {
    const s = await server(options);
    const { a, statuses, messages } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    s.dropConnections();
    await until(() => statuses.some((x) => x.status === 'reconnecting' && typeof x.retryInMs === 'number'));
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'after-drop', text: 'still here' });
    await until(() => messages.some((m) => m.text === 'You said: still here'));
  });

  it('fills the gap after a reconnect: a reply sent while the socket was down arrives once', async () => {
    const s = await server({ ...options, replyDelayMs: 100 });
    const { a, messages } = adapter(s.url, memoryStore(), {
      // Slower than the bot, so its reply is sent while no socket is open.
      backoff: new Backoff({ baseMs: 800, capMs: 800, random: () => 1 }),
    });
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'first', text: 'hello' });
    await until(() => messages.some((m) => m.text.startsWith('You said: hello')));
    await a.send({ clientId: 'second', text: 'are you there?' });
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    await until(() => messages.some((m) => m.text === 'You said: are you there?'));
    expect(messages.filter((m) => m.text === 'You said: are you there?')).toHaveLength(1);
    expect(messages.find((m) => m.text === 'You said: are you there?')?.backfill).toBe(true);
  });

  it('fetches a new token once when the server revokes the old one, in the same conversation', async () => {
    const s = await server(options);
    const { a, storage, messages } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'k0', text: 'before' });
    await until(() => messages.some((m) => m.text === 'You said: before'));
    const old = JSON.parse(storage.get('session')!);
    getWsChatModule(s).revokeTokens();
    await until(() => a.status === 'connected' && JSON.parse(storage.get('session')!).token !== old.token);
    await a.send({ clientId: 'k', text: 'with a new token' });
    await until(() => messages.some((m) => m.text === 'You said: with a new token'));
    const now = JSON.parse(storage.get('session')!);
    expect([now.customerId, now.conversationId, now.sessionId]).toEqual([
      old.customerId,
      old.conversationId,
      old.sessionId,
    ]);
  });
});
