/**
 * The flat generation's wire format (seed 001): `{conversationId?, senderId, content, metadata}` out,
 * `{channel, conversationId, senderId, content, timestamp}` in, and the history call the reference
 * server adds for the gap fill.
 */
import { isObj, messageTime, nonEmptyStr, type Obj, str } from '../../core/guards';
import { previewJson } from '../../core/log';
import type { IncomingMessage, OutgoingMessage } from '../../core/types';
import { drop } from './protocol';

/** The client → server frame. `metadata.clientMessageId` lets an echoing server confirm and dedupe. */
export function encodeFlatMessage(
  msg: OutgoingMessage,
  senderId: string,
  conversationId: string | undefined,
): string {
  const frame: Obj = {
    senderId,
    content: msg.text,
    metadata: { type: 'text', attachments: [], clientMessageId: msg.clientId },
  };
  if (conversationId) frame.conversationId = conversationId;
  return JSON.stringify(frame);
}

/** The seed has no sender type: an "AI customer service" answers unless the server says a human did. */
const HUMAN_SENDERS = new Set(['agent', 'operator', 'human']);
/** Strings only: `String(v)` throws for an object whose toString is not callable, which JSON can carry. */
const humanSender = (v: unknown) => typeof v === 'string' && HUMAN_SENDERS.has(v);

export interface FlatFrame {
  message: IncomingMessage;
  conversationId?: string;
}

/**
 * Decodes one flat frame (a socket frame, or an item of the history answer). Returns null (after one
 * warning) for anything that is not a message we can show.
 */
export function decodeFlatFrame(data: Obj, customerId: string): FlatFrame | null {
  const content = str(data.content);
  if (content === undefined) return drop('missing or invalid "content"', previewJson(data, 60));
  const senderId = str(data.senderId, 200);
  const metadata = isObj(data.metadata) ? data.metadata : undefined;
  const clientId = metadata ? nonEmptyStr(metadata.clientMessageId, 200) : undefined;
  const fromVisitor = senderId !== undefined && senderId === customerId;
  const at = messageTime(data.timestamp, Date.now());
  // The seed's frames carry no id; a server that adds one gets exact dedupe, others get a stable
  // id from the frame's content so a replayed frame is still recognised.
  const id =
    nonEmptyStr(data.id, 200) ??
    nonEmptyStr(data.messageId, 200) ??
    `ws-${at}-${senderId ?? ''}-${hash(content)}`;
  const name = nonEmptyStr(data.senderName, 200);
  const message: IncomingMessage = {
    id,
    text: content,
    at,
    author: fromVisitor
      ? { kind: 'visitor' }
      : {
          kind: humanSender(data.senderType) ? 'operator' : 'bot',
          ...(senderId ? { id: senderId } : {}),
          ...(name ? { name } : {}),
        },
  };
  if (fromVisitor && clientId) message.clientId = clientId;
  const conversationId = nonEmptyStr(data.conversationId, 200);
  return conversationId ? { message, conversationId } : { message };
}

/** FNV-1a, enough to tell frames apart for dedupe. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * History of a conversation, for filling the gap a reconnect leaves. Not in the seed: the reference
 * server offers it, and a server without it answers 404, after which the adapter stops asking.
 * The token goes in a header, not the URL.
 */
export function flatHistoryUrl(server: string, conversationId: string): string {
  return new URL(`/api/v1/public/conversations/${encodeURIComponent(conversationId)}/messages`, server).href;
}

/** Decodes the history answer `{success, data: [frame…]}` (oldest first); bad items are dropped one by one. */
export function decodeFlatHistory(body: unknown, customerId: string): IncomingMessage[] | null {
  if (!isObj(body) || body.success !== true || !Array.isArray(body.data)) return null;
  const out: IncomingMessage[] = [];
  for (const item of body.data.slice(-200)) {
    const decoded = isObj(item) ? decodeFlatFrame(item, customerId) : null;
    if (decoded) out.push(decoded.message);
  }
  return out;
}
