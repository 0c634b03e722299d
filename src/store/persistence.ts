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
/**
 * What one side (a store: a widget in a page) last read or wrote: the pages as stored then, so a
 * page whose text did not change is not decoded again and one whose items are the same objects is
 * not written again; and the `messages.mark` of that moment, so a side knows when another wrote
 * since (other tabs, or another widget over the same storage object).
 */
export interface StoredView {
  pages: Map<string, Page>;
  mark: string | null;
  /** This side's name in the marks it writes. */
  id: string;
  writes: number;
}
export const storedView = (): StoredView => ({ pages: new Map(), mark: null, id: randomId(), writes: 0 });

/** The view the functions below use when given none: one per storage object. */
const views = new WeakMap<KeyValueStore, StoredView>();
const MARK_KEY = 'messages.mark';

function viewOf(store: KeyValueStore): StoredView {
  let view = views.get(store);
  if (!view) {
    view = storedView();
    views.set(store, view);
  }
  return view;
}

/** The number of older pages, as stored (anything unreadable counts as none). */
function olderPages(store: KeyValueStore): number {
  const n = readJson(store, OLDER_KEY);
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PAGES) : 0;
}

/** The page under `key`, decoded unless `known` holds the same text; recorded in `into`. */
function readPage(
  store: KeyValueStore,
  key: string,
  known: Map<string, Page>,
  into: Map<string, Page>,
): readonly ChatMessage[] {
  const raw = store.get(key);
  if (raw === null) return [];
  let page = known.get(key);
  if (page?.raw !== raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    page = { raw, items: Array.isArray(parsed) ? decodeList(parsed) : [] };
  }
  into.set(key, page);
  return page.items;
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

/** Another side wrote the conversation since `view` last read or wrote it. */
export const writtenElsewhere = (store: KeyValueStore, view: StoredView): boolean =>
  store.get(MARK_KEY) !== view.mark;

/** The stored conversation, oldest first; a page that does not decode is skipped, not fatal. */
export function loadMessages(store: KeyValueStore, view = viewOf(store)): ChatMessage[] {
  // What is read now is what the pages hold: later writes are checked against this mark, and the
  // view holds exactly the pages read (none of an earlier, longer conversation).
  view.mark = store.get(MARK_KEY);
  const known = view.pages;
  view.pages = new Map();
  const keys = [...Array.from({ length: olderPages(store) }, (_, i) => pageKey(i)), MESSAGES_KEY];
  const seen = new Set<string>();
  const out: ChatMessage[] = [];
  for (const key of keys) {
    for (const m of readPage(store, key, known, view.pages)) {
      // Two records with one key would be two rows with one identity: keep the first.
      if (seen.has(m.key)) continue;
      seen.add(m.key);
      out.push(m);
    }
  }
  return out;
}

/**
 * Writes the pages that changed since `view` last read or wrote them: usually the newest alone. A
 * page is compared by the identity of its messages (no copy, no serialisation, nothing read), so a
 * write costs about what its changed pages do, whatever the length of the conversation.
 */
export function saveMessages(
  store: KeyValueStore,
  messages: readonly ChatMessage[],
  view = viewOf(store),
): void {
  // Another side wrote since: its pages may be cut elsewhere, so none of ours can be trusted to be
  // there; write them all (the last writer's list wins whole, never a mix of two).
  if (writtenElsewhere(store, view)) view.pages.clear();
  const cache = view.pages;
  // Whole pages fall off the front, so page boundaries stay put as the conversation grows.
  const drop = Math.max(0, Math.ceil((messages.length - MAX_PERSISTED) / PAGE_SIZE) * PAGE_SIZE);
  const full = messages.length > drop ? Math.floor((messages.length - drop - 1) / PAGE_SIZE) : 0;
  const write = (key: string, from: number, to: number) => {
    const known = cache.get(key)?.items;
    if (known?.length === to - from && known.every((m, i) => m === messages[from + i])) return;
    const items = messages.slice(from, to);
    const raw = JSON.stringify(items);
    store.set(key, raw);
    cache.set(key, { raw, items });
  };
  for (let i = 0; i < full; i++) write(pageKey(i), drop + i * PAGE_SIZE, drop + (i + 1) * PAGE_SIZE);
  const before = olderPages(store);
  for (let i = full; i < before; i++) {
    store.remove(pageKey(i));
    cache.delete(pageKey(i));
  }
  if (full !== before) {
    if (full) store.set(OLDER_KEY, String(full));
    else store.remove(OLDER_KEY);
  }
  write(MESSAGES_KEY, drop + full * PAGE_SIZE, messages.length);
  view.writes += 1;
  view.mark = `${view.id}:${view.writes}`;
  store.set(MARK_KEY, view.mark);
}

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
  views.delete(store);
}
