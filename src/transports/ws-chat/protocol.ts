/**
 * The ws-chat wire format shared by both generations of that product (PROTOCOLS.md §1): channels,
 * URLs, the token call, and the first look at a socket frame. The flat generation's frames are in
 * protocol-flat.ts, the event envelopes in protocol-envelope.ts. Everything that knows the shape of
 * something on the wire lives in these three files; the adapter sees domain objects.
 */
import { isObj, nonEmptyStr, type Obj } from '../../core/guards';
import { log, preview } from '../../core/log';

import type { Channel } from './channels';

export { CHANNELS, type Channel } from './channels';

/** The two generations: the seed's flat frames, and the current server's event envelopes. */
export type Generation = 'flat' | 'envelope';

/** Largest frame we even try to parse; a bigger one is dropped unread. */
export const MAX_FRAME_CHARS = 256 * 1024;

/** WebSocket close codes that mean the token was refused. */
export const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003, 4401, 4403]);

export interface TokenRequest {
  name: string;
  channel: Channel;
  /** The stable visitor id, sent as `channelId` (flat) and `channelUserId` (envelope). */
  visitorId: string;
  /**
   * Verified identity (README): the site's user id and its HMAC-SHA256 with the site's secret. A
   * server that verifies ids refuses an unsigned or wrongly signed one; others ignore both.
   */
  userId?: string;
  userHash?: string;
  email?: string;
  phone?: string;
  metadata?: Record<string, string>;
}

export interface CustomerToken {
  customerId: string;
  token: string;
  /** Only the envelope generation's token call opens a session and names it. */
  sessionId?: string;
}

export function tokenUrl(server: string): string {
  return new URL('/api/v1/public/customer-token', server).href;
}

export function socketUrl(server: string, token: string): string {
  const url = new URL('/ws/chat', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.href;
}

/**
 * One body for both generations: each ignores the other's field, so the same visitor id finds the
 * same customer whichever server answers.
 */
export function encodeTokenRequest(request: TokenRequest): string {
  const { visitorId, ...rest } = request;
  return JSON.stringify({ ...rest, channelId: visitorId, channelUserId: visitorId });
}

/**
 * Decodes the token answer: flat `{success, data: {customerId, token}}`, envelope the same inside
 * `{code, message, data, success}` with `data.sessionId`.
 */
export function decodeTokenResponse(body: unknown): CustomerToken | null {
  if (!isObj(body) || body.success !== true || !isObj(body.data)) return null;
  const customerId = nonEmptyStr(body.data.customerId, 200);
  const token = nonEmptyStr(body.data.token, 1000);
  const sessionId = nonEmptyStr(body.data.sessionId, 200);
  if (!customerId || !token) return null;
  return sessionId ? { customerId, token, sessionId } : { customerId, token };
}

/** A text frame parsed to an object, or null after one warning (binary, oversized, not JSON). */
export function parseFrame(raw: unknown): Obj | null {
  if (typeof raw !== 'string') return drop('binary frame', '');
  if (raw.length > MAX_FRAME_CHARS) return drop('oversized frame', `${raw.length} chars`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return drop('not JSON', preview(raw, 60));
  }
  return isObj(data) ? data : drop('not an object', preview(raw, 60));
}

/** True for the current generation's frames (`{event, payload}`), false for the seed's flat ones. */
export const isEnvelope = (frame: Obj): boolean => typeof frame.event === 'string';

export function drop(why: string, detail: string): null {
  log.warn(`dropped a ws-chat frame: ${why}`, detail);
  return null;
}
