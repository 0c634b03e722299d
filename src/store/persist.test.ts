/**
 * The cost of a write (issue 9): when no other tab wrote since, storage holds what this store wrote
 * last, so a write reads no page and writes the newest page alone, whatever the length of the
 * conversation; only another side's write makes it read and merge.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, memoryStore } from '../core/storage';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createChatStore } from './chat-store';
import { loadMessages, PAGE_SIZE } from './persistence';

const stores: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

/** A backend that can answer again (the store then removes the old answer). */
class Regenerating extends EmulatorAdapter {
  regenerate(): boolean {
    return true;
  }
}

/** One tab's view of the site's storage, counting the reads and writes of its keys. */
function tabOf(backing: KeyValueStore) {
  const reads: string[] = [];
  const writes: string[] = [];
  const storage: KeyValueStore = {
    get: (k) => {
      reads.push(k);
      return backing.get(k);
    },
    set: (k, v) => {
      writes.push(k);
      backing.set(k, v);
    },
    remove: (k) => backing.remove(k),
  };
  const transport = new Regenerating();
  const store = createChatStore({ transport, storage });
  stores.push(store);
  return { storage, transport, store, reads, writes };
}

/** Reads of the conversation's pages (`messages`, `messages.0`…), not of the small keys beside them. */
const pageReads = (keys: string[]) => keys.filter((k) => /^messages(\.\d+)?$/.test(k));

const T0 = Date.parse('2026-01-01T10:00:00Z');
const receiveMany = (tab: ReturnType<typeof tabOf>, n: number, tag: string) => {
  for (let i = 0; i < n; i++) tab.transport.receive({ id: `${tag}${i}`, text: `${tag}${i}`, at: T0 + i });
};

describe('writing the conversation', () => {
  it('reads no page and writes the newest alone when no other side wrote since', async () => {
    const backing = memoryStore();
    const first = tabOf(backing);
    receiveMany(first, 10 * PAGE_SIZE + 50, 'm');
    first.store.dispose();

    const tab = tabOf(backing); // a reload: it reads every page once, to show them
    expect(tab.store.messages.value).toHaveLength(10 * PAGE_SIZE + 50);
    tab.reads.length = 0;
    for (let round = 0; round < 3; round++) {
      const writes = tab.writes.length;
      tab.transport.receive({ id: `new${round}`, text: `new${round}`, at: T0 + 5000 + round });
      await vi.waitFor(() => expect(tab.writes.length).toBeGreaterThan(writes));
      expect(tab.writes.slice(writes)).toEqual(['messages', 'messages.mark']);
    }
    expect(pageReads(tab.reads)).toEqual([]);
    expect(loadMessages(memoryCopy(backing)).at(-1)?.text).toBe('new2');
  });

  it('reads and merges what another tab wrote since, and keeps both tabs’ messages', async () => {
    const backing = memoryStore();
    const a = tabOf(backing);
    receiveMany(a, 2 * PAGE_SIZE + 10, 'a');
    a.store.dispose();
    const one = tabOf(backing);
    const two = tabOf(backing);
    one.transport.receive({ id: 'only-one', text: 'only in one', at: T0 + 9000 });
    await vi.waitFor(() => expect(one.writes).toContain('messages.mark'));
    one.reads.length = 0;
    two.transport.receive({ id: 'only-two', text: 'only in two', at: T0 + 9001 });
    await vi.waitFor(() => expect(two.writes).toContain('messages.mark'));
    expect(pageReads(two.reads)).toContain('messages.0'); // it read what one wrote
    one.transport.receive({ id: 'one-more', text: 'one more', at: T0 + 9002 });
    await vi.waitFor(() => expect(pageReads(one.reads)).toContain('messages'));
    one.store.dispose();
    two.store.dispose();
    const texts = loadMessages(memoryCopy(backing)).map((m) => m.text);
    expect(texts).toHaveLength(2 * PAGE_SIZE + 13);
    expect(texts.slice(-3)).toEqual(['only in one', 'only in two', 'one more']);
  });

  it('keeps what it merged from another tab in storage while its own list lacks it', async () => {
    // Two tabs that do not talk to each other (no tab bus): only storage carries their messages.
    const backing = memoryStore();
    const one = tabOf(backing);
    const two = tabOf(backing);
    one.store.send('from one');
    await vi.waitFor(() => expect(one.writes).toContain('messages.mark'));
    two.store.send('from two');
    await vi.waitFor(() => expect(two.writes).toContain('messages.mark'));
    expect(two.store.messages.value.map((m) => m.text)).toEqual(['from two']);
    const writes = two.writes.length;
    two.store.send('two again'); // no other tab wrote since two's last write
    await vi.waitFor(() => expect(two.writes.length).toBeGreaterThan(writes));
    expect(
      loadMessages(memoryCopy(backing))
        .map((m) => m.text)
        .sort(),
    ).toEqual(['from one', 'from two', 'two again']);
  });

  it('keeps a removed message gone (a regenerated answer does not come back from storage)', async () => {
    const backing = memoryStore();
    const tab = tabOf(backing);
    tab.transport.connect();
    tab.store.send('question');
    await vi.waitFor(() => expect(tab.store.messages.value[0]?.state).toBe('sent'));
    tab.transport.receive({ id: 'old', text: 'old answer' });
    await vi.waitFor(() => expect(loadMessages(memoryCopy(backing))).toHaveLength(2));
    tab.store.regenerate('in:old');
    tab.transport.receive({ id: 'new', text: 'new answer' });
    tab.store.dispose();
    expect(loadMessages(memoryCopy(backing)).map((m) => m.text)).toEqual(['question', 'new answer']);
  });
});

/** Another object over the same data: reading through it shares no cache with the tabs. */
const memoryCopy = (backing: KeyValueStore): KeyValueStore => ({
  get: (k) => backing.get(k),
  set: (k, v) => backing.set(k, v),
  remove: (k) => backing.remove(k),
});
