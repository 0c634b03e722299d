/**
 * What survives a reload: the conversation (including the unconfirmed outbox) and the draft.
 * Everything read back is validated, because storage is shared with the host page and may hold
 * anything (another version of Parley, a browser extension, a hand edit).
 */
import { randomId } from '../core/ids';
import { type KeyValueStore, readJson } from '../core/storage';
import { DRAFT_KEY, MESSAGES_KEY } from './stored-keys';
import { decodeStoredMessage } from './stored-message';
import type { ChatMessage } from './types';

/** How many full pages precede the newest one, stored as `messages.0` (oldest) … `messages.{n-1}`. */
const OLDER_KEY = 'messages.older';
const pageKey = (i: number) => `messages.${i}`;

/**
 * The whole conversation is stored, in pages, so a reload shows it all (older messages are reached by
 * scrolling up) and the store can drop a redelivered old message by its id however old it is. A
 * change rewrites only the pages it touched: usually the newest one alone.
 */
export const PAGE_SIZE = 100;
/** The oldest pages are dropped beyond this, to stay under the browser's storage quota. */
export const MAX_PERSISTED = 10_000;
const MAX_PAGES = MAX_PERSISTED / PAGE_SIZE;

interface Page {
  raw: string;
  items: readonly ChatMessage[];
}
interface Cache {
  pages: Map<string, Page>;
  /** The `messages.mark` this side wrote last: another one means another tab wrote since. */
  mark: string | null;
  /** This side's name in the marks it writes (one per storage object: per widget and page). */
  id: string;
  writes: number;
}
/**
 * Pages as last read or written, per storage: a page whose stored text did not change is not
 * decoded again, and one whose items are the same objects is not written again (unless another
 * tab wrote in between, which `messages.mark` tells).
 */
const caches = new WeakMap<KeyValueStore, Cache>();
const MARK_KEY = 'messages.mark';

function cacheOf(store: KeyValueStore): Cache {
  let cache = caches.get(store);
  if (!cache) {
    cache = { pages: new Map(), mark: null, id: randomId(), writes: 0 };
    caches.set(store, cache);
  }
  return cache;
}

/** The number of older pages, as stored (anything unreadable counts as none). */
function olderPages(store: KeyValueStore): number {
  const n = readJson(store, OLDER_KEY);
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PAGES) : 0;
}

function readPage(store: KeyValueStore, key: string): readonly ChatMessage[] {
  const raw = store.get(key);
  if (raw === null) return [];
  const cache = cacheOf(store).pages;
  const known = cache.get(key);
  if (known?.raw === raw) return known.items;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  const items = Array.isArray(parsed) ? decodeList(parsed) : [];
  cache.set(key, { raw, items });
  return items;
}

function decodeList(raw: readonly unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const item of raw) {
    const m = decodeStoredMessage(item);
    if (m) out.push(m);
  }
  return out;
}

/** Messages from another tab (store/tab-sync.ts): what does not decode is dropped, the rest kept. */
export function decodeMessages(raw: unknown): ChatMessage[] {
  return Array.isArray(raw) ? decodeList(raw) : [];
}

/** The stored conversation, oldest first; a page that does not decode is skipped, not fatal. */
export function loadMessages(store: KeyValueStore): ChatMessage[] {
  // What is read now is what the pages hold: later writes are checked against this mark.
  cacheOf(store).mark = store.get(MARK_KEY);
  const keys = [...Array.from({ length: olderPages(store) }, (_, i) => pageKey(i)), MESSAGES_KEY];
  const seen = new Set<string>();
  const out: ChatMessage[] = [];
  for (const key of keys) {
    for (const m of readPage(store, key)) {
      // Two records with one key would be two rows with one identity: keep the first.
      if (seen.has(m.key)) continue;
      seen.add(m.key);
      out.push(m);
    }
  }
  return out;
}

/** Writes the pages that changed since they were last read or written here. */
export function saveMessages(store: KeyValueStore, messages: readonly ChatMessage[]): void {
  const state = cacheOf(store);
  // Another tab wrote since: its pages may be cut elsewhere, so none of ours can be trusted to be
  // there; write them all (the last writer's list wins whole, never a mix of two).
  if (store.get(MARK_KEY) !== state.mark) state.pages.clear();
  const cache = state.pages;
  // Whole pages fall off the front, so page boundaries stay put as the conversation grows.
  const drop = Math.max(0, Math.ceil((messages.length - MAX_PERSISTED) / PAGE_SIZE) * PAGE_SIZE);
  const kept = drop ? messages.slice(drop) : messages;
  const full = kept.length ? Math.floor((kept.length - 1) / PAGE_SIZE) : 0;
  const write = (key: string, items: readonly ChatMessage[]) => {
    const known = cache.get(key);
    if (known && same(known.items, items)) return;
    const raw = JSON.stringify(items);
    store.set(key, raw);
    cache.set(key, { raw, items });
  };
  for (let i = 0; i < full; i++) write(pageKey(i), kept.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  const before = olderPages(store);
  for (let i = full; i < before; i++) {
    store.remove(pageKey(i));
    cache.delete(pageKey(i));
  }
  if (full !== before) {
    if (full) store.set(OLDER_KEY, String(full));
    else store.remove(OLDER_KEY);
  }
  write(MESSAGES_KEY, kept.slice(full * PAGE_SIZE));
  state.writes += 1;
  state.mark = `${state.id}:${state.writes}`;
  store.set(MARK_KEY, state.mark);
}

const same = (a: readonly ChatMessage[], b: readonly ChatMessage[]) =>
  a.length === b.length && a.every((m, i) => m === b[i]);

export function loadDraft(store: KeyValueStore): string {
  return store.get(DRAFT_KEY) ?? '';
}

export function saveDraft(store: KeyValueStore, draft: string): void {
  if (draft) store.set(DRAFT_KEY, draft);
  else store.remove(DRAFT_KEY);
}

export function clearConversation(store: KeyValueStore): void {
  for (let i = olderPages(store) - 1; i >= 0; i--) store.remove(pageKey(i));
  store.remove(OLDER_KEY);
  store.remove(MESSAGES_KEY);
  store.remove(MARK_KEY);
  store.remove(DRAFT_KEY);
  caches.delete(store);
}
