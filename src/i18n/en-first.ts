/**
 * The English strings the first script needs: the launcher's, and the defaults the embed code reads
 * before the panel loads. They are part of `en` (en.ts); kept apart so the first script does not
 * carry the whole catalogue (issue 9: the first script stays under its budget).
 */
export const enFirst = {
  /** BCP 47 tag used for dates, times, numbers and plural rules. Not shown. */
  locale: 'en',
  /** Header title when the page sets none. */
  defaultTitle: 'Chat',
  openChat: 'Open chat',
  unread: { one: '{count} unread message', other: '{count} unread messages' },
  visitor: 'Visitor',
} as const;
