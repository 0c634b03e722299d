// @vitest-environment node
/**
 * Exactly once and in order after a fault (issue 16, items 1, 2 and 6), with the real store on top
 * of the adapter and the reference server playing each generation.
 */
import { describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { BOT_ID, BOT_NAME } from '../../../server/bot';
import { newMessage } from '../../../server/ws-chat/store';
import { Backoff } from '../../core/backoff';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import {
  GENERATIONS,
  onCleanup,
  restartableServer,
  server,
  serverTexts,
  until,
  widget,
} from './test-support';

/** Slower than the bot (300 ms), so its reply is sent while no socket is open. */
const slowRetry = () => new Backoff({ baseMs: 800, capMs: 800, random: () => 1 });

const shown = (messages: { text: string; direction: string }[]) =>
  messages.map((m) => `${m.direction === 'out' ? '>' : '<'} ${m.text}`);

describe.each(GENERATIONS)('after a fault, %s generation', (generation) => {
  it('places a reply the gap fill brings before what the visitor queued since (item 1)', async () => {
    const s = await server({ wsChatProtocol: generation, replyDelayMs: 300 });
    const { a, store } = widget(s.url, memoryStore(), { backoff: slowRetry() });
    a.connect();
    await until(() => a.status === 'connected');
    store.send('hello');
    await until(() => store.messages.value.some((m) => m.text === 'You said: hello'));

    // The server takes A in; the link drops before the bot answers, so the answer exists only in history.
    store.send('A');
    await until(() => serverTexts(s).includes('A'));
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    // The visitor writes B while the widget reconnects; it is answered live.
    store.send('B');
    await until(() => store.messages.value.some((m) => m.text === 'You said: B'));

    expect(shown(store.messages.value).slice(-4)).toEqual(['> A', '< You said: A', '> B', '< You said: B']);
    expect(serverTexts(s)).toEqual(['hello', 'A', 'B']);
  });

  it('keeps the conversation through a server restart and shows what was sent meanwhile (item 2)', async () => {
    const s = await restartableServer({ wsChatProtocol: generation, replyDelayMs: 0 });
    const storage = memoryStore();
    const { a, store, statuses } = widget(s.url, storage);
    a.connect();
    await until(() => a.status === 'connected');
    store.send('hello');
    await until(() => store.messages.value.some((m) => m.text === 'You said: hello'));
    const before = JSON.parse(storage.get('session')!);

    await s.stop();
    // At least one attempt meets the closed port (which a browser cannot tell from a refused token).
    const attempts = statuses.length;
    await until(() =>
      statuses.slice(attempts).some((x) => x.status === 'reconnecting' && x.reason === 'network'),
    );
    // Meanwhile an answer reaches the server's database (an agent, another service…).
    const [conversation] = s.state.allConversations();
    s.state.append(
      conversation!,
      newMessage({
        senderType: 'AI',
        senderId: BOT_ID,
        senderName: BOT_NAME,
        text: 'sent during the restart',
      }),
    );
    await s.start();

    await until(() => store.messages.value.some((m) => m.text === 'sent during the restart'));
    await until(() => a.status === 'connected');
    const after = JSON.parse(storage.get('session')!);
    expect([after.customerId, after.conversationId, after.sessionId]).toEqual([
      before.customerId,
      before.conversationId,
      before.sessionId,
    ]);
    expect(store.messages.value.filter((m) => m.text === 'sent during the restart')).toHaveLength(1);
  });

  it('never sends again, after a reload, a message the server already took (item 6)', async () => {
    // A flat backend built from the seed stores every frame: a resend would be a duplicate there.
    const s = await server({ wsChatProtocol: generation, wsChatClientIds: false });
    const storage = snapshotStore();
    let atWrite: KeyValueStore | null = null;
    // A reload fires `pagehide` first, on which the store writes what it batched (store/persist.ts).
    const pagehide = pageHideListeners();
    // The page is reloaded at the worst moment: right as the message goes out, before any answer.
    class Watched extends NodeWebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        if (String(data).includes('written once') && !atWrite) {
          for (const fn of pagehide) fn();
          atWrite = storage.snapshot();
        }
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    const first = widget(s.url, storage, { WebSocket: Watched as unknown as typeof WebSocket });
    first.a.connect();
    await until(() => first.a.status === 'connected');
    // Not the first message: a flat server names the conversation (which the history call needs) in its answers.
    first.store.send('hello');
    await until(() => first.store.messages.value.some((m) => m.text === 'You said: hello'));
    first.store.send('written once');
    await until(() => atWrite !== null && serverTexts(s).includes('written once'));
    first.store.dispose();

    const reloaded = widget(s.url, atWrite!);
    expect(reloaded.store.messages.value.find((m) => m.text === 'written once')?.state).toBe('sending');
    reloaded.a.connect();
    await until(() => reloaded.store.messages.value.find((m) => m.text === 'written once')?.state === 'sent');
    reloaded.store.send('next');
    await until(() => serverTexts(s).includes('next'));
    expect(serverTexts(s)).toEqual(['hello', 'written once', 'next']);
    expect(reloaded.store.messages.value.filter((m) => m.text === 'written once')).toHaveLength(1);
  });
});

/** Node has no window events: the `pagehide` listeners registered from now on, to fire by hand. */
function pageHideListeners(): Set<() => void> {
  const listeners = new Set<() => void>();
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => {
    if (type === 'pagehide') listeners.add(fn);
  });
  vi.stubGlobal('removeEventListener', (_type: string, fn: () => void) => listeners.delete(fn));
  onCleanup(() => vi.unstubAllGlobals());
  return listeners;
}

/** A memory store whose state at one moment can be copied: what a reload at that moment finds. */
function snapshotStore(): KeyValueStore & { snapshot(): KeyValueStore } {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
    snapshot() {
      const copy = memoryStore();
      for (const [k, v] of map) copy.set(k, v);
      return copy;
    },
  };
}
