/** A non-image attachment: name, type, size and a download link (only for a safe URL). */
import { visibleBidi } from '../core/bidi';
import type { Attachment } from '../core/types';
import { safeMediaUrl } from '../core/url';
import type { Translate } from '../i18n';
import { formatBytes } from '../i18n/format';
import { DownloadIcon, FileIcon } from './icons';

/** "PDF", "DOCX", "ZIP": from the file name's extension, else the MIME subtype, else "File". */
export function fileTypeLabel(file: Attachment, t: Translate): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.name)?.[1];
  if (ext) return ext.toUpperCase();
  const sub = file.contentType?.split('/')[1]?.split(/[;+.-]/)[0];
  return sub && sub.length <= 8 ? sub.toUpperCase() : t('fileUnknownType');
}

export function FileCard(props: { file: Attachment; t: Translate }) {
  const { file, t } = props;
  const href = safeMediaUrl(file.url);
  const name = visibleBidi(file.name);
  const meta = [fileTypeLabel(file, t), file.size !== undefined ? formatBytes(file.size, t) : null]
    .filter(Boolean)
    .join(' · ');
  const body = (
    <>
      <span class="file__icon">
        <FileIcon />
      </span>
      <span class="file__text">
        <span class="file__name" dir="auto">
          {name}
        </span>
        <span class="file__meta">{meta}</span>
      </span>
    </>
  );
  if (!href) return <div class="file">{body}</div>;
  return (
    <a
      class="file file--link"
      href={href}
      download={name}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`${t('downloadFile', { name })}, ${meta}`}
    >
      {body}
      <span class="file__download" aria-hidden="true">
        <DownloadIcon />
      </span>
    </a>
  );
}
