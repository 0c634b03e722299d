/**
 * An image attachment as a thumbnail button that opens the viewer. When the backend told us the
 * size, the thumbnail reserves its real aspect ratio before the image loads (no jump in the log);
 * the ratio goes in through `style.setProperty`, which a strict CSP allows.
 */
import { createPortal } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleBidi } from '../core/bidi';
import type { Attachment } from '../core/types';
import type { Translate } from '../i18n';
import { ImageViewer } from './ImageViewer';

export function ImageThumb(props: { file: Attachment; src: string; t: Translate }) {
  const { file, src, t } = props;
  const name = visibleBidi(file.name);
  const button = useRef<HTMLButtonElement>(null);
  const [host, setHost] = useState<Element | null>(null);

  useLayoutEffect(() => {
    const el = button.current;
    if (!el) return;
    const { width, height } = file;
    if (width && height && width > 0 && height > 0) el.style.setProperty('--_ratio', `${width} / ${height}`);
    else el.style.removeProperty('--_ratio');
  }, [file.width, file.height]);

  // The viewer is drawn over the whole panel, outside the live log so it is not announced twice.
  const open = () => setHost(button.current?.closest('.panel') ?? button.current?.closest('.parley') ?? null);
  const close = () => {
    setHost(null);
    button.current?.focus();
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        class={file.width && file.height ? 'thumb thumb--sized' : 'thumb'}
        aria-label={t('openImage', { name })}
        aria-haspopup="dialog"
        onClick={open}
      >
        <img src={src} alt="" loading="lazy" referrerpolicy="no-referrer" />
      </button>
      {host && createPortal(<ImageViewer src={src} name={name} t={t} onClose={close} />, host)}
    </>
  );
}
