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
export function namedBot(messages: readonly ChatMessage[]): ChatMessage['author'] | undefined {
  return messages.find((m) => !m.notice && m.author.kind === 'bot' && m.author.name?.trim())?.author;
}

/** An unnamed bot message shown as the named bot: the same object each time, so its row stays memoised. */
const renamed = new WeakMap<ChatMessage, ChatMessage>();
function asBot(m: ChatMessage | undefined, bot: ChatMessage['author'] | undefined): ChatMessage | undefined {
  if (!m || !bot || m.notice || m.author.kind !== 'bot' || m.author.name?.trim() || m.author.id) return m;
  let shown = renamed.get(m);
  if (shown?.author !== bot) {
    shown = { ...m, author: bot };
    renamed.set(m, shown);
  }
  return shown;
}

/** Whether `m` continues the run of `prev` (same sender, same day, close in time). */
function continues(prev: ChatMessage | undefined, m: ChatMessage): boolean {
  if (!prev || differentDay(prev.at, m.at)) return false;
  const me = sender(m);
  return me !== null && sender(prev) === me && m.at - prev.at < GROUP_GAP_MS;
}

/**
 * The log item for `messages[i]`, from its neighbours alone: O(1), so the log computes grouping
 * only for the rows it renders, however long the conversation. `bot` is `namedBot(messages)`.
 */
export function logItem(messages: readonly ChatMessage[], i: number, bot?: ChatMessage['author']): LogItem {
  const message = asBot(messages[i], bot)!;
  const prev = asBot(messages[i - 1], bot);
  const next = asBot(messages[i + 1], bot);
  return {
    message,
    first: !continues(prev, message),
    last: !next || !continues(message, next),
    day: !prev || differentDay(prev.at, message.at),
  };
}
