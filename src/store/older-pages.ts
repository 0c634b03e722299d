/**
 * The paging code of older.ts, a file of its own in the split build: loaded the first time the
 * log needs older messages (see older.ts). From storage first, then from the backend's history, in
 * at the start of the list, each once: a message already held (by key, by server id, or the
 * visitor's own message that the history lists without its client id) is not added again.
 *
 * Loaded messages are not news: no unread count, no `message` event, and the tab sync does not
 * share them (another tab would append them at its end); other tabs find them in storage.
 */
import { batch } from '@preact/signals';
import type { IncomingMessage } from '../core/types';
import type { OlderCursor } from '../transports/types';
import { indexIds, itemOf } from './conversation';
import { fromBackend, type OlderContext, type OlderState, unsent } from './older';
import { loadMessages } from './persistence';
import type { ChatMessage } from './types';

/** Messages brought back from storage per step (a history page is the adapter's own size). */
const STORAGE_STEP = 100;

function put(ctx: OlderContext, list: ChatMessage[], added: readonly ChatMessage[], next: OlderState): void {
  ctx.keepLocal(added);
  batch(() => {
    ctx.messages.value = list;
    ctx.state.value = next;
  });
}

/** Messages this browser stored that come before the list's first one (oldest first). */
function fromStorage(ctx: OlderContext, list: readonly ChatMessage[]): ChatMessage[] {
  const first = list[0];
  if (!first) return [];
  const stored = loadMessages(ctx.storage);
  const at = stored.findIndex((m) => m.key === first.key);
  if (at <= 0) return [];
  const keys = new Set(list.map((m) => m.key));
  return stored.slice(Math.max(0, at - STORAGE_STEP), at).filter((m) => !keys.has(m.key));
}

async function fromHistory(ctx: OlderContext, before: OlderCursor, mine: number): Promise<void> {
  try {
    const page = await ctx.transport.loadOlder!(before);
    if (mine !== ctx.epoch) return;
    ctx.settle();
    const merged = mergeOlder(ctx.messages.peek(), page.messages);
    const oldest = page.messages[0];
    ctx.skipTo = !merged.added.length && oldest ? { id: oldest.id, at: oldest.at } : null;
    // An answer with nothing in it cannot lead further back, whatever it says.
    put(ctx, merged.list, merged.added, page.more && page.messages.length ? 'idle' : 'done');
  } catch {
    if (mine === ctx.epoch) ctx.state.value = 'failed';
  }
}

/**
 * The next older messages into the list (older.ts `load` checked that there may be some, and says
 * `loading` meanwhile: `prev` is the state before).
 */
export function loadOlder(ctx: OlderContext, mine: number, prev: OlderState): Promise<void> {
  if (mine !== ctx.epoch) return Promise.resolve();
  ctx.settle();
  const list = ctx.messages.peek();
  if (ctx.trimmed) {
    const back = fromStorage(ctx, list);
    if (back.length) {
      put(ctx, [...back, ...list], back, prev === 'done' ? 'idle' : prev);
      return Promise.resolve();
    }
    ctx.trimmed = false;
  }
  const before = ctx.transport.loadOlder && prev !== 'done' ? (ctx.skipTo ?? cursorOf(list)) : null;
  if (!before) {
    ctx.state.value = ctx.transport.loadOlder ? prev : 'done';
    return Promise.resolve();
  }
  return fromHistory(ctx, before, mine);
}

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
  const i = list.findIndex(fromBackend);
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
