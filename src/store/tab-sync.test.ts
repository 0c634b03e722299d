/**
 * Several tabs of one site, each with its own store, sharing one localStorage, one fake
 * BroadcastChannel network and one fake lock manager; the leader's adapter is the emulator.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { electLeader } from '../core/election';
import { type KeyValueStore, memoryStore } from '../core/storage';
import { broadcastBus, type TabBus } from '../core/tab-bus';
import { FakeLockManager, fakeBroadcastChannel } from '../core/test-tabs';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { TabSharedTransport } from '../transports/tabs/shared';
import { type ChatStore, createChatStore } from './chat-store';
import { createTabSync } from './tab-sync';

const NAME = 'parley:ws-chat|test';
const until = (check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout: 10_000, interval: 5 },
  );

interface Tab {
  store: ChatStore;
  transport: TabSharedTransport;
  bus: TabBus;
  /** The adapters this tab built to hold the connection. */
  reals: EmulatorAdapter[];
  crash(): void;
  close(): void;
}

/** Counts writes per key, as a spy on localStorage would. */
function countingStore(): KeyValueStore & { writes: Map<string, number> } {
  const inner = memoryStore();
  const writes = new Map<string, number>();
  return {
    writes,
    get: (k) => inner.get(k),
    remove: (k) => inner.remove(k),
    set(k, v) {
      writes.set(k, (writes.get(k) ?? 0) + 1);
      inner.set(k, v);
    },
  };
}

function browser(options: { reply?: (text: string) => string | null; sendMode?: 'hold' } = {}) {
  const Channel = fakeBroadcastChannel();
  const locks = new FakeLockManager();
  const storage = countingStore();
  const tabs: Tab[] = [];
  let adapters = 0;
  const open = (shareOpen = true, schedule?: (apply: () => void) => void): Tab => {
    const tabLocks = locks.tab();
    const bus = broadcastBus(NAME, Channel)!;
    const election = electLeader({ name: NAME, locks: tabLocks, bus });
    const reals: EmulatorAdapter[] = [];
    let probe = true;
    const transport = new TabSharedTransport({
      bus,
      election,
      create: () => {
        const adapter = new EmulatorAdapter(options.reply ? { reply: options.reply } : {});
        if (options.sendMode) adapter.sendMode = options.sendMode;
        // One backend: ids stay unique across the adapters successive leaders build.
        const receive = adapter.receive.bind(adapter);
        const prefix = `a${++adapters}-`;
        let seq = 0;
        adapter.receive = (partial) => receive({ id: `${prefix}${++seq}`, ...partial });
        if (!probe) reals.push(adapter);
        probe = false;
        return adapter;
      },
    });
    const store = createChatStore({
      transport,
      storage,
      ...(schedule ? { schedule } : {}),
    });
    store.joinTabs({ bus, election, shareOpen }, createTabSync);
    let closed = false;
    const tab: Tab = {
      store,
      transport,
      bus,
      reals,
      crash() {
        closed = true;
        tabLocks.vanish();
        bus.close();
      },
      close() {
        if (closed) return;
        closed = true;
        store.dispose();
        transport.close();
        bus.close();
      },
    };
    tabs.push(tab);
    return tab;
  };
  return { open, tabs, storage, all: () => tabs.flatMap((t) => t.reals) };
}

const browsers: Array<ReturnType<typeof browser>> = [];
function newBrowser(options?: Parameters<typeof browser>[0]) {
  const b = browser(options);
  browsers.push(b);
  return b;
}
afterEach(() => {
  for (const b of browsers.splice(0)) for (const t of b.tabs) t.close();
});

const texts = (tab: Tab) => tab.store.messages.value.map((m) => m.text);
const stored = (storage: KeyValueStore) =>
  (JSON.parse(storage.get('messages') ?? '[]') as Array<{ text: string }>).map((m) => m.text);

async function twoTabs(options?: Parameters<typeof browser>[0]) {
  const b = newBrowser(options);
  const a = b.open();
  await until(() => a.transport.leading);
  const f = b.open();
  a.store.connect();
  f.store.connect();
  await until(() => f.store.status.value.status === 'connected');
  return { b, a, f };
}

describe('tabs share one conversation', () => {
  it('sends a message typed in the follower once, through the leader, and both tabs see it sent', async () => {
    const { b, a, f } = await twoTabs();
    f.store.send('typed in B');
    await until(
      () => a.store.messages.value[0]?.state === 'sent' && f.store.messages.value[0]?.state === 'sent',
    );
    expect(texts(a)).toEqual(['typed in B']);
    expect(texts(f)).toEqual(['typed in B']);
    expect(b.all().flatMap((x) => x.sent.map((m) => m.text))).toEqual(['typed in B']);
    expect(a.store.messages.value[0]?.id).toBe(f.store.messages.value[0]?.id);
  });

  it('counts a reply unread in the tab that hears of it from the other tab before its own frame applies', async () => {
    const b = newBrowser({ reply: (t) => `You said: ${t}` });
    // The leader's incoming frames wait (as for a background tab's next animation frame).
    const held: Array<() => void> = [];
    const a = b.open(true, (apply) => held.push(apply));
    await until(() => a.transport.leading);
    const f = b.open();
    a.store.connect();
    f.store.connect();
    await until(() => f.store.status.value.status === 'connected');
    f.store.send('ping');
    await until(() => texts(a).includes('You said: ping') && texts(f).includes('You said: ping'));
    // The leader's own copy of the reply now applies, as a duplicate.
    for (const apply of held.splice(0)) apply();
    expect(texts(a).filter((t) => t === 'You said: ping')).toHaveLength(1);
    expect([a.store.unread.value, f.store.unread.value]).toEqual([1, 1]);
  });

  it('shows replies in both tabs, counts them unread in both, and opening one opens both', async () => {
    const { a, f } = await twoTabs({ reply: (t) => `You said: ${t}` });
    f.store.send('hello');
    await until(() => f.store.messages.value.length === 2 && a.store.messages.value.length === 2);
    expect(texts(f)).toEqual(['hello', 'You said: hello']);
    expect(texts(a)).toEqual(texts(f));
    expect([a.store.unread.value, f.store.unread.value]).toEqual([1, 1]);
    f.store.setOpen(true);
    await until(() => a.store.isOpen.value);
    expect([a.store.unread.value, f.store.unread.value]).toEqual([0, 0]);
  });

  it('keeps an inline widget out of the open state of the others', async () => {
    const b = newBrowser();
    const a = b.open();
    await until(() => a.transport.leading);
    const inline = b.open(false);
    inline.store.setOpen(true);
    a.store.setOpen(true);
    a.store.setOpen(false);
    b.open().store.setOpen(true); // a third tab opens: the inline one ignores it
    await new Promise((r) => setTimeout(r, 20));
    expect(inline.store.isOpen.value).toBe(true);
    expect(a.store.isOpen.value).toBe(true);
  });

  it('derives one notice per event in every tab, so merged storage holds it once', async () => {
    const { b, a, f } = await twoTabs();
    a.reals[0]!.operator({ operator: { kind: 'operator', id: 'op1', name: 'Anna' } });
    await until(() => f.store.messages.value.length === 1);
    a.store.dispose();
    f.store.dispose();
    const keys = (JSON.parse(b.storage.get('messages') ?? '[]') as Array<{ key: string }>).map((m) => m.key);
    expect(keys).toEqual(['notice:operator-joined:1']);
  });

  it('gives a tab opened later what the leader shows, and sends its messages too', async () => {
    const { b, a } = await twoTabs({ reply: (t) => `You said: ${t}` });
    a.store.send('first');
    await until(() => a.store.messages.value.length === 2);
    const late = b.open();
    await until(() => late.store.messages.value.length === 2);
    late.store.connect();
    late.store.send('from the new tab');
    await until(() => texts(a).length === 4 && texts(late).length === 4);
    expect(texts(late)).toEqual([
      'first',
      'You said: first',
      'from the new tab',
      'You said: from the new tab',
    ]);
    expect(texts(a)).toEqual(texts(late));
  });

  it('hands over when the leader closes: a message sent right after arrives once', async () => {
    const { b, a, f } = await twoTabs({ reply: (t) => `You said: ${t}` });
    f.store.send('before');
    await until(() => f.store.messages.value.length === 2);
    a.crash();
    f.store.send('right after');
    await until(() => texts(f).includes('You said: right after'));
    expect(f.transport.leading).toBe(true);
    expect(b.all().map((x) => x.sent.map((m) => m.text))).toEqual([['before'], ['right after']]);
    expect(texts(f)).toEqual(['before', 'You said: before', 'right after', 'You said: right after']);
  });

  it('re-offers the unconfirmed messages of a closed leader to the next one, shown once', async () => {
    const { b, a, f } = await twoTabs({ sendMode: 'hold' });
    f.store.send('held');
    await until(() => a.reals[0]!.sent.length === 1);
    a.crash(); // sent, never confirmed
    await until(() => f.reals[0]?.sent.length === 1);
    f.reals[0]!.confirmHeld();
    await until(() => f.store.messages.value[0]?.state === 'sent');
    expect(f.reals[0]!.sent.map((m) => m.clientId)).toEqual([f.store.messages.value[0]?.clientId]);
    expect(texts(f)).toEqual(['held']);
    expect(b.all()).toHaveLength(2);
  });

  it('sends from the follower only through the leader: the follower flushes nothing itself', async () => {
    const { a, f } = await twoTabs({ sendMode: 'hold' });
    f.store.send('one');
    f.store.send('two');
    await until(() => a.reals[0]!.sent.length === 1); // one at a time, in order
    a.reals[0]!.confirmHeld();
    await until(() => a.reals[0]!.sent.length === 2);
    expect(a.reals[0]!.sent.map((m) => m.text)).toEqual(['one', 'two']);
    expect(f.reals).toEqual([]);
  });
});

describe('persistence with several tabs', () => {
  it('writes a burst of changes once', async () => {
    const b = newBrowser();
    const a = b.open();
    await until(() => a.transport.leading);
    a.store.connect();
    await until(() => a.store.status.value.status === 'connected');
    const before = b.storage.writes.get('messages') ?? 0;
    for (let i = 0; i < 10; i++) a.reals[0]!.receive({ text: `burst ${i}` });
    await until(() => (b.storage.writes.get('messages') ?? 0) > before);
    await new Promise((r) => setTimeout(r, 50));
    expect((b.storage.writes.get('messages') ?? 0) - before).toBe(1);
    expect(stored(b.storage)).toHaveLength(10);
  });

  it('never overwrites the messages another tab saved, even without any coordination', () => {
    const storage = memoryStore();
    const one = createChatStore({ transport: new EmulatorAdapter(), storage });
    const two = createChatStore({ transport: new EmulatorAdapter(), storage });
    one.send('A offline');
    two.send('B offline');
    one.dispose();
    two.dispose();
    expect(stored(storage).sort()).toEqual(['A offline', 'B offline']);
    const reloaded = createChatStore({ transport: new EmulatorAdapter(), storage });
    expect(reloaded.messages.value.map((m) => m.text).sort()).toEqual(['A offline', 'B offline']);
    reloaded.dispose();
  });
});

describe('logout', () => {
  it('clears every tab, the draft and the storage; nothing comes back', async () => {
    const { b, a, f } = await twoTabs({ reply: (t) => `You said: ${t}` });
    f.store.send('secret');
    a.store.draft.value = 'half typed';
    await until(() => a.store.messages.value.length === 2);
    const leaderAdapter = a.reals[0]!;
    f.store.logout();
    expect(f.store.messages.value).toEqual([]);
    await until(() => a.store.messages.value.length === 0);
    expect(a.store.draft.value).toBe('');
    await until(() => leaderAdapter.forgotten === 1);
    await new Promise((r) => setTimeout(r, 50)); // any write still pending would land by now
    expect(stored(b.storage)).toEqual([]);
    expect(b.storage.get('draft')).toBeNull();
    const reloaded = b.open();
    expect(reloaded.store.messages.value).toEqual([]);
  });

  it('drops what the old visitor still had on its way, then chats as a new visitor', async () => {
    const { b, a, f } = await twoTabs({ reply: (t) => `You said: ${t}` });
    const z = b.open();
    z.store.connect();
    f.store.send('secret');
    await until(() => z.store.messages.value.length === 2);
    f.store.logout();
    // The leader relays a reply of the old conversation before it hears of the logout.
    a.reals[0]!.receive({ text: 'old reply in flight' });
    await until(() => a.reals[0]!.forgotten === 1 && a.store.messages.value.length === 0);
    await new Promise((r) => setTimeout(r, 20));
    for (const tab of [a, f, z]) expect(texts(tab)).toEqual([]);
    // The logout confirmed, the tabs take events again: a new conversation, with a new link.
    for (const tab of [a, f, z]) tab.store.connect();
    await until(() => a.reals.length === 1 && a.reals[0]!.status === 'connected');
    f.store.send('new visitor');
    await until(() => [a, f, z].every((tab) => texts(tab).length === 2));
    expect(texts(z)).toEqual(['new visitor', 'You said: new visitor']);
  });

  it('keeps a tab that missed the logout from writing the old conversation back', () => {
    const storage = memoryStore();
    const stale = createChatStore({ transport: new EmulatorAdapter(), storage });
    stale.send('old');
    const other = createChatStore({ transport: new EmulatorAdapter(), storage });
    other.logout();
    stale.send('still here'); // this tab never heard of the logout
    stale.dispose();
    other.dispose();
    expect(stored(storage)).toEqual([]);
    expect(stale.messages.value).toEqual([]);
  });
});
