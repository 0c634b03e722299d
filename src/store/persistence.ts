/**
 * What survives a reload: the conversation (including the unconfirmed outbox) and the draft.
 * Everything read back is validated, because storage is shared with the host page and may hold
 * anything (another version of Parley, a browser extension, a hand edit).
 */
import { isObj, isTime, str } from '../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../core/storage';
import type { ChatMessage } from './types';

const MESSAGES_KEY = 'messages';
const DRAFT_KEY = 'draft';
/** Older messages are dropped from storage (not from the screen) to stay well under quota. */
export const MAX_PERSISTED = 200;

function validMessage(v: unknown): v is ChatMessage {
  return (
    isObj(v) &&
    str(v.key) !== undefined &&
    (v.direction === 'in' || v.direction === 'out') &&
    typeof v.text === 'string' &&
    // A time a Date cannot hold would stop the log rendering (and so the panel opening) for good.
    isTime(v.at) &&
    isObj(v.author) &&
    typeof v.author.kind === 'string'
  );
}

/** Messages from storage or another tab: what does not decode is dropped, the rest kept. */
export function decodeMessages(raw: unknown): ChatMessage[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(validMessage).map((m) => ({ ...m, kind: m.kind ?? 'regular' }));
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
