/** Replaces the composer once the backend ended the conversation. */
import type { Ref } from 'preact';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';

export function EndedBar(props: { store: ChatStore; t: Translate; buttonRef: Ref<HTMLButtonElement> }) {
  const { store, t } = props;
  return (
    <div class="ended">
      <p class="ended__text">{t('sessionEnded')}</p>
      <button ref={props.buttonRef} type="button" class="btn btn--primary" onClick={() => store.startNew()}>
        {t('startNew')}
      </button>
    </div>
  );
}
