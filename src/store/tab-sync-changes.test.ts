/**
 * What a tab shares of its own changes (store/tab-sync.ts), in a long conversation: a change
 * anywhere in the list is found without rescanning the whole list per change, and is sent once,
 * in list order. A fake bus records what is posted.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { Election } from '../core/election';
import type { TabBus } from '../core/tab-bus';
import { createTabSync } from './tab-sync';
import type { ChatMessage } from './types';

const message = (i: number): ChatMessage => ({
  key: `in:${i}`,
  id: String(i),
  direction: 'in',
  text: `message ${i}`,
  at: 1_700_000_000_000 + i,
  author: { kind: 'bot' },
  kind: 'regular',
});

function setUp(count: number) {
  const posted: unknown[] = [];
  const bus: TabBus = {
    post: (m) => posted.push(m),
    on: () => () => {},
    close: () => {},
    carriesBlobs: true,
  };
  const election = { id: 'me', leader: true, mode: 'locks', onChange: () => () => {}, stop() {} } as Election;
  const messages = signal(Array.from({ length: count }, (_, i) => message(i)));
  const sync = createTabSync({
    peers: { bus, election, shareOpen: true },
    messages,
    isOpen: signal(true),
    unread: signal(0),
    onItems: () => {},
    onOpen: () => {},
    onStartNew: () => {},
    onLogout: () => {},
    epoch: () => null,
  });
  /** Keys of the items shared since the last call (the sharing waits for a microtask). */
  const shared = async () => {
    await Promise.resolve();
    const keys = posted
      .filter((m): m is { t: string; items: ChatMessage[] } => (m as { t: string }).t === 'st:items')
      .flatMap((m) => m.items.map((i) => i.key));
    posted.length = 0;
    return keys;
  };
  return { messages, sync, shared };
}

describe('sharing this tab’s changes with the other tabs', () => {
  it('shares a change deep in a long conversation, and nothing else', async () => {
    const { messages, sync, shared } = setUp(2000);
    expect(await shared()).toEqual([]); // what the tab started with is not news
    const list = messages.value.slice();
    list[10] = { ...list[10]!, text: 'edited' };
    messages.value = list;
    expect(await shared()).toEqual(['in:10']);
    sync.dispose();
  });

  it('shares new messages once each, in list order, however they came', async () => {
    const { messages, sync, shared } = setUp(500);
    messages.value = [...messages.value, message(600)];
    messages.value = [...messages.value, message(601)];
    const list = messages.value.slice();
    list[3] = { ...list[3]!, text: 'changed' };
    messages.value = list;
    expect(await shared()).toEqual(['in:3', 'in:600', 'in:601']);
    // Unchanged objects are not shared again, even after leaving the list and coming back.
    const back = messages.value;
    messages.value = back.slice(0, 100);
    messages.value = back;
    messages.value = [...back, message(602)];
    expect(await shared()).toEqual(['in:602']);
    sync.dispose();
  });
});
