/**
 * Wire shapes of the flat ws-chat generation (seed 001) and their validation. Everything that comes
 * off the network is `unknown` until one of these parsers says otherwise. The current generation's
 * event envelopes are in envelope.ts.
 */
import { isRecord } from '../http';
import type { StoredMessage } from './store';

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

/** Limits of the reference server; the seed gives none, these keep a demo server safe. */
export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_CONTENT_BYTES = 8 * 1024;
export const MAX_FIELD_LENGTH = 256;

/** What the server sends: the seed's frame plus `id`, and `metadata` / `senderName` when known. */
export interface ServerFrame {
  channel: Channel;
  conversationId: string;
  senderId: string;
  content: string;
  timestamp: string;
  id: string;
  senderName?: string;
  metadata?: Record<string, unknown>;
}

/** A visitor message after validation. `senderId` and `conversationId` are not trusted: the token decides. */
export interface ClientFrame {
  content: string;
  metadata?: Record<string, unknown>;
  /** `metadata.clientMessageId` when it is a usable string: the key of server-side dedupe. */
  clientMessageId?: string;
}

export interface TokenRequest {
  name: string;
  channel: Channel;
  channelId: string;
}

/** A stored message as the flat generation shows it (socket frames and the history call). */
export function toFlatFrame(message: StoredMessage, channel: Channel, conversationId: string): ServerFrame {
  return {
    channel,
    conversationId,
    senderId: message.senderId,
    content: message.text,
    timestamp: message.createdAt,
    ...(message.senderName === undefined ? {} : { senderName: message.senderName }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    id: message.id,
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Validate `POST /customer-token`; the error names the field so a developer sees what to fix. */
export function parseTokenRequest(body: unknown): Parsed<TokenRequest> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  for (const field of ['name', 'channel', 'channelId'] as const) {
    const value = body[field];
    if (typeof value !== 'string' || value.trim() === '') {
      return { ok: false, error: `${field} is required (a non-empty string)` };
    }
    if (value.length > MAX_FIELD_LENGTH) {
      return { ok: false, error: `${field} is too long (at most ${MAX_FIELD_LENGTH} characters)` };
    }
  }
  const { name, channel, channelId } = body;
  if (!isChannel(channel)) return { ok: false, error: `channel must be one of ${CHANNELS.join(', ')}` };
  return { ok: true, value: { name: String(name).trim(), channel, channelId: String(channelId) } };
}

/** Validate one text frame from a visitor. */
export function parseClientFrame(text: string): Parsed<ClientFrame> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  if (!isRecord(data)) return { ok: false, error: 'frame is not a JSON object' };
  const { content, metadata } = data;
  if (typeof content !== 'string') return { ok: false, error: 'content is not a string' };
  if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES) {
    return { ok: false, error: `content is larger than ${MAX_CONTENT_BYTES / 1024} KB` };
  }
  // metadata is free-form in the seed, but it must be an object to carry clientMessageId.
  if (metadata === undefined || metadata === null) return { ok: true, value: { content } };
  if (!isRecord(metadata)) return { ok: false, error: 'metadata is not an object' };
  const id = metadata.clientMessageId;
  const usable = typeof id === 'string' && id !== '' && id.length <= MAX_FIELD_LENGTH;
  return { ok: true, value: usable ? { content, metadata, clientMessageId: id } : { content, metadata } };
}
