/**
 * The conversation's history (issue 16, items 4 and 5): all of it survives a reload, in pages, so
 * older messages stay reachable and a redelivered old message is recognised however many newer
 * ones came since; a message arriving late is placed by the server's time, not at the end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, memoryStore } from '../core/storage';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createChatStore } from './chat-store';
import { mergeLists } from './merge';
import { loadMessages, PAGE_SIZE, saveMessages, storedView } from './persistence';
import type { ChatMessage } from './types';

const stores: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

function open(storage: KeyValueStore) {
  const transport = new EmulatorAdapter();
  const store = createChatStore({ transport, storage });
  stores.push(store);
  return { transport, store };
}

/** A page reload: the old store goes away with everything it had written. */
function reload(storage: KeyValueStore, current: { store: { dispose(): void } }) {
  current.store.dispose();
  return open(storage);
}

const T0 = Date.parse('2026-01-01T10:00:00Z');

/** A bot message as the store keeps it: `m{i}` by default, `{tag}{i}` to tell two lists apart. */
const stored = (i: number, tag = 'm'): ChatMessage => ({
  key: `in:${tag}${i}`,
  id: `${tag}${i}`,
  direction: 'in',
  text: `${tag}${i}`,
  at: T0 + i,
  author: { kind: 'bot' },
  kind: 'regular',
});

describe('history across reloads', () => {
  it('keeps the whole conversation, not its last 200 messages', () => {
    const storage = memoryStore();
    const first = open(storage);
    for (let i = 0; i < 1050; i++) first.transport.receive({ id: `m${i}`, text: `m${i}`, at: T0 + i });
    const second = reload(storage, first);
    const texts = second.store.messages.value.map((m) => m.text);
    expect(texts).toHaveLength(1050);
    expect(texts[0]).toBe('m0');
    expect(texts.at(-1)).toBe('m1049');
  });

  it('drops a redelivery of an old message after a reload, 520 messages later', () => {
    const storage = memoryStore();
    const first = open(storage);
    first.transport.receive({ id: 'old', text: 'the old one', at: T0 });
    for (let i = 0; i < 520; i++) first.transport.receive({ id: `n${i}`, text: `n${i}`, at: T0 + 1 + i });
    const second = reload(storage, first);
    second.transport.receive({ id: 'old', text: 'the old one', at: T0 });
    const texts = second.store.messages.value.map((m) => m.text);
    expect(texts.filter((t) => t === 'the old one')).toHaveLength(1);
    expect(texts[0]).toBe('the old one');
    expect(texts.at(-1)).toBe('n519');
  });

  it('rewrites only the newest page when a message arrives', () => {
    const writes: string[] = [];
    const backing = memoryStore();
    const storage: KeyValueStore = {
      get: (k) => backing.get(k),
      set: (k, v) => {
        writes.push(k === 'messages.mark' ? k : `${k}:${(JSON.parse(v) as unknown[]).length}`);
        backing.set(k, v);
      },
      remove: (k) => backing.remove(k),
    };
    const list = Array.from({ length: 3 * PAGE_SIZE + 5 }, (_, i) => stored(i));
    saveMessages(storage, list);
    writes.length = 0;
    const next = [...list, { ...list[0]!, key: 'in:new', id: 'new', text: 'new' }];
    saveMessages(storage, next);
    expect(writes).toEqual(['messages:6', 'messages.mark']);
    expect(loadMessages(storage).map((m) => m.text)).toEqual(next.map((m) => m.text));
  });

  it('two tabs writing in turn never leave a mix of their pages: the last writer’s list wins whole', () => {
    const storage = memoryStore(); // one site, two tabs (each its own storage object)
    const other: KeyValueStore = { get: storage.get, set: storage.set, remove: storage.remove };
    const item = stored;
    const mine = Array.from({ length: 250 }, (_, i) => item(i, 'a'));
    saveMessages(storage, mine);
    // The other tab's list is cut into pages at other places (it has messages this one lacks).
    saveMessages(other, [item(0, 'b'), ...mine.slice(0, 120), item(1, 'b'), ...mine.slice(120)]);
    // This tab changes only its newest page; the pages the other tab rewrote must not stay mixed in.
    const next = [...mine, item(250, 'a')];
    saveMessages(storage, next);
    expect(loadMessages(storage).map((m) => m.text)).toEqual(next.map((m) => m.text));
  });

  it('after reading a shorter list another tab wrote, writes again the pages it removed', () => {
    const storage = memoryStore();
    const other: KeyValueStore = { get: storage.get, set: storage.set, remove: storage.remove };
    const mine = storedView();
    const list = Array.from({ length: 250 }, (_, i) => stored(i, 'a'));
    saveMessages(storage, list, mine);
    // The other tab's list fits one page (it holds only the newest of ours): it removes
    // `messages.0` and `messages.1`, which hold the same messages as when this tab wrote them.
    saveMessages(other, [...list.slice(200), stored(0, 'b')]);
    const merged = mergeLists(list, loadMessages(storage, mine));
    saveMessages(storage, merged, mine);
    expect(loadMessages(other).map((m) => m.text)).toEqual(merged.map((m) => m.text));
    expect(merged).toHaveLength(251);
  });

  it('reads what an older version stored (one list under `messages`)', async () => {
    const storage = memoryStore();
    const legacy = Array.from({ length: 200 }, (_, i) => stored(i));
    storage.set('messages', JSON.stringify(legacy));
    const { store, transport } = open(storage);
    expect(store.messages.value).toHaveLength(200);
    transport.receive({ id: 'x', text: 'one more', at: T0 + 500 });
    // Written with the change batch (store/persist.ts), not at once.
    await vi.waitFor(() => expect(loadMessages(storage)).toHaveLength(201));
  });
});

describe('placement by the server’s time', () => {
  it('places a message that arrives late among the server’s messages by its own time', () => {
    const { transport, store } = open(memoryStore());
    transport.receive({ id: 'a', text: 'a', at: T0 + 10 });
    transport.receive({ id: 'c', text: 'c', at: T0 + 30 });
    transport.receive({ id: 'd', text: 'd', at: T0 + 40 });
    transport.receive({ id: 'b', text: 'b', at: T0 + 20 }); // redelivered after a lost link
    expect(store.messages.value.map((m) => m.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never moves a message past the visitor’s own (their times are the browser’s clock)', async () => {
    const { transport, store } = open(memoryStore());
    transport.connect();
    transport.receive({ id: 'a', text: 'a', at: T0 + 10 });
    store.send('mine');
    transport.receive({ id: 'c', text: 'c', at: T0 + 30 });
    transport.receive({ id: 'b', text: 'b', at: T0 + 20 });
    expect(store.messages.value.map((m) => m.text)).toEqual(['a', 'mine', 'b', 'c']);
  });
});
