/**
 * Replaces the composer once the backend ended the conversation. The log already says "This
 * conversation has ended." (a notice), so the bar only offers the way on.
 */
import type { Ref } from 'preact';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';

export function EndedBar(props: { store: ChatStore; t: Translate; buttonRef: Ref<HTMLButtonElement> }) {
  const { store, t } = props;
  return (
    <div class="ended">
      <button ref={props.buttonRef} type="button" class="btn btn--primary" onClick={() => store.startNew()}>
        {t('startNew')}
      </button>
    </div>
  );
}
