/**
 * The message box. Its value is the store's `draft` signal, which is persisted, so nothing typed is
 * lost when the panel closes or the page reloads. Enter sends, Shift+Enter adds a line, and Enter
 * while an input method is composing (Chinese, Japanese…) only confirms the candidate.
 */
import type { Ref } from 'preact';
import { useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { SendIcon } from './icons';

export function Composer(props: { store: ChatStore; t: Translate; inputRef: Ref<HTMLTextAreaElement> }) {
  const { store, t } = props;
  const composing = useRef(false);

  const submit = () => {
    if (store.send(store.draft.value)) store.draft.value = '';
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // Safari fires keydown after compositionend with keyCode 229, hence the extra checks.
    if (e.isComposing || composing.current || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={props.inputRef}
        class="composer__input"
        rows={1}
        dir="auto"
        aria-label={t('messageLabel')}
        placeholder={t('messagePlaceholder')}
        value={store.draft.value}
        onInput={(e) => {
          store.draft.value = e.currentTarget.value;
        }}
        onKeyDown={onKeyDown}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
        }}
      />
      <button type="submit" class="icon-btn composer__send" aria-label={t('send')}>
        <SendIcon />
      </button>
    </form>
  );
}
