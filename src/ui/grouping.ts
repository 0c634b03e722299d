/**
 * Turns the flat message list into what the log shows: a day separator when the calendar day
 * changes, and consecutive messages of one sender grouped (name and avatar shown once).
 */
import { differentDay } from '../i18n/format';
import type { ChatMessage } from '../store/types';

/** Messages further apart than this start a new group even from the same sender. */
const GROUP_GAP_MS = 5 * 60_000;

export interface LogItem {
  message: ChatMessage;
  /** First message of a run from one sender: shows the name and avatar. */
  first: boolean;
  /** Last of the run: the avatar sits next to it and the bubble gets its tail. */
  last: boolean;
  /** Set when this message starts a new calendar day. */
  day: boolean;
}

function sender(m: ChatMessage): string | null {
  if (m.notice) return null; // notices never group
  const a = m.author;
  return `${m.direction}|${a.kind}|${a.id ?? a.name ?? ''}`;
}

/**
 * The bot the backend names in the conversation. Some backends (TWIN's session answer) send the
 * greeting without a name or picture and name the same bot later: one bot, one identity.
 */
function namedBot(messages: readonly ChatMessage[]): ChatMessage['author'] | undefined {
  return messages.find((m) => !m.notice && m.author.kind === 'bot' && m.author.name?.trim())?.author;
}

export function toLogItems(input: readonly ChatMessage[]): LogItem[] {
  const bot = namedBot(input);
  const messages = bot
    ? input.map((m) =>
        !m.notice && m.author.kind === 'bot' && !m.author.name?.trim() && !m.author.id
          ? { ...m, author: bot }
          : m,
      )
    : input;
  const items: LogItem[] = messages.map((message, i) => {
    const prev = messages[i - 1];
    const day = !prev || differentDay(prev.at, message.at);
    const me = sender(message);
    const same = !!prev && !day && me !== null && sender(prev) === me && message.at - prev.at < GROUP_GAP_MS;
    return { message, first: !same, last: true, day };
  });
  items.forEach((item, i) => {
    const next = items[i + 1];
    if (next && !next.first) item.last = false;
  });
  return items;
}
