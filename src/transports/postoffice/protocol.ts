/**
 * Wire format of the GO-POSTOFFICE router (its integration guide; docs/protocols.md). The router is a mailbox
 * switch: a socket per `clientID`, JSON frames `{from, to, subject, content, type, createTime…}`
 * relayed unchanged to `to`, nothing stored, nothing acknowledged. Everything that knows the shape
 * of a frame lives here; the adapter sees only domain objects.
 */
import { isObj, nonEmptyStr, num, type Obj, str, timeMs } from '../../core/guards';
import { randomId } from '../../core/ids';
import { log, preview } from '../../core/log';
import type { Answer, Attachment, IncomingMessage, OutgoingMessage } from '../../core/types';
import { safeMediaUrl } from '../../core/url';

/** Largest frame we even try to parse; a bigger one is dropped unread. */
export const MAX_FRAME_CHARS = 256 * 1024;

/** Prefix of the ids we invent for frames that carry none (never sent back as `inReplyTo`). */
const LOCAL_ID = 'po:';

/**
 * The socket URL: `data-server` (ws/wss, or http/https turned into ws/wss) with `clientID`,
 * `startTime` and, when the site gave us one, `token`. The router keeps the newest connection per
 * clientID and refuses (409) a `startTime` not larger than the one it recorded; milliseconds are
 * always larger than the seconds it records for connections that sent none.
 */
export function socketUrl(server: string, clientId: string, startTime: number, token?: string): string {
  const url = new URL(server);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.searchParams.set('clientID', clientId);
  url.searchParams.set('startTime', String(startTime));
  if (token) url.searchParams.set('token', token);
  return url.href;
}

export interface Addressing {
  /** The visitor's mailbox. */
  me: string;
  /** The bot's or service's mailbox. */
  to: string;
  subject: string;
}

/**
 * A visitor's message. `id` is not in the seed's field list (the router relays any field): it is
 * the client id, so a bot can name the message in `inReplyTo`, the only receipt there is.
 */
export function encodeMessage(msg: OutgoingMessage, a: Addressing, now: number): string {
  const frame: Obj = {
    from: a.me,
    to: a.to,
    subject: a.subject,
    content: msg.text,
    type: 'msg',
    createTime: now,
    id: msg.clientId,
  };
  if (msg.replyToId && !msg.replyToId.startsWith(LOCAL_ID)) frame.inReplyTo = msg.replyToId;
  return JSON.stringify(frame);
}

/** A heartbeat addressed to the visitor's own mailbox: the router sends it back, a round trip. */
export function encodeHeartbeat(me: string, id: string, now: number): string {
  return JSON.stringify({
    from: me,
    to: me,
    subject: 'Heartbeat',
    content: 'Keep-Alive',
    type: 'heartbeat',
    createTime: now,
    id,
  });
}

export type DecodedFrame =
  | { kind: 'message'; message: IncomingMessage; inReplyTo?: string }
  /** Our own heartbeat, back from the router. */
  | { kind: 'echo'; id: string };

/**
 * Decodes a frame delivered to the visitor's mailbox. Returns null for what the widget does not
 * show: malformed frames (dropped with one warning), and without a warning frames that are not
 * for us (another `to`), heartbeats of others, `log` frames and unknown types.
 */
export function decodeFrame(raw: unknown, me: string): DecodedFrame | null {
  if (typeof raw !== 'string') return drop('binary frame', '');
  if (raw.length > MAX_FRAME_CHARS) return drop('oversized frame', `${raw.length} chars`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return drop('not JSON', preview(raw, 60));
  }
  if (!isObj(data)) return drop('not an object', preview(raw, 60));
  const from = nonEmptyStr(data.from, 500);
  const type = str(data.type, 50);
  if (!from || !type) return drop('missing "from" or "type"', preview(raw, 60));
  if (!addressedTo(data.to, me)) return ignore('addressed to another mailbox');
  if (type === 'heartbeat') {
    const id = nonEmptyStr(data.id, 200);
    return from === me && id ? { kind: 'echo', id } : ignore('a heartbeat');
  }
  if (type !== 'msg') return ignore(`a "${type}" frame`);
  // The router does not check `from`: a frame claiming to be from the visitor is not theirs.
  if (from === me) return ignore('a message from our own mailbox');
  const content = decodeContent(data.content);
  if (!content) return drop('unreadable "content"', preview(raw, 60));
  const message: IncomingMessage = {
    id: nonEmptyStr(data.id, 200) ?? `${LOCAL_ID}${randomId()}`,
    at: timeMs(data.createTime) ?? Date.now(),
    author: { kind: 'bot', id: from },
    ...content,
  };
  const inReplyTo = nonEmptyStr(data.inReplyTo, 200);
  return inReplyTo ? { kind: 'message', message, inReplyTo } : { kind: 'message', message };
}

/** `to` is a mailbox or a list of them. */
function addressedTo(to: unknown, me: string): boolean {
  return to === me || (Array.isArray(to) && to.includes(me));
}

type Content = Pick<IncomingMessage, 'text' | 'answers' | 'attachments'>;

/**
 * `content` is "any" in the seed: text, or JSON. An object (or a string holding one) with `text`,
 * `answers` or `attachments` is shown richly; any other value is shown as its JSON text.
 */
function decodeContent(content: unknown): Content | null {
  if (typeof content === 'string') {
    if (content.length > 64 * 1024) return null;
    const rich = content.startsWith('{') ? richContent(parseJson(content)) : null;
    return rich ?? { text: content };
  }
  if (content === undefined) return null;
  const rich = richContent(content);
  if (rich) return rich;
  const text = JSON.stringify(content);
  return text.length <= 64 * 1024 ? { text } : null;
}

function richContent(value: unknown): Content | null {
  if (!isObj(value) || !('text' in value || 'answers' in value || 'attachments' in value)) return null;
  const out: Content = { text: str(value.text) ?? '' };
  const answers = Array.isArray(value.answers) ? value.answers.slice(0, 20).map(answer) : [];
  const attachments = Array.isArray(value.attachments) ? value.attachments.slice(0, 20).map(attachment) : [];
  const goodAnswers = answers.filter((x): x is Answer => x !== null);
  const goodFiles = attachments.filter((x): x is Attachment => x !== null);
  if (goodAnswers.length) out.answers = goodAnswers;
  if (goodFiles.length) out.attachments = goodFiles;
  if (goodAnswers.length < answers.length || goodFiles.length < attachments.length)
    log.warn('dropped unreadable answers or attachments from a postoffice message');
  return out;
}

function answer(v: unknown): Answer | null {
  const text = nonEmptyStr(v, 500);
  if (text) return { text };
  if (!isObj(v)) return null;
  const label = nonEmptyStr(v.text, 500) ?? nonEmptyStr(v.label, 500);
  const id = nonEmptyStr(v.id, 200);
  return label ? (id ? { text: label, id } : { text: label }) : null;
}

function attachment(v: unknown): Attachment | null {
  if (!isObj(v)) return null;
  const url = safeMediaUrl(str(v.url, 4096) ?? '');
  if (!url) return null;
  const out: Attachment = { url, name: nonEmptyStr(v.name, 300) ?? url.split('/').pop() ?? 'file' };
  const type = nonEmptyStr(v.contentType, 200) ?? nonEmptyStr(v.type, 200);
  const size = num(v.size);
  if (type) out.contentType = type;
  if (size !== undefined && size >= 0) out.size = size;
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface Token {
  token: string;
  /** Epoch ms; undefined when the backend gave no expiry. */
  expires?: number;
}

/**
 * The site's token answer, shaped like the router's own token call: `{token, expires (epoch ms),
 * ttl (s)}`. `expires` in seconds is accepted too; without it, `ttl` counts from `now`.
 */
export function decodeToken(body: unknown, now: number): Token | null {
  if (!isObj(body)) return null;
  const token = nonEmptyStr(body.token, 4096);
  if (!token) return null;
  const expires = timeMs(num(body.expires));
  const ttl = num(body.ttl);
  if (expires !== undefined) return { token, expires };
  return ttl !== undefined && ttl > 0 ? { token, expires: now + ttl * 1000 } : { token };
}

/**
 * The HTTP status of a refused handshake, when the WebSocket implementation tells it (Node's `ws`
 * puts it in the error's message); browsers hide it, and then this is undefined.
 */
export function handshakeStatus(event: unknown): number | undefined {
  const e = event as { message?: unknown; error?: { message?: unknown } } | null;
  const text = String(e?.message ?? e?.error?.message ?? '');
  const match = /Unexpected server response: (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function drop(why: string, detail: string): null {
  log.warn(`dropped a postoffice frame: ${why}`, detail);
  return null;
}

function ignore(what: string): null {
  log.debug(`ignored ${what}`);
  return null;
}
