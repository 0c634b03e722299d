/**
 * The event-envelope generation's wire format (PROTOCOLS.md §1): every frame is `{event, payload}`.
 * Out: `sendMessage` and `ping`. In: `newMessage`, `agentTyping`, `workflowStatus`, `sessionUpdated`,
 * `error`, the `ping` answer and `notification`. Also the paged history and the upload answer.
 */
import {
  isObj,
  isTime,
  MAX_FUTURE_MS,
  messageTime,
  nonEmptyStr,
  num,
  type Obj,
  str,
} from '../../core/guards';
import { log } from '../../core/log';
import type { Attachment, Author, IncomingMessage } from '../../core/types';
import { safeMediaUrl } from '../../core/url';
import { drop } from './protocol';

/** What a `sendMessage` lists for one uploaded file. */
export interface WireAttachment {
  type: 'IMAGE' | 'FILE';
  url: string;
  name: string;
  sizeKb: number;
}

export function encodeSendMessage(
  eventId: string,
  sessionId: string,
  text: string,
  attachments: readonly WireAttachment[],
): string {
  const payload: Obj = { sessionId, text };
  if (attachments.length) payload.attachments = attachments;
  return JSON.stringify({ eventId, timestamp: new Date().toISOString(), event: 'sendMessage', payload });
}

export const PING_FRAME = JSON.stringify({ event: 'ping' });

export interface EnvelopeMessage {
  message: IncomingMessage;
  sessionId?: string;
  /** History items name the agent who wrote them. */
  agentName?: string;
}

export type EnvelopeEvent =
  | ({ type: 'message' } & EnvelopeMessage)
  | { type: 'typing'; sessionId?: string; agentId?: string; on: boolean }
  | { type: 'working'; sessionId?: string; on: boolean }
  | { type: 'session'; sessionId: string; ended: boolean; agentId?: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong' }
  | { type: 'ignored' };

/** Session states after which the conversation is over (the source lists no enum; these are the usual names). */
const ENDED = /^(closed|resolved|ended|archived|terminated|expired|completed)$/i;
/** Workflow states that mean the bot stopped working. */
const IDLE = /(complete|done|finish|end|idle|error|fail|cancel|stop)/i;

/** Decodes one server event; null (after a warning) when it is malformed. */
export function decodeEnvelope(
  frame: Obj,
  agentName: (id: string) => string | undefined,
): EnvelopeEvent | null {
  const payload = isObj(frame.payload) ? frame.payload : {};
  const sessionId = nonEmptyStr(payload.sessionId, 200);
  const scope = sessionId ? { sessionId } : {};
  switch (frame.event) {
    case 'newMessage': {
      const decoded = isObj(payload.message) ? decodeEnvelopeMessage(payload.message, agentName) : null;
      if (!decoded)
        return isObj(payload.message) ? { type: 'ignored' } : drop('newMessage without a message', '');
      return { type: 'message', ...decoded, ...(decoded.sessionId ? {} : scope) };
    }
    case 'agentTyping': {
      const agentId = nonEmptyStr(payload.agentId, 200);
      return { type: 'typing', ...scope, ...(agentId ? { agentId } : {}), on: payload.isTyping === true };
    }
    case 'workflowStatus':
      return { type: 'working', ...scope, on: !IDLE.test(str(payload.statusType, 100) ?? '') };
    case 'sessionUpdated': {
      const session = isObj(payload.session) ? payload.session : null;
      const id = session ? nonEmptyStr(session.id, 200) : undefined;
      if (!session || !id) return drop('sessionUpdated without a session id', '');
      const agentId = nonEmptyStr(session.primaryAgentId, 200);
      return {
        type: 'session',
        sessionId: id,
        ended: ENDED.test(str(session.status, 50) ?? ''),
        ...(agentId ? { agentId } : {}),
      };
    }
    case 'error':
      return {
        type: 'error',
        code: str(payload.type, 100) ?? 'ERROR',
        message: (str(payload.message, 500) ?? '').trim() || 'The server refused the message',
      };
    case 'ping':
      return { type: 'pong' };
    case 'notification':
      log.debug('ws-chat notification', str(payload.type, 50), str(payload.message, 200));
      return { type: 'ignored' };
    default:
      log.debug('ws-chat: ignored an unknown event', str(frame.event, 50));
      return { type: 'ignored' };
  }
}

/**
 * A `newMessage` message or a history item. TOOL messages and internal notes are not for the
 * visitor: null, without a warning (they are expected).
 */
export function decodeEnvelopeMessage(
  m: Obj,
  agentName: (id: string) => string | undefined,
): EnvelopeMessage | null {
  const senderType = str(m.senderType, 20);
  if (senderType === 'TOOL' || m.internal === true) return null;
  const id = nonEmptyStr(m.id, 200) ?? (typeof m.id === 'number' ? String(m.id) : undefined);
  const text = str(m.text) ?? (m.text == null ? '' : undefined);
  if (!id || text === undefined) return drop('a message without an id or text', '');
  const attachments = (Array.isArray(m.attachments) ? m.attachments.slice(0, 20) : [])
    .map(decodeAttachment)
    .filter((a): a is Attachment => a !== null);
  if (!text && attachments.length === 0) return drop('an empty message', id);
  const agentId = nonEmptyStr(m.agentId, 200);
  const named = nonEmptyStr(m.agentName, 200);
  const name = named ?? (agentId ? agentName(agentId) : undefined);
  let author: Author;
  if (senderType === 'USER' || m.isMine === true) author = { kind: 'visitor' };
  else if (senderType === 'AGENT')
    author = { kind: 'operator', ...(agentId ? { id: agentId } : {}), ...(name ? { name } : {}) };
  else if (senderType === 'SYSTEM') author = { kind: 'system' };
  else author = { kind: 'bot' };
  const message: IncomingMessage = { id, text, at: serverTime(m.createdAt, Date.now()), author };
  if (attachments.length) message.attachments = attachments;
  const sessionId = nonEmptyStr(m.sessionId, 200);
  return { message, ...(sessionId ? { sessionId } : {}), ...(named ? { agentName: named } : {}) };
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
};

function decodeAttachment(raw: unknown): Attachment | null {
  if (!isObj(raw)) return drop('an attachment', 'not an object');
  const url = nonEmptyStr(raw.url, 4000);
  const href = url ? safeMediaUrl(url) : null;
  if (!href) return drop('an attachment', 'no http(s) URL');
  const name = nonEmptyStr(raw.name, 300) ?? 'file';
  const a: Attachment = { name, url: href };
  const id = nonEmptyStr(raw.id, 200);
  if (id) a.id = id;
  const kb = num(raw.sizeKb);
  if (kb !== undefined && kb >= 0) a.size = Math.round(kb * 1024);
  if (raw.type === 'IMAGE') {
    // The wire says "image" without a MIME type; the UI shows raster types inline.
    const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
    a.contentType = `image/${IMAGE_TYPES[ext] ?? 'jpeg'}`;
  }
  return a;
}

/**
 * Server times. The source is a Java server: besides ISO strings with a zone and epoch numbers it
 * may write a `LocalDateTime` without a zone ("2024-01-15T10:30:00") or, with Jackson's defaults,
 * as an array [2024, 1, 15, 10, 30, 0, nanos]. Both are read as UTC. Unreadable or absurdly
 * future times become `now` (the arrival), as everywhere (core/guards.ts).
 */
export function serverTime(v: unknown, now: number): number {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v))
    return messageTime(`${v}Z`, now);
  if (Array.isArray(v) && v.length >= 3 && v.length <= 7 && v.every((n) => Number.isInteger(n))) {
    const [y, mo, d, h = 0, mi = 0, s = 0, nanos = 0] = v as number[];
    const t = Date.UTC(y!, mo! - 1, d!, h, mi, s, Math.floor(nanos / 1e6));
    return isTime(t) && t <= now + MAX_FUTURE_MS ? t : now;
  }
  return messageTime(v, now);
}

export function envelopeHistoryUrl(server: string, sessionId: string, page: number, size: number): string {
  const url = new URL(`/api/v1/chat/sessions/${encodeURIComponent(sessionId)}/messages`, server);
  url.searchParams.set('page', String(page));
  url.searchParams.set('size', String(size));
  return url.href;
}

export interface HistoryPage {
  /** Newest first, as the server pages it. */
  items: EnvelopeMessage[];
  last: boolean;
  /** `totalElements`, when the server gave a count. */
  total?: number;
}

/** A Spring page `{content, last, …}`, bare or inside the `{code, message, data, success}` wrapper. */
export function decodeHistoryPage(
  body: unknown,
  agentName: (id: string) => string | undefined,
): HistoryPage | null {
  const page = isObj(body) && isObj(body.data) && body.success === true ? body.data : body;
  if (!isObj(page) || !Array.isArray(page.content)) return null;
  const items: EnvelopeMessage[] = [];
  for (const item of page.content.slice(0, 200)) {
    const decoded = isObj(item) ? decodeEnvelopeMessage(item, agentName) : null;
    if (decoded) items.push(decoded);
  }
  const last = page.last === true || page.content.length === 0 || page.last === undefined;
  const total = page.totalElements;
  return typeof total === 'number' && Number.isInteger(total) && total >= 0
    ? { items, last, total }
    : { items, last };
}
