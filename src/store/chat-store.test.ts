import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../core/storage';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createChatStore } from './chat-store';

const stores: Array<{ dispose(): void }> = [];
function setup(options: ConstructorParameters<typeof EmulatorAdapter>[0] = {}, storage = memoryStore()) {
  const transport = new EmulatorAdapter(options);
  const store = createChatStore({ transport, storage, confirmTimeoutMs: 1000 });
  stores.push(store);
  return { transport, store, storage };
}
const flush = () => vi.waitFor(() => Promise.resolve());
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
  vi.useRealTimers();
});

describe('outbox', () => {
  it('shows a message at once as sending, and sent once the transport confirms', async () => {
    const { transport, store } = setup();
    const msg = store.send('  hello  ');
    expect(msg?.text).toBe('hello');
    expect(store.messages.value[0]?.state).toBe('sending');
    transport.connect();
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    expect(transport.sent.map((m) => m.text)).toEqual(['hello']);
    expect(store.messages.value[0]?.id).toBe('srv-1');
  });

  it('ignores empty messages', () => {
    const { store } = setup();
    expect(store.send('   ')).toBeNull();
    expect(store.messages.value).toHaveLength(0);
  });

  it('sends queued messages in order when the connection comes', async () => {
    const { transport, store } = setup();
    store.send('one');
    store.send('two');
    store.send('three');
    expect(transport.sent).toHaveLength(0);
    transport.connect();
    await vi.waitFor(() => expect(store.messages.value.every((m) => m.state === 'sent')).toBe(true));
    expect(transport.sent.map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('keeps a message queued when the link drops before confirmation, and resends it after reconnecting', async () => {
    const { transport, store } = setup({ sendMode: 'hold' });
    transport.connect();
    store.send('kept');
    await vi.waitFor(() => expect(transport.sent).toHaveLength(1));
    transport.disconnect();
    await flush();
    expect(store.messages.value[0]?.state).toBe('sending');
    transport.sendMode = 'confirm';
    transport.connect();
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    expect(transport.sent.map((m) => m.clientId)).toEqual([
      store.messages.value[0]?.clientId,
      store.messages.value[0]?.clientId,
    ]);
  });

  it('marks a message failed when the backend refuses it, and retry sends it again', async () => {
    const { transport, store } = setup({ sendMode: 'refuse' });
    transport.connect();
    const msg = store.send('nope')!;
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('failed'));
    // The backend's reason is kept for the visitor to read, until the retry.
    expect(store.messages.value[0]?.failure).toBe('Refused by the emulator');
    transport.sendMode = 'confirm';
    store.retry(msg.key);
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    expect(store.messages.value[0]?.failure).toBeUndefined();
  });

  it('marks a message failed when no confirmation arrives in time', async () => {
    vi.useFakeTimers();
    const { transport, store } = setup({ sendMode: 'hold' });
    transport.connect();
    store.send('silent');
    await vi.advanceTimersByTimeAsync(1001);
    expect(store.messages.value[0]?.state).toBe('failed');
  });

  it('counts a confirmation that comes after the timeout: the message is sent, not failed', async () => {
    vi.useFakeTimers();
    const { transport, store } = setup({ sendMode: 'hold' });
    transport.connect();
    store.send('slow');
    await vi.advanceTimersByTimeAsync(1001);
    expect(store.messages.value[0]?.state).toBe('failed');
    transport.confirmHeld();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.messages.value[0]).toMatchObject({ state: 'sent', id: 'srv-1' });
    expect(store.messages.value[0]?.failure).toBeUndefined();
    expect(transport.sent.map((m) => m.text)).toEqual(['slow']);
  });

  it('does not post a queued retry of a message whose first attempt was confirmed late', async () => {
    vi.useFakeTimers();
    const { transport, store } = setup({ sendMode: 'hold' });
    transport.connect();
    const a = store.send('a');
    await vi.advanceTimersByTimeAsync(1001); // a: failed
    store.send('b'); // b: posted and held, in flight
    await vi.advanceTimersByTimeAsync(0);
    store.retry(a!.key); // a: queued behind b
    expect(store.messages.value.find((m) => m.key === a!.key)?.state).toBe('sending');
    transport.confirmHeld(); // a's first attempt and b
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(store.messages.value.every((m) => m.state === 'sent')).toBe(true));
    expect(transport.sent.map((m) => m.text)).toEqual(['a', 'b']);
  });
});

describe('receiving', () => {
  it('shows the echo of our own message once and confirms it', async () => {
    const { transport, store } = setup({ sendMode: 'hold' });
    transport.connect();
    const mine = store.send('hi')!;
    transport.receive({ id: 's9', text: 'hi', author: { kind: 'visitor' }, clientId: mine.clientId! });
    transport.receive({ id: 's9', text: 'hi', author: { kind: 'visitor' }, clientId: mine.clientId! });
    expect(store.messages.value).toHaveLength(1);
    expect(store.messages.value[0]).toMatchObject({ state: 'sent', id: 's9' });
  });

  it('places a message a history call brought late before the visitor’s queued messages', () => {
    const { transport, store } = setup();
    transport.receive({ id: 'a', text: 'answer to the first' });
    store.send('queued while away');
    transport.receive({ id: 'b', text: 'missed while away', backfill: true });
    transport.receive({ id: 'c', text: 'live' });
    expect(store.messages.value.map((m) => m.text)).toEqual([
      'answer to the first',
      'missed while away',
      'queued while away',
      'live',
    ]);
  });

  it('names the sender of a message shown without a name when a later delivery names it', () => {
    const { transport, store } = setup();
    transport.receive({ id: 'r', text: 'Hi, I am Anna', author: { kind: 'operator', id: 'a1' } });
    transport.receive({
      id: 'r',
      text: 'Hi, I am Anna',
      author: { kind: 'operator', id: 'a1', name: 'Anna' },
    });
    transport.receive({
      id: 'r',
      text: 'Hi, I am Anna',
      author: { kind: 'operator', id: 'a1', name: 'Other' },
    });
    expect(store.messages.value.map((m) => [m.text, m.author.name])).toEqual([['Hi, I am Anna', 'Anna']]);
  });

  it('drops a duplicate delivery of the same message id', () => {
    const { transport, store } = setup();
    transport.receive({ id: 'x', text: 'once' });
    transport.receive({ id: 'x', text: 'once' });
    expect(store.messages.value.map((m) => m.text)).toEqual(['once']);
  });

  it('counts unread messages while closed and clears them on open', () => {
    const { transport, store } = setup();
    const opened = vi.fn();
    store.events.on('open', opened);
    transport.receive({ text: 'a' });
    transport.receive({ text: 'b' });
    expect(store.unread.value).toBe(2);
    store.setOpen(true);
    expect(store.unread.value).toBe(0);
    expect(opened).toHaveBeenCalledTimes(1);
    transport.receive({ text: 'c' });
    expect(store.unread.value).toBe(0);
  });

  it('marks messages read cumulatively', async () => {
    const { transport, store } = setup();
    transport.connect();
    store.send('a');
    store.send('b');
    await vi.waitFor(() => expect(store.messages.value.every((m) => m.state === 'sent')).toBe(true));
    transport.read(store.messages.value[1]!.id!);
    expect(store.messages.value.map((m) => m.state)).toEqual(['read', 'read']);
  });

  it('expires a typing indicator that never stops', () => {
    vi.useFakeTimers();
    const { transport, store } = setup();
    transport.typing(true);
    expect(store.typing.value?.on).toBe(true);
    vi.advanceTimersByTime(8001);
    expect(store.typing.value).toBeNull();
  });

  it('names the operator who is answering when the backend says only that an operator types', () => {
    const { transport, store } = setup();
    transport.operator({ operator: { kind: 'operator', id: 'o1', name: 'Ann' } });
    transport.emitTyping({ on: true, author: { kind: 'operator' } });
    expect(store.typing.value?.author.name).toBe('Ann');
  });

  it('takes the same operator announced again (now named) without a second notice', () => {
    const { transport, store } = setup();
    transport.operator({ operator: { kind: 'operator', id: 'o1' } });
    transport.operator({ operator: { kind: 'operator', id: 'o1', name: 'Ann' } });
    expect(store.messages.value.map((m) => m.notice?.type)).toEqual(['operator-joined']);
    expect(store.operator.value?.name).toBe('Ann');
  });

  it('adds operator notices and ends the session', () => {
    const { transport, store } = setup();
    transport.operator({ operator: { kind: 'operator', id: 'o1', name: 'Ann' } });
    transport.operator({ operator: { kind: 'operator', id: 'o2', name: 'Bob' } });
    transport.endSession();
    const notices = store.messages.value.map((m) => m.notice?.type);
    expect(notices).toEqual(['operator-joined', 'operator-changed', 'session-ended']);
    expect(store.operator.value?.name).toBe('Bob');
    expect(store.ended.value).toBe(true);
  });

  it('sends the text of a chosen answer with a reference to the message, once', async () => {
    const { transport, store } = setup();
    transport.connect();
    transport.receive({ id: 'q1', text: 'Pick', answers: [{ text: 'Yes' }, { text: 'No' }] });
    const key = store.messages.value[0]!.key;
    store.chooseAnswer(key, { text: 'Yes' });
    store.chooseAnswer(key, { text: 'No' });
    await vi.waitFor(() => expect(transport.sent).toHaveLength(1));
    expect(transport.sent[0]).toMatchObject({ text: 'Yes', replyToId: 'q1' });
    expect(store.messages.value[0]?.chosenAnswer).toBe('Yes');
  });
});

describe('persistence', () => {
  it('keeps the conversation, the outbox and the draft across a reload', async () => {
    const storage = memoryStore();
    const first = setup({}, storage);
    first.transport.receive({ id: 'a', text: 'from bot' });
    first.store.send('queued while offline');
    first.store.draft.value = 'half typed';
    first.store.dispose();

    const second = setup({}, storage);
    expect(second.store.messages.value.map((m) => [m.text, m.state])).toEqual([
      ['from bot', undefined],
      ['queued while offline', 'sending'],
    ]);
    expect(second.store.draft.value).toBe('half typed');
    second.transport.connect();
    await vi.waitFor(() => expect(second.store.messages.value[1]?.state).toBe('sent'));
    expect(second.transport.sent.map((m) => m.text)).toEqual(['queued while offline']);
  });

  it('ignores unreadable storage', () => {
    const storage = memoryStore();
    storage.set('messages', '{"not":"a list"');
    storage.set('messages', JSON.stringify([{ key: 1 }, 'x', null]));
    const { store } = setup({}, storage);
    expect(store.messages.value).toEqual([]);
  });

  it('forgets the conversation on clear', () => {
    const storage = memoryStore();
    const { transport, store } = setup({}, storage);
    transport.receive({ text: 'x' });
    store.clear();
    expect(store.messages.value).toEqual([]);
    expect(JSON.parse(storage.get('messages') ?? '[]')).toEqual([]);
  });
});

describe('answer buttons', () => {
  it('end when the visitor types an answer instead of choosing one, and stay ended after a reload', () => {
    const { transport, store, storage } = setup();
    transport.connect();
    transport.receive({ id: 'q1', text: 'Pick', answers: [{ text: 'Yes' }, { text: 'No' }] });
    const before = store.messages.value;
    store.send('maybe');
    const question = store.messages.value.find((m) => m.id === 'q1');
    expect(question?.answersDone).toBe(true);
    expect(question?.chosenAnswer).toBeUndefined();
    expect(before.find((m) => m.id === 'q1')?.answersDone).toBeUndefined(); // a new object, not a mutation
    store.dispose();
    const again = createChatStore({ transport: new EmulatorAdapter(), storage });
    stores.push(again);
    expect(again.messages.value.find((m) => m.id === 'q1')?.answersDone).toBe(true);
  });
});
