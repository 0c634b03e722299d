/**
 * A modal viewer for an image attachment, drawn over the panel. Focus moves to its close button
 * and stays inside while it is open; Escape closes it without also closing the panel. A file of
 * its own in the split build, with its stylesheet, loaded the first time the visitor opens an image.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import css from '../theme/viewer.css?inline';
import { CloseIcon, DownloadIcon } from './icons';
import { adoptSheet } from './on-demand';

export interface ImageViewerProps {
  src: string;
  name: string;
  t: Translate;
  onClose: () => void;
}

export function ImageViewer({ src, name, t, onClose }: ImageViewerProps) {
  const root = useRef<HTMLDivElement>(null);
  const closeBtn = useRef<HTMLButtonElement>(null);

  useLayoutEffect(() => {
    adoptSheet(root.current, css);
    closeBtn.current?.focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      // The panel listens for Escape too: this one is ours.
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'Tab') {
      const items = [...(root.current?.querySelectorAll<HTMLElement>('button, a[href]') ?? [])];
      const first = items[0];
      const last = items[items.length - 1];
      const active = (root.current?.getRootNode() as Document | ShadowRoot | undefined)?.activeElement;
      if (e.shiftKey && active === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  };

  return (
    <div
      ref={root}
      class="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={t('imageViewer', { name })}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div class="viewer__bar">
        <a class="icon-btn" href={src} target="_blank" rel="noopener noreferrer" download={name}>
          <DownloadIcon />
          <span class="sr-only">{t('downloadFile', { name })}</span>
        </a>
        <button ref={closeBtn} type="button" class="icon-btn" aria-label={t('closeImage')} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <img class="viewer__img" src={src} alt={name} referrerpolicy="no-referrer" />
    </div>
  );
}
