import { afterEach, describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, memoryStore } from '../core/storage';
import type { IncomingMessage } from '../core/types';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createChatStore } from './chat-store';

/** The emulator plus what a streaming backend does: chunk updates and "regenerate". */
class StreamingEmulator extends EmulatorAdapter {
  readonly regenerated: string[] = [];
  refuseRegenerate = false;
  chunk(msg: IncomingMessage): void {
    this.events.emit('messageUpdated', msg);
  }
  regenerate(id: string): boolean {
    if (this.refuseRegenerate) return false;
    this.regenerated.push(id);
    return true;
  }
}

const stores: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

function setup() {
  const transport = new StreamingEmulator();
  const base = memoryStore();
  const writes: string[] = [];
  const storage: KeyValueStore = {
    ...base,
    set: (k, v) => {
      writes.push(k);
      base.set(k, v);
    },
  };
  const store = createChatStore({ transport, storage });
  stores.push(store);
  transport.connect();
  return { transport, store, writes };
}

const bot = { kind: 'bot' as const };
const part = (text: string, partial = true): IncomingMessage => ({
  id: 's:1',
  text,
  at: 1,
  author: bot,
  ...(partial ? { partial: true } : {}),
});

describe('a streamed answer in the store', () => {
  it('grows in its own signal: chunks change neither the message list nor storage', () => {
    const { transport, store, writes } = setup();
    transport.receive(part('Hel'));
    const list = store.messages.value;
    const saved = writes.filter((k) => k === 'messages').length;
    const text = store.streamText('in:s:1');
    for (let i = 0; i < 100; i++) transport.chunk(part(`Hello ${'x'.repeat(i)}`));
    expect(store.messages.value).toBe(list);
    expect(writes.filter((k) => k === 'messages').length).toBe(saved);
    expect(text?.value).toBe(`Hello ${'x'.repeat(99)}`);
    expect(store.messages.value).toHaveLength(1);
  });

  it('settles the final text, answers and all, in the list once, and tells the page then', () => {
    const { transport, store } = setup();
    const told: string[] = [];
    store.events.on('message', (m) => told.push(m.text));
    transport.receive(part('Hel'));
    transport.chunk(part('Hello'));
    expect(told).toEqual([]);
    transport.chunk({ ...part('Hello world', false), answers: [{ text: 'More', id: 'more' }] });
    expect(store.streamText('in:s:1')).toBeUndefined();
    expect(store.messages.value[0]).toMatchObject({
      text: 'Hello world',
      answers: [{ text: 'More', id: 'more' }],
    });
    expect(told).toEqual(['Hello world']);
  });

  it('offers to regenerate the last final answer after a visitor message, and not while it streams', async () => {
    const { transport, store } = setup();
    transport.receive({ text: 'Greeting' });
    expect(store.regenerable.value).toBeNull(); // nothing asked yet
    store.send('question');
    await vi.waitFor(() => expect(store.messages.value[1]?.state).toBe('sent'));
    transport.receive(part('Ans'));
    expect(store.regenerable.value).toBeNull();
    transport.chunk(part('Answer', false));
    expect(store.regenerable.value).toBe('in:s:1');
    transport.emitStatus({ status: 'reconnecting' });
    expect(store.regenerable.value).toBeNull();
  });

  it('regenerates a whole turn: asks with its first id and removes every message of it', async () => {
    const { transport, store } = setup();
    store.send('question');
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    transport.receive({ id: '41', text: 'Thinking out loud' });
    transport.receive({ id: '42', text: 'Answer' });
    store.regenerate('in:42');
    expect(transport.regenerated).toEqual(['41']);
    expect(store.messages.value.map((m) => m.text)).toEqual(['question']);
  });

  it('keeps the answer when the backend cannot regenerate now', async () => {
    const { transport, store } = setup();
    store.send('question');
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    transport.receive({ id: '42', text: 'Answer' });
    transport.refuseRegenerate = true;
    store.regenerate('in:42');
    expect(store.messages.value).toHaveLength(2);
  });

  it("sends a chosen answer's id along with its text", async () => {
    const { transport, store } = setup();
    const offer = transport.receive({ text: 'Pick', answers: [{ text: 'Yes', id: 'qr-yes' }] });
    store.chooseAnswer(`in:${offer.id}`, { text: 'Yes', id: 'qr-yes' });
    await vi.waitFor(() => expect(transport.sent).toHaveLength(1));
    expect(transport.sent[0]).toMatchObject({ text: 'Yes', answerId: 'qr-yes' });
  });
});
