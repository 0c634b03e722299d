/**
 * The paper-clip button in the composer. It opens a hidden file input rather than being a styled
 * `<input type=file>`: a real button has a name from our catalogue, a normal focus ring, and works
 * with Enter and Space like every other button. Shown only when the backend takes files.
 */
import { useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { Uploads } from '../store/uploads';

/** Drawn here rather than in icons.tsx so the upload UI stays in its own files. */
const PaperclipIcon = () => (
  <svg
    class="icon"
    viewBox="0 0 24 24"
    width="20"
    height="20"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    <path d="m21 11-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6L15 7" />
  </svg>
);

export function AttachButton(props: { uploads: Uploads; t: Translate }) {
  const { uploads, t } = props;
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        class="icon-btn composer__attach"
        aria-label={t('attachFile')}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        accept={uploads.accept.length ? uploads.accept.join(',') : undefined}
        onChange={(e) => {
          const el = e.currentTarget;
          if (el.files?.length) uploads.add([...el.files]);
          // Cleared so choosing the same file again (after removing it) fires `change` again.
          el.value = '';
        }}
      />
    </>
  );
}
