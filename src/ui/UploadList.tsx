/**
 * The list of files in the tray (ui/UploadTray.tsx): a preview per file (the image itself, or a
 * file icon with name and size), a progress bar while it uploads, Cancel or Remove, and Retry when
 * it failed. A file of its own in the split build, with its stylesheet, loaded the first time the
 * visitor attaches a file (most never do).
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { visibleBidi } from '../core/bidi';
import { safeMediaUrl } from '../core/url';
import type { Translate } from '../i18n';
import { formatBytes } from '../i18n/format';
import type { PendingUpload, Uploads } from '../store/uploads';
import css from '../theme/upload-list.css?inline';
import { CloseIcon, FileIcon } from './icons';
import { adoptSheet } from './on-demand';

function Preview({ item }: { item: PendingUpload }) {
  // The preview is a blob: URL of our own origin; checked anyway, like every other src we set.
  const src = item.previewUrl ? safeMediaUrl(item.previewUrl) : null;
  return src ? (
    <img class="upload__thumb" src={src} alt="" />
  ) : (
    <span class="upload__thumb upload__thumb--file">
      <FileIcon />
    </span>
  );
}

function Item({ item, uploads, t }: { item: PendingUpload; uploads: Uploads; t: Translate }) {
  const { state } = item;
  const name = visibleBidi(item.name);
  const percent = Math.round(item.progress * 100);
  return (
    <li class={`upload upload--${state}`}>
      <Preview item={item} />
      <span class="upload__text">
        <span class="upload__name" dir="auto">
          {name}
        </span>
        <span class="upload__meta">
          {state === 'failed' ? t('uploadFailedShort') : formatBytes(item.size, t)}
        </span>
        {state === 'uploading' && (
          <progress
            class="upload__bar"
            max={100}
            value={percent}
            aria-valuenow={percent}
            aria-label={t('uploadProgress', { name })}
          />
        )}
      </span>
      {state === 'failed' && (
        <button
          type="button"
          class="upload__retry link-btn"
          aria-label={t('retryUpload', { name })}
          onClick={() => uploads.retry(item.key)}
        >
          {t('retry')}
        </button>
      )}
      <button
        type="button"
        class="icon-btn upload__remove"
        aria-label={t(state === 'uploading' ? 'cancelUpload' : 'removeFile', { name })}
        onClick={() => uploads.remove(item.key)}
      >
        <CloseIcon />
      </button>
    </li>
  );
}

export function UploadList({
  items,
  uploads,
  t,
}: {
  items: PendingUpload[];
  uploads: Uploads;
  t: Translate;
}) {
  const list = useRef<HTMLUListElement>(null);
  // Before the first paint: the list never shows unstyled.
  useLayoutEffect(() => adoptSheet(list.current, css), []);
  return (
    <ul ref={list} class="tray__list" aria-label={t('filesToSend')}>
      {items.map((item) => (
        <Item key={item.key} item={item} uploads={uploads} t={t} />
      ))}
    </ul>
  );
}
