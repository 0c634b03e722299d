/**
 * Storage keys of the conversation, in a file of their own: the embed code's first script asks
 * whether a conversation is stored (to connect a returning visitor at once rather than at idle)
 * and must not pull in the decoders of `persistence.ts` for that.
 */
import type { KeyValueStore } from '../core/storage';

/** The newest page of the conversation (`persistence.ts`; the whole of it before paging). */
export const MESSAGES_KEY = 'messages';
export const DRAFT_KEY = 'draft';

/** Whether a conversation is stored, without reading it. */
export const hasStoredConversation = (store: KeyValueStore): boolean =>
  (store.get(MESSAGES_KEY) ?? '[]') !== '[]';
