/**
 * Socket.IO packets as they ride inside Engine.IO message frames: `<type>[/nsp,][ackId][json]`.
 * Protocol revisions 4 (Socket.IO 2.x) and 5 (3.x/4.x) share this text form; only the meaning of
 * CONNECT and CONNECT_ERROR differs, which `client.ts` handles. Binary packets (types 5 and 6)
 * are not supported: TWIN sends JSON only.
 */
export const CONNECT = 0;
export const DISCONNECT = 1;
export const EVENT = 2;
export const ACK = 3;
export const CONNECT_ERROR = 4;

export interface Packet {
  type: number;
  /** `/` unless the packet names another namespace (this client only serves `/`). */
  nsp: string;
  id?: number;
  data?: unknown;
}

/** Encodes a packet of the default namespace. */
export function encodePacket(type: number, data?: unknown, id?: number): string {
  return `${type}${id ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
}

/**
 * Longest packet read. TWIN's events carry one message each (its text at most 64 KB); a longer one
 * is a broken or hostile server, and is dropped before `JSON.parse` spends time and memory on it.
 */
export const MAX_PACKET_CHARS = 1024 * 1024;

/** Decodes one packet; null when it is malformed, oversized or binary. Never throws. */
export function decodePacket(text: string): Packet | null {
  if (text.length > MAX_PACKET_CHARS) return null;
  const type = Number(text[0]);
  if (!(type >= 0 && type <= 4)) return null;
  const packet: Packet = { type, nsp: '/' };
  let i = 1;
  if (text[i] === '/') {
    const end = text.indexOf(',', i);
    packet.nsp = end < 0 ? text.slice(i) : text.slice(i, end);
    i = end < 0 ? text.length : end + 1;
  }
  // Up to 15 digits keeps the ack id a safe integer.
  const digits = /^\d{1,15}/.exec(text.slice(i, i + 15))?.[0];
  if (digits) {
    packet.id = Number(digits);
    i += digits.length;
  }
  if (i < text.length) {
    try {
      packet.data = JSON.parse(text.slice(i)) as unknown;
    } catch {
      return null;
    }
  }
  return packet;
}
