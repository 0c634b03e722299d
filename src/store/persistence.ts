/**
 * What survives a reload: the conversation (including the unconfirmed outbox) and the draft.
 * Everything read back is validated, because storage is shared with the host page and may hold
 * anything (another version of Parley, a browser extension, a hand edit).
 */
import { type KeyValueStore, readJson, writeJson } from '../core/storage';
import { decodeStoredMessage } from './stored-message';
import type { ChatMessage } from './types';

const MESSAGES_KEY = 'messages';
const DRAFT_KEY = 'draft';
/** Older messages are dropped from storage (not from the screen) to stay well under quota. */
export const MAX_PERSISTED = 200;

/** Messages from storage or another tab: what does not decode is dropped, the rest kept. */
export function decodeMessages(raw: unknown): ChatMessage[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const out: ChatMessage[] = [];
  for (const item of raw) {
    const m = decodeStoredMessage(item);
    // Two records with one key would be two rows with one identity: keep the first.
    if (!m || seen.has(m.key)) continue;
    seen.add(m.key);
    out.push(m);
  }
  return out;
}

export function loadMessages(store: KeyValueStore): ChatMessage[] {
  return decodeMessages(readJson(store, MESSAGES_KEY));
}

export function saveMessages(store: KeyValueStore, messages: readonly ChatMessage[]): void {
  writeJson(store, MESSAGES_KEY, messages.slice(-MAX_PERSISTED));
}

export function loadDraft(store: KeyValueStore): string {
  return store.get(DRAFT_KEY) ?? '';
}

export function saveDraft(store: KeyValueStore, draft: string): void {
  if (draft) store.set(DRAFT_KEY, draft);
  else store.remove(DRAFT_KEY);
}

export function clearConversation(store: KeyValueStore): void {
  store.remove(MESSAGES_KEY);
  store.remove(DRAFT_KEY);
}
