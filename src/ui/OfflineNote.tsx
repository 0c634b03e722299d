/**
 * The honest offline state: while the backend cannot be reached, the body says so and that what the
 * visitor writes will go when we are back (the outbox holds it), so the composer stays usable; after
 * a failure, that it is kept until the chat connects again. The header's status line is the live
 * region; this is plain text, so nothing is announced twice.
 */
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';

const OFFLINE = new Set(['reconnecting', 'disconnected', 'failed']);

export function OfflineNote(props: { store: ChatStore; t: Translate }) {
  const { status, reason } = props.store.status.value;
  // Another window holding the conversation is not "offline": the header says what happened.
  if (!OFFLINE.has(status) || reason === 'evicted' || props.store.ended.value) return null;
  // A failure does not come back by itself (the header offers "Try again"): no promise of "when we are back".
  const failed = status === 'failed';
  return (
    <div class="offline">
      <p class="offline__title">{props.t(failed ? 'failedTitle' : 'offlineTitle')}</p>
      <p class="offline__text">{props.t(failed ? 'failedText' : 'offlineText')}</p>
    </div>
  );
}
