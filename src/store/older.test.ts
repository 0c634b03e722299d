/**
 * Older messages on demand (issue 16 point 5, issue 9): merged in at the start of the list, each
 * once and in order, and the list stays bounded. The store runs over the real ws-chat adapter and
 * the reference server; the merge itself is tested on plain lists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getWsChatModule } from '../../server/ws-chat/index';
import { memoryStore } from '../core/storage';
import type { IncomingMessage } from '../core/types';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { adapter, server, until, widget } from '../transports/ws-chat/test-support';
import { createChatStore } from './chat-store';
import { MAX_IN_MEMORY } from './older';
import { mergeOlder } from './older-pages';
import type { ChatMessage } from './types';

const T0 = Date.parse('2026-01-01T10:00:00Z');

const bot = (i: number): IncomingMessage => ({
  id: `m${i}`,
  text: `m${i}`,
  at: T0 + i,
  author: { kind: 'bot' },
});
const held = (i: number): ChatMessage => ({
  key: `in:m${i}`,
  id: `m${i}`,
  direction: 'in',
  text: `m${i}`,
  at: T0 + i,
  author: { kind: 'bot' },
  kind: 'regular',
});
const mine = (text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  key: `c-${text}`,
  clientId: `c-${text}`,
  direction: 'out',
  text,
  at: T0,
  author: { kind: 'visitor' },
  kind: 'regular',
  state: 'sent',
  ...extra,
});

describe('mergeOlder', () => {
  it('puts older messages first, in order, skipping those already held', () => {
    const list = [held(5), held(6), held(7)];
    const { list: next, added } = mergeOlder(list, [bot(2), bot(3), bot(4), bot(5), bot(3)]);
    expect(next.map((m) => m.text)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(added.map((m) => m.key)).toEqual(['in:m2', 'in:m3', 'in:m4']);
    // The messages held keep their identity (rows are memoised on it).
    expect(next[3]).toBe(list[0]);
  });

  it('returns the list itself when the history brings nothing new', () => {
    const list = [held(5), held(6)];
    expect(mergeOlder(list, [bot(5), bot(6)]).list).toBe(list);
  });

  it("recognises the visitor's own sent message that the history lists without its client id", () => {
    const list = [mine('hello'), held(5)];
    const fromHistory: IncomingMessage = { id: 's1', text: 'hello', at: T0 + 1, author: { kind: 'visitor' } };
    const { list: next, added } = mergeOlder(list, [bot(1), fromHistory]);
    expect(next.map((m) => m.text)).toEqual(['m1', 'hello', 'm5']);
    expect(next[1]).toMatchObject({ key: 'c-hello', id: 's1' });
    expect(added.map((m) => m.key)).toEqual(['in:m1']);
  });

  it('never takes a message still waiting to be sent for an old one with the same text', () => {
    const waiting = mine('hi', { state: 'sending' });
    const list = [waiting];
    const old: IncomingMessage = { id: 's0', text: 'hi', at: T0 - 5, author: { kind: 'visitor' } };
    const { list: next } = mergeOlder(list, [old]);
    expect(next).toHaveLength(2);
    expect(next[1]).toBe(waiting);
  });
});

describe('the store, paging back through the server history', () => {
  it('a new device shows the newest page, then scrolling up reaches message 1 of 600, each once, in order', async () => {
    const s = await server({ wsChatProtocol: 'envelope', bot: false });
    // The visitor's first device joined the conversation; 600 messages followed.
    const first = adapter(s.url, memoryStore(), { channelId: 'web_paging_store' });
    first.a.connect();
    await until(() => first.a.status === 'connected');
    first.a.disconnect();
    const module = getWsChatModule(s);
    const [conversation] = module.state.allConversations();
    for (let i = 1; i <= 600; i++) module.testing.say(conversation!.id, `line ${i}`);

    // A new device: nothing stored, the same visitor.
    const { a, store } = widget(s.url, memoryStore(), { channelId: 'web_paging_store' });
    let calls = 0;
    const load = a.loadOlder.bind(a);
    a.loadOlder = (before) => {
      calls += 1;
      return load(before);
    };
    store.connect();
    await until(() => store.messages.value.length === 50);
    expect(store.older.value).toBe('idle');
    const unread = store.unread.value;
    while (store.older.value !== 'done') {
      await store.loadOlder();
      expect(store.older.value).not.toBe('failed');
      expect(calls).toBeLessThan(30);
    }
    const texts = store.messages.value.map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: 600 }, (_, i) => `line ${i + 1}`));
    expect(new Set(store.messages.value.map((m) => m.key)).size).toBe(600);
    // 50 from the first connection's history call, then 11 pages of 50 (the last says it is the first).
    expect(calls).toBe(11);
    // Old messages are not news.
    expect(store.unread.value).toBe(unread);
  });

  it('a live message during the paging still goes to the end', async () => {
    const s = await server({ wsChatProtocol: 'envelope', bot: false });
    const { a, store, storage } = widget(s.url, memoryStore());
    store.connect();
    await until(() => a.status === 'connected');
    const { sessionId } = JSON.parse(storage.get('session')!) as { sessionId: string };
    const module = getWsChatModule(s);
    for (let i = 1; i <= 120; i++) module.testing.say(sessionId, `line ${i}`);
    await until(() => store.messages.value.length === 120);
    // Only the last 20 are held now (as after a first fill on a new device).
    store.messages.value = store.messages.value.slice(100);
    const loading = store.loadOlder();
    module.testing.say(sessionId, 'live');
    await loading;
    await until(() => store.messages.value.at(-1)?.text === 'live');
    while (store.older.value !== 'done') await store.loadOlder();
    expect(store.messages.value.map((m) => m.text)).toEqual([
      ...Array.from({ length: 120 }, (_, i) => `line ${i + 1}`),
      'live',
    ]);
  });
});

describe('a bounded list', () => {
  const stores: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
  });

  it('lets the oldest messages go past its bound, keeping the newest, and says older ones exist', () => {
    const transport = new EmulatorAdapter();
    // Frames arriving a thousand at a time, applied by ticks (the widget's animation frames).
    const ticks: Array<() => void> = [];
    const store = createChatStore({
      transport,
      storage: memoryStore(),
      schedule: (apply) => ticks.push(apply),
    });
    stores.push(store);
    const total = MAX_IN_MEMORY + 450;
    for (let i = 0; i < total; i++) {
      transport.receive({ id: `m${i}`, text: `m${i}`, at: T0 + i });
      if (i % 1000 === 999 || i === total - 1)
        while (ticks.length) for (const apply of ticks.splice(0)) apply();
    }
    const list = store.messages.value;
    expect(list.length).toBeLessThanOrEqual(MAX_IN_MEMORY + 200);
    expect(list.length).toBeGreaterThanOrEqual(MAX_IN_MEMORY);
    expect(list.at(-1)?.text).toBe(`m${total - 1}`);
    // Still in order, each once.
    const n = Number(list[0]!.text.slice(1));
    expect(list.map((m) => m.text)).toEqual(Array.from({ length: list.length }, (_, i) => `m${n + i}`));
  });
});
