/** A message's attachments: images as thumbnails, everything else as file cards. */
import type { Attachment } from '../core/types';
import { safeMediaUrl } from '../core/url';
import type { Translate } from '../i18n';
import { FileCard } from './FileCard';
import { ImageThumb } from './ImageThumb';

/** Formats every browser shows inline; SVG is left out on purpose (scriptable, and often huge). */
const IMAGE_TYPES = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;
const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;

export const isImage = (file: Attachment) =>
  file.contentType ? IMAGE_TYPES.test(file.contentType) : IMAGE_EXT.test(file.name);

export function Attachments(props: { files: readonly Attachment[]; t: Translate }) {
  return (
    <div class="attachments">
      {props.files.map((file, i) => {
        const src = isImage(file) ? safeMediaUrl(file.url) : null;
        const key = file.id ?? `${i}:${file.url}`;
        return src ? (
          <ImageThumb key={key} file={file} src={src} t={props.t} />
        ) : (
          <FileCard key={key} file={file} t={props.t} />
        );
      })}
    </div>
  );
}
