/**
 * The message box. Its value is the store's `draft` signal, which is persisted, so nothing typed is
 * lost when the panel closes or the page reloads. Enter sends, Shift+Enter adds a line, and Enter
 * while an input method is composing (Chinese, Japanese…) only confirms the candidate.
 *
 * When the backend takes files, the tray of attached files sits above the box, the attach button
 * beside it, and a pasted image is attached. A message may then be files alone. While a file is
 * still uploading, sending waits: the text stays in the box and the tray says why.
 */
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { AttachButton } from './AttachButton';
import { SendIcon } from './icons';
import { UploadTray } from './UploadTray';

export function Composer(props: { store: ChatStore; t: Translate; inputRef: Ref<HTMLTextAreaElement> }) {
  const { store, t } = props;
  const { uploads } = store;
  const composing = useRef(false);
  const busy = uploads.busy.value;
  // Nothing to send yet: the button looks and says inactive (it stays focusable).
  const empty = !store.draft.value.trim() && uploads.ready.value.length === 0;
  // A backend that takes files only when it asks for one (ChatFAQ): the paper clip shows then.
  const onRequest = store.capabilities.uploads !== false && store.capabilities.uploads.onRequest === true;
  const offer = store.uploadOffer.value;
  const canAttach = uploads.enabled && (!onRequest || offer !== null);
  const [waiting, setWaiting] = useState(false);

  // The note answers one attempt to send; it goes once the uploads it waited for are over.
  useEffect(() => {
    if (!busy) setWaiting(false);
  }, [busy]);

  const submit = () => {
    if (uploads.busy.value) setWaiting(true);
    else if (store.send(store.draft.value)) store.draft.value = '';
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // Safari fires keydown after compositionend with keyCode 229, hence the extra checks.
    if (e.isComposing || composing.current || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  };

  // A screenshot pasted into the box is attached; text pasted along with it still goes in the box.
  const onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!uploads.enabled || files.length === 0) return;
    if (!e.clipboardData?.types.includes('text/plain')) e.preventDefault();
    void uploads.add(files);
  };

  return (
    <>
      {uploads.enabled && <UploadTray uploads={uploads} t={t} waiting={waiting} />}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {canAttach && <AttachButton uploads={uploads} t={t} accept={offer?.accept} />}
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
          onPaste={onPaste}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={() => {
            composing.current = false;
          }}
        />
        {/* aria-disabled, not disabled: the button keeps its place in the tab order while it waits. */}
        <button
          type="submit"
          class="icon-btn composer__send"
          aria-label={t('send')}
          aria-disabled={busy || empty ? 'true' : undefined}
        >
          <SendIcon />
        </button>
      </form>
    </>
  );
}
