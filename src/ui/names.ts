/** How the widget names the people in the conversation. */
import { visibleBidi } from '../core/bidi';
import type { Author } from '../core/types';
import type { Translate } from '../i18n';

/**
 * The visitor is "You"; others by their name (bidi controls shown, see core/bidi.ts), or by their
 * role when the backend sent none.
 */
export function authorName(author: Author, t: Translate): string {
  if (author.kind === 'visitor') return t('you');
  if (author.name?.trim()) return visibleBidi(author.name.trim());
  return author.kind === 'operator' ? t('operator') : t('bot');
}

/** One or two letters for an avatar without a picture. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((w) => (w ? Array.from(w)[0] : ''))
    .join('')
    .toUpperCase();
}
