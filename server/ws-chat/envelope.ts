/**
 * Wire shapes of the current ws-chat generation, the event envelope (PROTOCOLS.md §1, "The
 * event-envelope generation"): every frame is `{event, payload}`. The server these facts were read
 * from is a Java/Spring one that cannot run here, so this module plays it: the token call that opens
 * a session, `sendMessage` without an echo to its sender, the events it broadcasts, the `ping`
 * answer, the history page and the upload answer.
 */
import { isRecord } from '../http';
import {
  CHANNELS,
  type Channel,
  isChannel,
  MAX_CONTENT_BYTES,
  MAX_FIELD_LENGTH,
  type Parsed,
} from './frames';
import type { Conversation, Customer, StoredAttachment, StoredMessage, VisitorIdentity } from './store';

/** The wrapper every REST answer of that server uses. */
export function wrapped(code: number, message: string, data: unknown) {
  return { code, message, data, success: code >= 200 && code < 300 };
}

/**
 * `POST /api/v1/public/customer-token`, current generation: `name` and `channel` required; the
 * stable visitor identity is `channelUserId` (a `channelId` is ignored, as the real server does).
 */
export function parseEnvelopeTokenRequest(
  body: unknown,
): Parsed<Omit<VisitorIdentity, 'visitorId'> & { channelUserId?: string }> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  const { name, channel, email, phone, channelUserId, metadata } = body;
  if (typeof name !== 'string' || name.trim() === '')
    return { ok: false, error: 'name is required (a non-empty string)' };
  if (!isChannel(channel)) return { ok: false, error: `channel must be one of ${CHANNELS.join(', ')}` };
  const optional = { email, phone, channelUserId };
  for (const [field, value] of Object.entries(optional)) {
    if (
      value !== undefined &&
      value !== null &&
      (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH)
    ) {
      return { ok: false, error: `${field} must be a string of at most ${MAX_FIELD_LENGTH} characters` };
    }
  }
  if (name.length > MAX_FIELD_LENGTH)
    return { ok: false, error: `name is too long (at most ${MAX_FIELD_LENGTH} characters)` };
  if (metadata !== undefined && metadata !== null && !isRecord(metadata)) {
    return { ok: false, error: 'metadata must be a JSON object' };
  }
  return {
    ok: true,
    value: {
      name: name.trim(),
      channel: channel as Channel,
      ...(typeof email === 'string' && email ? { email } : {}),
      ...(typeof phone === 'string' && phone ? { phone } : {}),
      ...(typeof channelUserId === 'string' && channelUserId ? { channelUserId } : {}),
      ...(isRecord(metadata) ? { metadata } : {}),
    },
  };
}

export type ClientEvent =
  | { event: 'ping' }
  | { event: 'sendMessage'; sessionId: string; text: string; attachments: StoredAttachment[] }
  | { event: 'unknown'; name: string };

/** Why a frame was refused, as the `type` of the `error` event. */
export type EventError = { type: 'INVALID_FORMAT' | 'VALIDATION_ERROR'; message: string };

/** Validate one text frame of the current generation. */
export function parseClientEvent(
  text: string,
): { ok: true; value: ClientEvent } | { ok: false; error: EventError } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return invalid('frame is not JSON');
  }
  if (!isRecord(data) || typeof data.event !== 'string' || data.event === '') {
    return invalid('every frame must be an object with an "event" field');
  }
  if (data.event === 'ping') return { ok: true, value: { event: 'ping' } };
  if (data.event !== 'sendMessage')
    return { ok: true, value: { event: 'unknown', name: data.event.slice(0, 64) } };
  const payload = data.payload;
  if (!isRecord(payload) || typeof payload.sessionId !== 'string')
    return refused('payload.sessionId is required');
  const textValue = payload.text ?? '';
  if (typeof textValue !== 'string') return refused('payload.text must be a string');
  if (Buffer.byteLength(textValue, 'utf8') > MAX_CONTENT_BYTES) {
    return refused(`text is longer than ${MAX_CONTENT_BYTES / 1024} KB`);
  }
  const attachments = parseAttachments(payload.attachments);
  if (!attachments) return refused('attachments must be a list of {type, url, name, sizeKb}');
  if (textValue.trim() === '' && attachments.length === 0)
    return refused('text or attachments must be present');
  return {
    ok: true,
    value: { event: 'sendMessage', sessionId: payload.sessionId, text: textValue, attachments },
  };
}

function parseAttachments(value: unknown): StoredAttachment[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 10) return null;
  const out: StoredAttachment[] = [];
  for (const item of value) {
    if (!isRecord(item)) return null;
    const { type, url, name, sizeKb } = item;
    if ((type !== 'IMAGE' && type !== 'FILE') || typeof url !== 'string' || !/^https?:\/\//.test(url))
      return null;
    if (typeof name !== 'string' || name.length > MAX_FIELD_LENGTH) return null;
    out.push({ id: String(out.length), type, url, name, sizeKb: typeof sizeKb === 'number' ? sizeKb : 0 });
  }
  return out;
}

const invalid = (message: string) => ({
  ok: false as const,
  error: { type: 'INVALID_FORMAT' as const, message },
});
const refused = (message: string) => ({
  ok: false as const,
  error: { type: 'VALIDATION_ERROR' as const, message },
});

/** `message` of `newMessage` (and, with two more fields, an item of the history page). */
export function toEnvelopeMessage(message: StoredMessage, sessionId: string) {
  const agent = message.senderType === 'AGENT' ? message.senderId : null;
  return {
    id: message.id,
    sessionId,
    senderType: message.senderType,
    agentId: agent,
    text: message.text,
    internal: false,
    translationData: null,
    mentions: [],
    attachments: message.attachments.map(({ id, type, url, name, sizeKb }) => ({
      id,
      type,
      url,
      name,
      sizeKb,
    })),
    agentMetadata: null,
    createdAt: message.createdAt,
  };
}

export function historyItem(message: StoredMessage, sessionId: string, customer: Customer) {
  return {
    ...toEnvelopeMessage(message, sessionId),
    agentName: message.senderType === 'AGENT' ? (message.senderName ?? null) : null,
    isMine: message.senderType === 'USER' && message.senderId === customer.id,
  };
}

/** Newest first, as the real server pages its history. */
export function historyPage(conversation: Conversation, customer: Customer, page: number, size: number) {
  const newestFirst = [...conversation.messages].reverse();
  const content = newestFirst
    .slice(page * size, page * size + size)
    .map((m) => historyItem(m, conversation.id, customer));
  const totalPages = Math.ceil(newestFirst.length / size);
  return {
    content,
    totalElements: newestFirst.length,
    totalPages,
    number: page,
    size,
    numberOfElements: content.length,
    first: page === 0,
    last: page >= totalPages - 1,
    empty: content.length === 0,
  };
}

export const event = (name: string, payload: unknown) => ({ event: name, payload });

export function sessionJson(conversation: Conversation, customer: Customer) {
  return {
    id: conversation.id,
    status: conversation.status,
    primaryAgentId: conversation.primaryAgentId ?? null,
    customer: { id: customer.id, name: customer.name, channel: customer.channel },
  };
}

/** What `POST /api/v1/files/upload` answers. */
export function uploadJson(
  file: { id: string; name: string; contentType: string; bytes: Buffer },
  url: string,
) {
  return {
    id: file.id,
    originalName: file.name,
    url,
    contentType: file.contentType,
    fileSize: file.bytes.length,
    createdAt: new Date().toISOString(),
  };
}
