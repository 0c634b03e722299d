/**
 * Older messages on demand: the visitor scrolled to the top of what the list holds. They come from
 * storage first (messages this browser stored but the list let go of), then from the backend's
 * history (`Transport.loadOlder`, where the adapter has one), and go in at the start of the list,
 * each once: a message already held (by key, by server id, or the visitor's own message that the
 * history lists without its client id) is not added again.
 *
 * The list is bounded: past `MAX_IN_MEMORY` messages the oldest go (they stay in storage, up to its
 * own bound, and in the backend's history), and scrolling up brings them back.
 *
 * Loaded messages are not news: no unread count, no `message` event, and the tab sync does not
 * share them (another tab would append them at its end); other tabs find them in storage.
 */
import { batch, type Signal, signal } from '@preact/signals';
import type { KeyValueStore } from '../core/storage';
import type { IncomingMessage } from '../core/types';
import type { OlderCursor, Transport } from '../transports/types';
import { indexIds, itemOf } from './conversation';
import { loadMessages, MAX_PERSISTED } from './persistence';
import type { ChatMessage } from './types';

/** `idle`: older messages may exist; `done`: this is the beginning of the conversation. */
export type OlderState = 'idle' | 'loading' | 'done' | 'failed';

/** Messages the list holds at most (storage holds as many, the backend's history more). */
export const MAX_IN_MEMORY = MAX_PERSISTED;
/** The list is cut back only after it grew this far past the bound: not once per message. */
const TRIM_SLACK = 200;
/** Messages brought back from storage per step (a history page is the adapter's own size). */
const STORAGE_STEP = 100;

export interface OlderOptions {
  transport: Transport;
  storage: KeyValueStore;
  messages: Signal<ChatMessage[]>;
  /** Applies incoming frames still waiting, before the list is read. */
  settle: () => void;
  /** Loaded messages go to the list without being shared with other tabs. */
  keepLocal: (items: readonly ChatMessage[]) => void;
}

export function createOlder({ transport, storage, messages, settle, keepLocal }: OlderOptions) {
  const initial = (): OlderState => (transport.loadOlder ? 'idle' : 'done');
  const state = signal<OlderState>(initial());
  /** Bumped when the conversation is forgotten: a late answer for the old one is dropped. */
  let epoch = 0;
  let running: Promise<void> | null = null;
  /** The last answer added nothing new (all held already): page on from its oldest message. */
  let skipTo: OlderCursor | null = null;
  /** The list let go of older messages (bounded): they come back from storage first. */
  let trimmed = false;

  function put(list: ChatMessage[], added: readonly ChatMessage[], next: OlderState): void {
    keepLocal(added);
    batch(() => {
      messages.value = list;
      state.value = next;
    });
  }

  /** Messages this browser stored that come before the list's first one (oldest first). */
  function fromStorage(list: readonly ChatMessage[]): ChatMessage[] {
    const first = list[0];
    if (!first) return [];
    const stored = loadMessages(storage);
    const at = stored.findIndex((m) => m.key === first.key);
    if (at <= 0) return [];
    const keys = new Set(list.map((m) => m.key));
    return stored.slice(Math.max(0, at - STORAGE_STEP), at).filter((m) => !keys.has(m.key));
  }

  async function fromBackend(before: OlderCursor, mine: number): Promise<void> {
    try {
      const page = await transport.loadOlder!(before);
      if (mine !== epoch) return;
      settle();
      const merged = mergeOlder(messages.peek(), page.messages);
      const oldest = page.messages[0];
      skipTo = !merged.added.length && oldest ? { id: oldest.id, at: oldest.at } : null;
      // An answer with nothing in it cannot lead further back, whatever it says.
      put(merged.list, merged.added, page.more && page.messages.length ? 'idle' : 'done');
    } catch {
      if (mine === epoch) state.value = 'failed';
    }
  }

  /**
   * Brings the next older messages into the list. Nothing to do while a load runs, at the
   * beginning, or before the list holds any message from the backend (the first connection's
   * history call brings the newest ones).
   */
  function load(): Promise<void> {
    if (running) return running;
    settle();
    const list = messages.peek();
    if (trimmed) {
      const back = fromStorage(list);
      if (back.length) {
        put([...back, ...list], back, state.peek() === 'done' ? 'idle' : state.peek());
        return Promise.resolve();
      }
      trimmed = false;
    }
    if (!transport.loadOlder) state.value = 'done';
    if (state.peek() === 'done') return Promise.resolve();
    const before = skipTo ?? cursorOf(list);
    if (!before) return Promise.resolve();
    const mine = epoch;
    state.value = 'loading';
    running = fromBackend(before, mine).finally(() => {
      if (mine === epoch) running = null;
    });
    return running;
  }

  return {
    state,
    load,
    /**
     * The list, cut to its bound when it grew past it (the oldest go, never a message still to be
     * sent); the same array otherwise.
     */
    bound(list: ChatMessage[]): ChatMessage[] {
      if (list.length <= MAX_IN_MEMORY + TRIM_SLACK) return list;
      let cut = list.length - MAX_IN_MEMORY;
      while (cut > 0 && unsent(list[cut - 1]!)) cut--;
      if (!cut) return list;
      trimmed = true;
      if (state.peek() === 'done') state.value = 'idle';
      return list.slice(cut);
    },
    /** The conversation was forgotten (logout) or a new one began. */
    reset(): void {
      epoch += 1;
      running = null;
      skipTo = null;
      trimmed = false;
      state.value = initial();
    },
  };
}

const unsent = (m: ChatMessage) => m.direction === 'out' && (m.state === 'sending' || m.state === 'failed');

/**
 * Where the history goes on from: the oldest message from the backend the list holds, with its
 * server time (never the visitor's own, whose time is the browser's clock) and how many follow it.
 */
export function cursorOf(list: readonly ChatMessage[]): OlderCursor | null {
  const i = firstFromBackend(list);
  const m = list[i];
  return m?.id === undefined ? null : { id: m.id, at: m.at, newer: list.length - 1 - i };
}

/** The index of the oldest message from the backend in the list (its length when there is none). */
function firstFromBackend(list: readonly ChatMessage[]): number {
  const i = list.findIndex((m) => m.direction === 'in' && m.id !== undefined && !m.notice);
  return i === -1 ? list.length : i;
}

/**
 * Older messages (oldest first) in at the start of the list, each once. One already held is
 * skipped: by server id, by key, or, for the visitor's own message that the history lists without
 * its client id, by its text against the visitor's sent messages that come before anything from the
 * backend in the list (those are what the history lists again; one still waiting to be sent is
 * never taken for it). Returns the list itself when nothing changed.
 */
export function mergeOlder(
  list: readonly ChatMessage[],
  older: readonly IncomingMessage[],
): { list: ChatMessage[]; added: ChatMessage[] } {
  const ids = indexIds(list);
  const keys = new Set(list.map((m) => m.key));
  const headEnd = firstFromBackend(list);
  /** Indices of the visitor's sent messages without a server id before the backend's first. */
  const claimable: number[] = [];
  for (let i = 0; i < headEnd; i++) {
    const m = list[i]!;
    if (m.direction === 'out' && m.id === undefined && !unsent(m)) claimable.push(i);
  }
  let next: ChatMessage[] | null = null;
  const added: ChatMessage[] = [];
  for (const msg of older) {
    const held = ids.get(msg.id)?.some((m) => m.direction === 'in' || m.author.kind === msg.author.kind);
    const item = itemOf(msg);
    if (held || keys.has(item.key)) continue;
    if (item.direction === 'out') {
      const j = claimable.findIndex((i) => list[i]!.text === msg.text);
      if (j !== -1) {
        const at = claimable.splice(j, 1)[0]!;
        next ??= list.slice();
        next[at] = { ...next[at]!, id: msg.id };
        continue;
      }
    }
    keys.add(item.key);
    added.push(item);
  }
  if (!added.length && !next) return { list: list as ChatMessage[], added };
  return { list: [...added, ...(next ?? list)], added };
}
