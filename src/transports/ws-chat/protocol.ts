/**
 * Wire format of the customer-service WebSocket (seed 001, PROTOCOLS.md §1). Everything that knows
 * the shape of a frame lives here; the adapter sees only domain objects.
 */
import { isObj, messageTime, nonEmptyStr, type Obj, str } from '../../core/guards';
import { log, preview, previewJson } from '../../core/log';
import type { IncomingMessage, OutgoingMessage } from '../../core/types';

export const CHANNELS = [
  'WEB',
  'WECHAT',
  'WHATSAPP',
  'LINE',
  'TELEGRAM',
  'FACEBOOK',
  'EMAIL',
  'SMS',
  'PHONE',
  'APP',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Largest frame we even try to parse; a bigger one is dropped unread. */
export const MAX_FRAME_CHARS = 256 * 1024;

export interface TokenRequest {
  name: string;
  channel: Channel;
  channelId: string;
}

export interface CustomerToken {
  customerId: string;
  token: string;
}

/** Decodes the answer of `POST /api/v1/public/customer-token`. */
export function decodeTokenResponse(body: unknown): CustomerToken | null {
  if (!isObj(body) || body.success !== true || !isObj(body.data)) return null;
  const customerId = nonEmptyStr(body.data.customerId, 200);
  const token = nonEmptyStr(body.data.token, 1000);
  return customerId && token ? { customerId, token } : null;
}

/** Where the token is requested and where the socket lives, derived from `data-server`. */
export function tokenUrl(server: string): string {
  return new URL('/api/v1/public/customer-token', server).href;
}

export function socketUrl(server: string, token: string): string {
  const url = new URL('/ws/chat', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.href;
}

/** The client → server frame. `metadata.clientMessageId` lets an echoing server confirm and dedupe. */
export function encodeMessage(
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

export interface DecodedFrame {
  message: IncomingMessage;
  conversationId?: string;
}

/**
 * Decodes a server frame. Returns null (after one warning) for anything that is not a message we
 * can show: not JSON, not an object, content not a string, absurd sizes.
 */
export function decodeFrame(raw: unknown, customerId: string): DecodedFrame | null {
  if (typeof raw !== 'string') return drop('binary frame', '');
  if (raw.length > MAX_FRAME_CHARS) return drop('oversized frame', `${raw.length} chars`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return drop('not JSON', preview(raw, 60));
  }
  if (!isObj(data)) return drop('not an object', preview(raw, 60));
  return decodeFrameObject(data, customerId);
}

/** Decodes one frame already parsed from JSON (a socket frame, or an item of the history answer). */
export function decodeFrameObject(data: Obj, customerId: string): DecodedFrame | null {
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

function drop(why: string, detail: string): null {
  log.warn(`dropped a ws-chat frame: ${why}`, detail);
  return null;
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
 * History of a conversation, for filling the gap a reconnect leaves (replies sent while the socket
 * was down). Not in the seed: the reference server offers it, and a server without it answers 404,
 * after which the adapter stops asking. The token goes in a header, not the URL.
 */
export function historyUrl(server: string, conversationId: string): string {
  return new URL(`/api/v1/public/conversations/${encodeURIComponent(conversationId)}/messages`, server).href;
}

/** Decodes the history answer `{success, data: [frame…]}`; bad items are dropped one by one. */
export function decodeHistory(body: unknown, customerId: string): DecodedFrame[] | null {
  if (!isObj(body) || body.success !== true || !Array.isArray(body.data)) return null;
  const out: DecodedFrame[] = [];
  for (const item of body.data.slice(-200)) {
    const decoded = isObj(item) ? decodeFrameObject(item, customerId) : null;
    if (decoded) out.push(decoded);
  }
  return out;
}

/** WebSocket close codes that mean the token was refused. */
export const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003, 4401, 4403]);
