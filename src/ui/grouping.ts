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

/** Whether `m` continues the run of `prev` (same sender, same day, close in time). */
function continues(prev: ChatMessage | undefined, m: ChatMessage): boolean {
  if (!prev || differentDay(prev.at, m.at)) return false;
  const me = sender(m);
  return me !== null && sender(prev) === me && m.at - prev.at < GROUP_GAP_MS;
}

/**
 * The log item for `messages[i]`, from its neighbours alone: O(1), so the log computes grouping
 * only for the rows it renders, however long the conversation.
 */
export function logItem(messages: readonly ChatMessage[], i: number): LogItem {
  const message = messages[i]!;
  const prev = messages[i - 1];
  const next = messages[i + 1];
  return {
    message,
    first: !continues(prev, message),
    last: !next || !continues(message, next),
    day: !prev || differentDay(prev.at, message.at),
  };
}
