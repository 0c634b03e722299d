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
import { onDemand } from './on-demand';

// Its code and stylesheet load the first time the visitor opens an image (ui/on-demand.ts).
const imageViewer = onDemand('the image viewer', () => import('./ImageViewer'));

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
  const open = () => {
    imageViewer(); // its code, if an earlier click could not fetch it: a click tries again
    setHost(button.current?.closest('.panel') ?? button.current?.closest('.parley') ?? null);
  };
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
      {host && <Viewer host={host} src={src} name={name} t={t} onClose={close} />}
    </>
  );
}

/** The viewer over the panel, once its code is there (a click before that opens it when it is). */
function Viewer(props: { host: Element; src: string; name: string; t: Translate; onClose: () => void }) {
  const ImageViewer = imageViewer()?.ImageViewer;
  const { host, ...rest } = props;
  return ImageViewer ? createPortal(<ImageViewer {...rest} />, host) : null;
}
