/**
 * Says new messages to screen readers. The log renders only the rows near the viewport (see
 * MessageList), so rows come and go as the visitor scrolls: as a live region it would announce
 * old messages scrolled back into view. This polite region instead receives each new message
 * from the other side once, when it is final (a streamed answer when its text has settled), and
 * keeps the last few: additions are announced, removals are not.
 */
import { useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import type { ChatMessage } from '../store/types';
import { noticeText } from './NoticeItem';
import { authorName } from './names';

/** How many announcements stay in the region (older ones are removed, which is not announced). */
const KEEP = 3;

const say = (m: ChatMessage, t: Translate) =>
  m.notice ? noticeText(m.notice, t) : `${authorName(m.author, t)}: ${m.text}`;

export function Announcer({ store, t }: { store: ChatStore; t: Translate }) {
  const messages = store.messages.value;
  const said = useRef<{ seen: Set<string>; lines: Array<{ key: string; text: string }> } | null>(null);
  if (!said.current) {
    // What the log showed when the panel opened is not news.
    said.current = { seen: new Set(messages.map((m) => m.key)), lines: [] };
  }
  const { seen, lines } = said.current;
  // New messages come at the end (or just before the newest): look back only as far as is new.
  const fresh: ChatMessage[] = [];
  for (let i = messages.length - 1; i >= 0 && !seen.has(messages[i]!.key); i--) {
    const m = messages[i]!;
    if (store.streamText(m.key)) continue; // announced once final
    seen.add(m.key);
    if (m.direction === 'in') fresh.push(m);
  }
  for (const m of fresh.reverse()) lines.push({ key: m.key, text: say(m, t) });
  if (lines.length > KEEP) lines.splice(0, lines.length - KEEP);
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="false">
      {lines.map((l) => (
        <p key={l.key}>{l.text}</p>
      ))}
    </div>
  );
}
