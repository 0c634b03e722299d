/** A sender's picture, or their initials; decorative, because the name is always in the text. */

import { useState } from 'preact/hooks';
import type { Author } from '../core/types';
import { safeMediaUrl } from '../core/url';
import { initials } from './names';

export function Avatar(props: { author: Author; name: string; size?: 'small' | 'medium' }) {
  const src = props.author.avatarUrl ? safeMediaUrl(props.author.avatarUrl) : null;
  // A picture that cannot load (moved, blocked, the server away) shows the initials, not a broken image.
  const [broken, setBroken] = useState<string | null>(null);
  const cls = `avatar avatar--${props.size ?? 'small'} avatar--${props.author.kind}`;
  if (src && broken !== src)
    return (
      <img
        class={cls}
        src={src}
        alt=""
        referrerpolicy="no-referrer"
        loading="lazy"
        onError={() => setBroken(src)}
      />
    );
  return (
    <span class={cls} aria-hidden="true">
      {initials(props.name)}
    </span>
  );
}
