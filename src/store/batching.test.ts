/**
 * Issue 9: incoming frames are applied together (the widget passes the next animation frame as
 * `schedule`), and updates that change nothing keep the same array, so nothing downstream runs.
 */
import { effect } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../core/storage';
import type { IncomingMessage } from '../core/types';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createChatStore, SLICE } from './chat-store';
import { indexFor, indexIds, markRead, mergeInto, receive, update } from './conversation';
import type { ChatMessage } from './types';

/** The emulator plus an edit of a delivered message (`messageUpdated`). */
class EditingEmulator extends EmulatorAdapter {
  edit(msg: Pick<IncomingMessage, 'id' | 'text'>): void {
    this.events.emit('messageUpdated', { at: Date.now(), author: { kind: 'bot' }, ...msg });
  }
}

const T0 = Date.parse('2026-01-01T10:00:00Z');

/** `now`: the store's clock, which also times a tick's work (a clock that races is a slow machine). */
function batched(now?: () => number) {
  const transport = new EditingEmulator();
  const ticks: Array<() => void> = [];
  const store = createChatStore({
    transport,
    storage: memoryStore(),
    schedule: (fn) => ticks.push(fn),
    ...(now ? { now } : {}),
  });
  let lists = 0;
  const stop = effect(() => {
    void store.messages.value;
    lists++;
  });
  store.connect();
  return { transport, store, ticks, changes: () => lists - 1, stop };
}

/** 1,000 frames, one tick: all of them in one list (one render, one save). */
function thousandInOneTick({ transport, store, ticks, changes, stop }: ReturnType<typeof batched>) {
  for (let i = 0; i < 1000; i++) transport.receive({ id: `m${i}`, text: `n${i}` });
  for (const fn of ticks.splice(0)) fn();
  expect(ticks).toHaveLength(0);
  expect(changes()).toBe(1);
  expect(store.messages.value).toHaveLength(1000);
  stop();
  store.dispose();
}

describe('incoming frames in one tick', () => {
  it('recognise a message delivered again in a later tick, whatever changed the list in between', () => {
    const { transport, store, ticks, stop } = batched();
    const tick = () => {
      for (const fn of ticks.splice(0)) fn();
    };
    transport.receive({ id: 'a', text: 'first' });
    tick();
    transport.receive({ id: 'b', text: 'second' });
    tick(); // (this tick extends the first one's id index)
    transport.receive({ id: 'a', text: 'first' });
    tick();
    store.send('mine'); // a message of the visitor's at the end, no id yet
    transport.edit({ id: 'b', text: 'second, edited' }); // an edit replaces an item in place
    transport.receive({ id: 'b', text: 'second' });
    transport.receive({ id: 'c', text: 'third' });
    tick();
    transport.receive({ id: 'a', text: 'first' });
    transport.receive({ id: 'c', text: 'third' });
    tick();
    expect(store.messages.value.map((m) => m.text)).toEqual(['first', 'second, edited', 'mine', 'third']);
    stop();
    store.dispose();
  });

  it('make one new list, in order, with one unread bump per message', () => {
    const { transport, store, ticks, changes, stop } = batched();
    for (let i = 0; i < SLICE; i++) transport.receive({ id: `m${i}`, text: `n${i}` });
    expect(store.messages.value).toHaveLength(0);
    expect(ticks).toHaveLength(1);
    ticks[0]!();
    expect(changes()).toBe(1);
    expect(store.messages.value.map((m) => m.text).slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
    expect(store.messages.value).toHaveLength(SLICE);
    expect(store.unread.value).toBe(SLICE);
    stop();
    store.dispose();
  });

  it('all in one tick when the machine keeps up (one list, one render, one save)', () => {
    thousandInOneTick(batched(() => T0));
  });

  it('spread over ticks, a slice each, oldest first, when a slice takes the tick’s time', () => {
    let t = T0;
    const { transport, store, ticks, changes, stop } = batched(() => (t += 10));
    for (let i = 0; i < 1000; i++) transport.receive({ id: `m${i}`, text: `n${i}` });
    expect(ticks).toHaveLength(1); // one tick asked for, however many frames wait
    const sizes: number[] = [];
    while (ticks.length) {
      const before = store.messages.value.length;
      for (const fn of ticks.splice(0)) fn();
      sizes.push(store.messages.value.length - before);
    }
    expect(sizes).toEqual(Array.from({ length: 1000 / SLICE }, () => SLICE));
    expect(changes()).toBe(1000 / SLICE); // one list (one render, one save) per tick
    expect(store.messages.value.map((m) => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
    expect(store.unread.value).toBe(1000);
    stop();
    store.dispose();
  });

  it('all at once in a hidden page, whose ticks come seldom (no frames are drawn there)', () => {
    vi.stubGlobal('document', Object.assign(new EventTarget(), { hidden: true, visibilityState: 'hidden' }));
    try {
      thousandInOneTick(batched());
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('apply every waiting frame before the visitor’s message, mid-burst', () => {
    let t = T0;
    const { transport, store, ticks, stop } = batched(() => (t += 10));
    for (let i = 0; i < 250; i++) transport.receive({ id: `m${i}`, text: `n${i}` });
    for (const fn of ticks.splice(0)) fn(); // the first slice
    store.send('mine');
    transport.receive({ id: 'late', text: 'after mine' });
    while (ticks.length) for (const fn of ticks.splice(0)) fn();
    const texts = store.messages.value.map((m) => m.text);
    expect(texts).toHaveLength(252);
    expect(texts.slice(248)).toEqual(['n248', 'n249', 'mine', 'after mine']);
    stop();
    store.dispose();
  });

  it('are stored when the page goes away before their tick, so a reload loses none of them', () => {
    // The adapter may already have stored its resume point past this frame (nchan, ws-chat).
    const page = new EventTarget();
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    try {
      const storage = memoryStore();
      const transport = new EditingEmulator();
      const store = createChatStore({ transport, storage, schedule: () => {} });
      store.connect();
      transport.receive({ id: 'late', text: 'while reloading' });
      page.dispatchEvent(new Event('pagehide'));
      expect(storage.get('messages')).toContain('while reloading');
      store.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('are applied before an update that concerns them', () => {
    const { transport, store, ticks, stop } = batched();
    transport.receive({ id: 'x', text: 'draft' });
    transport.edit({ id: 'x', text: 'final' });
    expect(store.messages.value.map((m) => m.text)).toEqual(['final']);
    ticks[0]!(); // nothing left to apply
    expect(store.messages.value).toHaveLength(1);
    stop();
    store.dispose();
  });

  it('are dropped at a logout: they belong to the old visitor', () => {
    const { transport, store, ticks, stop } = batched();
    transport.receive({ id: 'old', text: 'for the visitor who left' });
    store.logout();
    ticks[0]!();
    expect(store.messages.value).toEqual([]);
    expect(store.unread.value).toBe(0);
    stop();
    store.dispose();
  });

  it('are dropped with the store', () => {
    const { transport, store, ticks, changes, stop } = batched();
    transport.receive({ id: 'late', text: 'after the end' });
    store.dispose();
    ticks[0]!();
    expect(changes()).toBe(0);
    stop();
  });
});

describe('the id index a tick starts from', () => {
  const item = (id: string, text = id): ChatMessage => ({
    key: `in:${id}`,
    id,
    direction: 'in',
    text,
    at: 1,
    author: { kind: 'bot' },
    kind: 'regular',
  });

  it('is the last tick’s, extended by what was added at the end since', () => {
    const first = [item('a')];
    const known = { list: first, index: indexIds(first) };
    const later = [...first, item('b')]; // added by another tab, say
    const index = indexFor(later, known);
    expect(index).toBe(known.index);
    expect(
      mergeInto(later.slice(), { id: 'b', text: 'b', at: 1, author: { kind: 'bot' } }, index),
    ).toBeNull();
  });

  it('is built anew when anything else changed, so nothing removed still counts as shown', () => {
    const first = [item('a'), item('b')];
    const known = { list: first, index: indexIds(first) };
    const edited = [first[0]!, item('b', 'edited')];
    expect(indexFor(edited, known)).not.toBe(known.index);
    const shorter = [first[0]!];
    const index = indexFor(shorter, known);
    expect(index.has('b')).toBe(false);
    expect(
      mergeInto(shorter.slice(), { id: 'b', text: 'b again', at: 1, author: { kind: 'bot' } }, index),
    ).not.toBeNull();
  });
});

describe('updates that change nothing', () => {
  const list = receive([], {
    id: 's1',
    text: 'hello',
    at: 1,
    author: { kind: 'visitor' },
    clientId: 'c1',
  })!;

  it('return the same array', () => {
    expect(update(list, 'c1', { text: 'hello' })).toBe(list);
    expect(update(list, 'nobody', { text: 'x' })).toBe(list);
    expect(markRead(list, 'unknown')).toBe(list);
    expect(
      receive(list, { id: 's1', text: 'hello', at: 1, author: { kind: 'visitor' }, clientId: 'c1' }),
    ).toBeNull();
  });

  it('and a change returns a new array that keeps the untouched items', () => {
    const read = markRead(list, 's1');
    expect(read).not.toBe(list);
    expect(read[0]!.state).toBe('read');
    expect(markRead(read, 's1')).toBe(read);
  });
});

describe('frames waiting for their tick when the link comes back', () => {
  it('are applied before the outbox looks at its queue, so a message the gap fill shows arrived is not sent again', async () => {
    // The soak (ws-chat, flat generation) found it: an echo lost to a drop, the gap fill bringing the
    // message back with its client id, and the outbox resending it before that fill's tick.
    const transport = new EmulatorAdapter({ sendMode: 'hold' });
    const ticks: Array<() => void> = [];
    const store = createChatStore({ transport, storage: memoryStore(), schedule: (fn) => ticks.push(fn) });
    store.connect();
    store.send('only once');
    const clientId = transport.sent[0]!.clientId;
    transport.drop(); // the send in flight fails with the link: the message stays queued
    await Promise.resolve();
    expect(store.messages.value[0]!.state).toBe('sending');
    // The reconnect: the history has the message (an adapter emits it before "connected").
    transport.receive({ id: 's1', text: 'only once', author: { kind: 'visitor' }, clientId, backfill: true });
    transport.emitStatus({ status: 'connected' });
    await new Promise((resolve) => setTimeout(resolve, 0)); // whatever the outbox does, it has done
    expect(transport.delivered('only once')).toBe(1);
    for (const fn of ticks.splice(0)) fn();
    expect(store.messages.value.map((m) => [m.text, m.state])).toEqual([['only once', 'sent']]);
    store.dispose();
  });
});
