/**
 * "Bot is typing…" as a polite status region. The region is always rendered (empty when nobody
 * types) because screen readers only announce changes to a live region that already exists.
 */
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { authorName } from './names';

export function TypingIndicator(props: { store: ChatStore; t: Translate }) {
  const { store, t } = props;
  const typing = store.typing.value;
  const text = typing
    ? typing.author.name || typing.author.kind !== 'system'
      ? t('typing', { name: authorName(typing.author, t) })
      : t('typingSomeone')
    : '';
  return (
    <div class={typing ? 'typing typing--on' : 'typing'} role="status" aria-live="polite">
      {typing && (
        <>
          <span class="typing__dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span class="typing__text">{text}</span>
        </>
      )}
    </div>
  );
}
