/**
 * Older messages on demand: the visitor scrolled to the top of what the list holds. They come from
 * storage first (messages this browser stored but the list let go of), then from the backend's
 * history (`Transport.loadOlder`, where the adapter has one), and go in at the start of the list,
 * each once (older-pages.ts).
 *
 * The list is bounded: past `MAX_IN_MEMORY` messages the oldest go (they stay in storage, up to its
 * own bound, and in the backend's history), and scrolling up brings them back.
 *
 * This file is the state the log reads and the bound; the paging code is a file of its own in the
 * split build (issue 9), loaded the first time the log needs older messages: when the visitor
 * scrolls to the top, or at once for a resumed conversation (one that held messages from the
 * backend before this page's first connection: stored, or the history's newest page) whose log is
 * too short to scroll. A conversation that began on this page has nothing older, so its log never
 * asks by itself. `prefetch` loads the code at the panel's first quiet moment for a resumed one.
 */
import { type Signal, signal } from '@preact/signals';
import { log } from '../core/log';
import type { KeyValueStore } from '../core/storage';
import type { OlderCursor, Transport } from '../transports/types';
import { MAX_PERSISTED } from './persistence';
import type { ChatMessage } from './types';

/** `idle`: older messages may exist; `done`: this is the beginning of the conversation. */
export type OlderState = 'idle' | 'loading' | 'done' | 'failed';

/** Messages the list holds at most (storage holds as many, the backend's history more). */
export const MAX_IN_MEMORY = MAX_PERSISTED;
/** The list is cut back only after it grew this far past the bound: not once per message. */
const TRIM_SLACK = 200;

export interface OlderOptions {
  transport: Transport;
  storage: KeyValueStore;
  messages: Signal<ChatMessage[]>;
  /** Applies incoming frames still waiting, before the list is read. */
  settle: () => void;
  /** Loaded messages go to the list without being shared with other tabs. */
  keepLocal: (items: readonly ChatMessage[]) => void;
}

/** What the paging code (older-pages.ts) reads and changes. */
export interface OlderContext extends OlderOptions {
  state: Signal<OlderState>;
  /** Bumped when the conversation is forgotten: a late answer for the old one is dropped. */
  epoch: number;
  /** The last answer added nothing new (all held already): page on from its oldest message. */
  skipTo: OlderCursor | null;
  /** The list let go of older messages (bounded): they come back from storage first. */
  trimmed: boolean;
}

/** A message the backend's history lists (a cursor can start from it). */
export const fromBackend = (m: ChatMessage) => m.direction === 'in' && m.id !== undefined && !m.notice;

const pages = () => import('./older-pages');

export function createOlder(options: OlderOptions) {
  const { transport, messages } = options;
  const initial = (): OlderState => (transport.loadOlder ? 'idle' : 'done');
  const ctx: OlderContext = { ...options, state: signal(initial()), epoch: 0, skipTo: null, trimmed: false };
  const { state } = ctx;
  /** The conversation held messages from the backend before this page's first connection. */
  const resumed = signal(messages.peek().some(fromBackend));
  let connectedOnce = false;
  let running: Promise<void> | null = null;
  let told = false;

  /**
   * Brings the next older messages into the list. Nothing to do while a load runs, at the
   * beginning, or before the list holds any message from the backend (the first connection's
   * history call brings the newest ones): checked here, so the paging code loads only when needed.
   */
  function load(): Promise<void> {
    if (running) return running;
    if (!ctx.trimmed) {
      if (!transport.loadOlder) state.value = 'done';
      if (state.peek() === 'done') return Promise.resolve();
      options.settle();
      if (!ctx.skipTo && !messages.peek().some(fromBackend)) return Promise.resolve();
    }
    const mine = ctx.epoch;
    // Said at once (the log is busy), while the paging code may still be on its way.
    const prev = state.peek();
    state.value = 'loading';
    running = pages()
      .then(
        (code) => code.loadOlder(ctx, mine, prev),
        (err: unknown) => {
          if (!told)
            log.error(
              `could not load earlier messages (${err instanceof Error ? err.message : String(err)})`,
            );
          told = true;
          if (mine === ctx.epoch) state.value = 'failed';
        },
      )
      .finally(() => {
        if (mine === ctx.epoch) running = null;
      });
    return running;
  }

  return {
    state,
    load,
    resumed,
    /** A log too short to scroll: older messages where the conversation was resumed (see above). */
    fill(): Promise<void> {
      return resumed.peek() && state.peek() === 'idle' ? load() : Promise.resolve();
    },
    /** Loads the paging code ahead of its first use (a resumed conversation's panel opened). */
    prefetch(): void {
      if (resumed.peek() && transport.loadOlder) {
        void pages().catch(() => undefined); // said when it is used
        transport.prefetchOlder?.();
      }
    },
    /** The transport is connected: the first time, what the list holds from the backend came before. */
    connected(): void {
      if (connectedOnce) return;
      connectedOnce = true;
      if (messages.peek().some(fromBackend)) resumed.value = true;
    },
    /**
     * The list, cut to its bound when it grew past it (the oldest go, never a message still to be
     * sent); the same array otherwise.
     */
    bound(list: ChatMessage[]): ChatMessage[] {
      if (list.length <= MAX_IN_MEMORY + TRIM_SLACK) return list;
      let cut = list.length - MAX_IN_MEMORY;
      while (cut > 0 && unsent(list[cut - 1]!)) cut--;
      if (!cut) return list;
      ctx.trimmed = true;
      if (state.peek() === 'done') state.value = 'idle';
      return list.slice(cut);
    },
    /** The conversation was forgotten (logout) or a new one began. */
    reset(): void {
      ctx.epoch += 1;
      running = null;
      ctx.skipTo = null;
      ctx.trimmed = false;
      connectedOnce = false;
      resumed.value = false;
      state.value = initial();
    },
  };
}

export const unsent = (m: ChatMessage) =>
  m.direction === 'out' && (m.state === 'sending' || m.state === 'failed');
