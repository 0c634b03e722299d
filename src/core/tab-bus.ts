/**
 * A message bus between the tabs of one site: the same origin and the same widget namespace.
 * BroadcastChannel where the browser has it; otherwise `storage` events on a scratch key of
 * localStorage (older Safari), which carry JSON only. Messages never come back to their sender.
 * What travels is `unknown` to the receiver: other code on the origin (another Parley version,
 * the page) may post on the same name, so receivers decode like a wire frame.
 */
import { log } from './log';

export interface TabBus {
  post(message: unknown): void;
  /** Returns the unsubscribe. */
  on(fn: (message: unknown) => void): () => void;
  close(): void;
  /** Blobs and Files survive the trip (BroadcastChannel clones them; storage events cannot). */
  readonly carriesBlobs: boolean;
}

type Listener = (message: unknown) => void;

function fanOut(listeners: Set<Listener>, message: unknown): void {
  for (const fn of [...listeners]) {
    try {
      fn(message);
    } catch (err) {
      log.error('a tab message handler failed:', err);
    }
  }
}

/** The bus over a BroadcastChannel, or null when there is none (or it cannot be opened here). */
export function broadcastBus(
  name: string,
  Channel: typeof BroadcastChannel | null = globalThis.BroadcastChannel ?? null,
): TabBus | null {
  if (typeof Channel !== 'function') return null;
  let channel: BroadcastChannel;
  try {
    channel = new Channel(name);
  } catch {
    return null; // opaque origins (sandboxed iframes) may refuse
  }
  return channelBus(channel);
}

/**
 * The bus over a channel this tab already listened on (embed/tabs.ts: a tab alone opens it first
 * and keeps what came): `early` reaches the listeners before anything the channel brings later.
 */
export function channelBus(channel: BroadcastChannel, early: readonly unknown[] = []): TabBus {
  const listeners = new Set<Listener>();
  channel.onmessage = (ev: MessageEvent) => fanOut(listeners, ev.data);
  // After the current task's subscriptions, before the channel's next message (a later task).
  if (early.length)
    queueMicrotask(() => {
      for (const m of early) fanOut(listeners, m);
    });
  let closed = false;
  return {
    carriesBlobs: true,
    post(message) {
      if (closed) return;
      try {
        channel.postMessage(message);
      } catch (err) {
        log.warn('could not reach the other tabs:', err);
      }
    },
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      closed = true;
      listeners.clear();
      channel.onmessage = null;
      channel.close();
    },
  };
}

/**
 * The bus over `storage` events: write a value under a scratch key and remove it at once; every
 * other tab gets one event with the value. JSON only.
 */
export function storageBus(
  name: string,
  storage: Storage | null,
  target: Pick<Window, 'addEventListener' | 'removeEventListener'> | undefined = globalThis.window,
): TabBus | null {
  if (!storage || !target) return null;
  const key = `${name}:bus`;
  const listeners = new Set<Listener>();
  let seq = 0;
  const onStorage = (ev: StorageEvent) => {
    if (ev.key !== key || ev.newValue === null || ev.storageArea !== storage) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(ev.newValue);
    } catch {
      return;
    }
    if (typeof parsed === 'object' && parsed !== null && 'm' in parsed) fanOut(listeners, parsed.m);
  };
  target.addEventListener('storage', onStorage);
  let closed = false;
  return {
    carriesBlobs: false,
    post(message) {
      if (closed) return;
      try {
        // The counter makes two equal messages in a row two changes (equal writes fire no event).
        storage.setItem(key, JSON.stringify({ n: `${Date.now()}.${seq++}`, m: message }));
        storage.removeItem(key);
      } catch (err) {
        log.warn('could not reach the other tabs:', err);
      }
    },
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      closed = true;
      listeners.clear();
      target.removeEventListener('storage', onStorage);
    },
  };
}
