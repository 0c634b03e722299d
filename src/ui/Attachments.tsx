/**
 * A message's attachments: images as thumbnails, everything else as file cards. A file of its own
 * in the split build, with its stylesheet, loaded the first time a message with a file is shown
 * (ui/MessageItem.tsx); most conversations never have one.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Attachment } from '../core/types';
import { safeMediaUrl } from '../core/url';
import type { Translate } from '../i18n';
import css from '../theme/attachments.css?inline';
import { FileCard } from './FileCard';
import { ImageThumb } from './ImageThumb';
import { adoptSheet } from './on-demand';

/** Formats every browser shows inline; SVG is left out on purpose (scriptable, and often huge). */
const IMAGE_TYPES = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;
const IMAGE_EXT = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;

export const isImage = (file: Attachment) =>
  file.contentType ? IMAGE_TYPES.test(file.contentType) : IMAGE_EXT.test(file.name);

export function Attachments(props: { files: readonly Attachment[]; t: Translate }) {
  const root = useRef<HTMLDivElement>(null);
  // Before the first paint: files never show unstyled.
  useLayoutEffect(() => adoptSheet(root.current, css), []);
  return (
    <div ref={root} class="attachments">
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
