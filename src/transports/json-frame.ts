/**
 * The first step of every JSON WebSocket decoder: a text frame parsed to an object, or null after
 * one warning that names the protocol and why (binary, oversized, not JSON, not an object), with at
 * most a short preview of the frame. Never throws. (ws-chat and postoffice still carry their own
 * copy of these lines; they can use this one.)
 */
import { isObj, type Obj } from '../core/guards';
import { log, preview } from '../core/log';

/** Largest frame parsed at all; a bigger one is dropped unread. */
export const MAX_JSON_FRAME_CHARS = 256 * 1024;

export function parseJsonFrame(raw: unknown, protocol: string, maxChars = MAX_JSON_FRAME_CHARS): Obj | null {
  const drop = (why: string, detail: string) => {
    log.warn(`dropped a ${protocol} frame: ${why}`, detail);
    return null;
  };
  if (typeof raw !== 'string') return drop('binary frame', '');
  if (raw.length > maxChars) return drop('oversized frame', `${raw.length} chars`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return drop('not JSON', preview(raw, 60));
  }
  return isObj(data) ? data : drop('not an object', preview(raw, 60));
}
