/**
 * Pure operations on the message list. Every function returns a new array (signals compare by
 * identity) and never reorders what is already on screen: new items go to the end, unless the
 * server's own time says the message is older than the messages from the server that end the list
 * (a redelivery or a gap fill arriving late): then it goes before them, by that time. A message a
 * history call brought late (`backfill`) also goes before the visitor's messages still waiting to
 * be sent: the server sent it before it could have seen those.
 */
import type { IncomingMessage, SendState } from '../core/types';
import type { ChatMessage } from './types';

/** Key under which an incoming message is rendered. */
export const incomingKey = (id: string) => `in:${id}`;

/**
 * Adds a message from the backend, or merges it into what we already show:
 * - the echo of a visitor's message (matched by client id) confirms it instead of showing twice;
 * - a message id already shown is ignored (duplicate delivery after a reconnect), except that it
 *   gives a name to a sender shown without one.
 * Returns the same array when nothing changed.
 */
export function receive(list: readonly ChatMessage[], msg: IncomingMessage): ChatMessage[] | null {
  if (msg.clientId) {
    const i = list.findIndex((m) => m.clientId === msg.clientId);
    if (i !== -1) {
      const mine = list[i]!;
      const state: SendState = mine.state === 'read' || mine.state === 'delivered' ? mine.state : 'sent';
      const next = [...list];
      next[i] = { ...mine, id: msg.id, state };
      return next;
    }
  }
  const same = list.findIndex(
    (m) => m.id === msg.id && (m.direction === 'in' || m.author.kind === msg.author.kind),
  );
  if (same !== -1) {
    // A duplicate delivery; a history call may name the sender the live event could not.
    const shown = list[same]!;
    if (!msg.author.name || shown.author.name || shown.direction !== 'in') return null;
    const next = [...list];
    next[same] = { ...shown, author: { ...shown.author, name: msg.author.name } };
    return next;
  }
  const visitor = msg.author.kind === 'visitor';
  const item: ChatMessage = {
    key: visitor && msg.clientId ? msg.clientId : incomingKey(msg.id),
    direction: visitor ? 'out' : 'in',
    id: msg.id,
    text: msg.text,
    at: msg.at,
    author: msg.author,
    kind: msg.kind ?? 'regular',
  };
  if (visitor) {
    item.state = 'sent';
    if (msg.clientId) item.clientId = msg.clientId;
  }
  if (msg.answers?.length) item.answers = msg.answers;
  if (msg.attachments?.length) item.attachments = msg.attachments;
  const at = placeOf(list, item, msg.backfill === true);
  return [...list.slice(0, at), item, ...list.slice(at)];
}

/**
 * Where a new message goes: after the last item that is not a later message from the server. Only
 * server times are compared (messages in, never notices or the visitor's own, whose times are the
 * browser's clock), so a skewed clock cannot move anything; usually this is the end. A `backfill`
 * message first steps back over the visitor's unsent messages at the end (no clock involved).
 */
function placeOf(list: readonly ChatMessage[], item: ChatMessage, backfill: boolean): number {
  let at = list.length;
  if (backfill) while (at > 0 && unsent(list[at - 1]!)) at--;
  if (item.direction !== 'in') return at;
  while (at > 0) {
    const prev = list[at - 1]!;
    if (prev.direction !== 'in' || prev.notice || prev.at <= item.at) break;
    at--;
  }
  return at;
}

const unsent = (m: ChatMessage) => m.direction === 'out' && (m.state === 'sending' || m.state === 'failed');

/** Applies `patch` to the message with this key. */
export function update(
  list: readonly ChatMessage[],
  key: string,
  patch: Partial<ChatMessage>,
): ChatMessage[] {
  return list.map((m) => (m.key === key ? { ...m, ...patch } : m));
}

/**
 * The other side read a message: it and every earlier message of the visitor's that was
 * delivered count as read (receipts are cumulative in every backend we speak).
 */
export function markRead(list: readonly ChatMessage[], messageId: string): ChatMessage[] {
  const i = list.findIndex((m) => m.direction === 'out' && (m.id === messageId || m.clientId === messageId));
  if (i === -1) return [...list];
  return list.map((m, j) =>
    j <= i && m.direction === 'out' && (m.state === 'sent' || m.state === 'delivered')
      ? { ...m, state: 'read' }
      : m,
  );
}

/** The visitor's messages waiting to be sent, oldest first. */
export const pending = (list: readonly ChatMessage[]) =>
  list.filter((m) => m.direction === 'out' && m.state === 'sending');
