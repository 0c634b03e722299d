/**
 * Files attached to the message being written, above the composer: a preview per file (the
 * image itself, or a file icon with name and size), a progress bar while it uploads, Cancel or
 * Remove, and Retry when it failed. Refused files (too large, wrong type) never enter the list;
 * they get a sentence in a polite status region that is always in the DOM, because screen readers
 * only announce changes to a live region that already existed.
 */

import type { ComponentChildren } from 'preact';
import { visibleBidi } from '../core/bidi';
import { safeMediaUrl } from '../core/url';
import type { Translate } from '../i18n';
import { formatBytes } from '../i18n/format';
import type { PendingUpload, UploadRefusal, Uploads } from '../store/uploads';
import { CloseIcon, FileIcon } from './icons';

export interface UploadTrayProps {
  uploads: Uploads;
  t: Translate;
  /** The visitor tried to send while a file was still uploading. */
  waiting: boolean;
}

export function refusalText(r: UploadRefusal, maxBytes: number, t: Translate): string {
  const name = visibleBidi(r.name);
  if (r.reason === 'too-large') return t('fileTooLarge', { name, max: formatBytes(maxBytes, t) });
  if (r.reason === 'type') return t('fileWrongType', { name });
  return t('uploadsUnsupported', { name });
}

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

export function UploadTray({ uploads, t, waiting }: UploadTrayProps) {
  const items = uploads.items.value;
  const errors = [
    ...uploads.refused.value.map((r) => refusalText(r, uploads.maxBytes, t)),
    ...items.filter((u) => u.state === 'failed').map((u) => t('uploadFailed', { name: visibleBidi(u.name) })),
  ];
  const notes: ComponentChildren[] = errors.map((text, i) => (
    // Notes have no identity of their own; their order is stable while they are shown.
    <p key={i} class="tray__note tray__note--error">
      {text}
    </p>
  ));
  if (waiting && uploads.busy.value)
    notes.push(
      <p key="wait" class="tray__note">
        {t('waitForUpload')}
      </p>,
    );
  return (
    <div class="tray">
      {items.length > 0 && (
        <ul class="tray__list" aria-label={t('filesToSend')}>
          {items.map((item) => (
            <Item key={item.key} item={item} uploads={uploads} t={t} />
          ))}
        </ul>
      )}
      <div class="tray__notes" role="status">
        {notes}
      </div>
    </div>
  );
}
