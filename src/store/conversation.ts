/**
 * Operations on the message list. Each returns a new array when something changed and the same
 * array when nothing did (signals compare by identity, so nothing downstream runs), and never reorders what is already on screen: new items go to the end, unless the
 * server's own time says the message is older than the messages from the server that end the list
 * (a redelivery or a gap fill arriving late): then it goes before them, by that time. A message a
 * history call brought late (`backfill`) also goes before the visitor's messages still waiting to
 * be sent: the server sent it before it could have seen those.
 */
import type { IncomingMessage, SendState } from '../core/types';
import type { ChatMessage } from './types';

/** Key under which an incoming message is rendered. */
export const incomingKey = (id: string) => `in:${id}`;

/** Messages by server id: built once per batch, so each incoming message is O(1) to deduplicate. */
export type IdIndex = Map<string, ChatMessage[]>;

export function indexIds(list: readonly ChatMessage[]): IdIndex {
  const index: IdIndex = new Map();
  for (const m of list) if (m.id !== undefined) addToIndex(index, m);
  return index;
}

/** A list and its id index (which `mergeInto` keeps up as it changes the list). */
export interface IndexedList {
  list: readonly ChatMessage[];
  index: IdIndex;
}

/**
 * The id index of `list`, reusing `known`'s when `list` is `known.list` with messages added at its
 * end (the usual next batch): a batch then costs its own messages, not the conversation's length.
 * Any other change (an edit, a removal, older messages in front) builds the index anew.
 */
export function indexFor(list: readonly ChatMessage[], known: IndexedList | null): IdIndex {
  if (!known || list.length < known.list.length) return indexIds(list);
  const before = known.list;
  for (let i = 0; i < before.length; i++) if (list[i] !== before[i]) return indexIds(list);
  for (let i = before.length; i < list.length; i++) addToIndex(known.index, list[i]!);
  return known.index;
}

function addToIndex(index: IdIndex, m: ChatMessage): void {
  if (m.id === undefined) return;
  const same = index.get(m.id);
  if (same) same.push(m);
  else index.set(m.id, [m]);
}

/**
 * Adds a message from the backend to `list` in place, or merges it into what it already shows:
 * - the echo of a visitor's message (matched by client id) confirms it instead of showing twice;
 * - a message id already shown is ignored (duplicate delivery after a reconnect), except that it
 *   gives a name to a sender shown without one.
 * Returns the item added (`added: true`) or changed, or null when nothing changed. The echo is
 * looked for from the end, where the visitor's recent messages are; `index` keeps up.
 */
export function mergeInto(
  list: ChatMessage[],
  msg: IncomingMessage,
  index: IdIndex,
): { item: ChatMessage; added: boolean } | null {
  if (msg.clientId) {
    for (let i = list.length - 1; i >= 0; i--) {
      const mine = list[i]!;
      if (mine.clientId !== msg.clientId) continue;
      const state: SendState = mine.state === 'read' || mine.state === 'delivered' ? mine.state : 'sent';
      if (mine.id === msg.id && mine.state === state) return null;
      const item = { ...mine, id: msg.id, state };
      list[i] = item;
      addToIndex(index, item);
      return { item, added: false };
    }
  }
  const same = index.get(msg.id)?.find((m) => m.direction === 'in' || m.author.kind === msg.author.kind);
  if (same) {
    // A duplicate delivery; a history call may name the sender the live event could not.
    if (!msg.author.name || same.author.name || same.direction !== 'in') return null;
    const at = list.lastIndexOf(same);
    if (at === -1) return null;
    const item = { ...same, author: { ...same.author, name: msg.author.name } };
    list[at] = item;
    addToIndex(index, item);
    return { item, added: false };
  }
  const item = itemOf(msg);
  list.splice(placeOf(list, item, msg.backfill === true), 0, item);
  addToIndex(index, item);
  return { item, added: true };
}

/** A message from the backend as the list keeps it (the visitor's own: sent, under its client id). */
export function itemOf(msg: IncomingMessage): ChatMessage {
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
  return item;
}

/** `mergeInto` on a copy: a new array with the message, or null when nothing changed. */
export function receive(list: readonly ChatMessage[], msg: IncomingMessage): ChatMessage[] | null {
  const next = list.slice();
  return mergeInto(next, msg, indexIds(list)) ? next : null;
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

/**
 * Applies `patch` to the message with this key. The same array when there is no such message or
 * the patch changes nothing, so nothing downstream (rendering, persistence) runs for it.
 */
export function update(list: ChatMessage[], key: string, patch: Partial<ChatMessage>): ChatMessage[] {
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i]!;
    if (m.key !== key) continue;
    if ((Object.keys(patch) as Array<keyof ChatMessage>).every((k) => m[k] === patch[k])) return list;
    const next = list.slice();
    next[i] = { ...m, ...patch };
    return next;
  }
  return list;
}

/**
 * The other side read a message: it and every earlier message of the visitor's that was
 * delivered count as read (receipts are cumulative in every backend we speak).
 */
export function markRead(list: ChatMessage[], messageId: string): ChatMessage[] {
  const i = list.findIndex((m) => m.direction === 'out' && (m.id === messageId || m.clientId === messageId));
  let next = list;
  for (let j = i; j >= 0; j--) {
    const m = list[j]!;
    if (m.direction !== 'out' || (m.state !== 'sent' && m.state !== 'delivered')) continue;
    if (next === list) next = list.slice();
    next[j] = { ...m, state: 'read' };
  }
  return next;
}

/** The visitor's messages waiting to be sent, oldest first. */
export const pending = (list: readonly ChatMessage[]) =>
  list.filter((m) => m.direction === 'out' && m.state === 'sending');
