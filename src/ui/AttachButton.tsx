/**
 * The paper-clip button in the composer. It opens a hidden file input rather than being a styled
 * `<input type=file>`: a real button has a name from our catalogue, a normal focus ring, and works
 * with Enter and Space like every other button. Shown only when the backend takes files.
 */
import { useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { Uploads } from '../store/uploads';
import { PaperclipIcon } from './icons';

export function AttachButton(props: {
  uploads: Uploads;
  t: Translate;
  accept?: readonly string[] | undefined;
}) {
  const { uploads, t } = props;
  // What the backend asked for, when it did; else the configured limits.
  const accept = props.accept ?? uploads.accept;
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        class="icon-btn composer__attach"
        aria-label={t('attachFile')}
        // The code that sends files loads while the visitor is about to choose one (store/uploads.ts).
        onPointerEnter={uploads.prepare}
        onFocus={uploads.prepare}
        onClick={() => {
          uploads.prepare();
          input.current?.click();
        }}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        accept={accept.length ? accept.join(',') : undefined}
        onChange={(e) => {
          const el = e.currentTarget;
          if (el.files?.length) void uploads.add([...el.files]);
          // Cleared so choosing the same file again (after removing it) fires `change` again.
          el.value = '';
        }}
      />
    </>
  );
}
