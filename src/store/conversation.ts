/**
 * Pure operations on the message list. Every function returns a new array (signals compare by
 * identity) and never reorders what is already on screen: new items go to the end, except a
 * message a history call delivered late (`backfill`), which goes before the visitor's messages
 * still waiting to be sent: the server sent it before it could have seen those.
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
  let at = list.length;
  if (msg.backfill) while (at > 0 && unsent(list[at - 1]!)) at--;
  return [...list.slice(0, at), item, ...list.slice(at)];
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
