/**
 * What the demo bot reads and writes on nchan channels: seed 004's envelope
 * `{headers: {"x-request-id": …}, body: {…}}`. The widget's frames carry its client message id in
 * `x-request-id` and `x-sender: visitor`; the bot's replies name the message they answer in
 * `x-request-id` and add an id of their own (`x-message-id`) so a resumed subscriber can drop repeats.
 */
import { randomUUID } from 'node:crypto';
import { isRecord } from '../http';

export interface VisitorFrame {
  requestId: string;
  text: string;
}

/**
 * Splits a `ws+meta.nchan` frame (`id: …`, optional `content-type: …`, a blank line, the body).
 * Returns the message id and the body, or null when the frame has no header block.
 */
export function splitMetaFrame(frame: string): { id: string | undefined; body: string } | null {
  const end = frame.indexOf('\n\n');
  if (end === -1) return null;
  const id = /^id: (.+)$/m.exec(frame.slice(0, end))?.[1];
  return { id, body: frame.slice(end + 2) };
}

/** The visitor's message in an envelope, or null for anything else (the bot's own replies included). */
export function parseVisitorFrame(body: string): VisitorFrame | null {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRecord(data) || !isRecord(data.headers) || !isRecord(data.body)) return null;
  const { headers } = data;
  const requestId = headers['x-request-id'];
  const text = data.body.text;
  if (headers['x-sender'] !== 'visitor' || typeof requestId !== 'string' || typeof text !== 'string')
    return null;
  if (requestId.length === 0 || requestId.length > 200 || text.length > 64 * 1024) return null;
  return { requestId, text };
}

export const BOT_SENDER = 'bot';

/** A bot reply answering the visitor's message `requestId`. */
export function botFrame(requestId: string, text: string, name: string): string {
  return JSON.stringify({
    headers: {
      'x-request-id': requestId,
      'x-message-id': randomUUID(),
      'x-sender': BOT_SENDER,
      'x-sender-name': name,
    },
    body: { text, at: Date.now() },
  });
}
