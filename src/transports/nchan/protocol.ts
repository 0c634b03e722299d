/**
 * Wire format of nchan channels (seed 004, PROTOCOLS.md §5). Everything that knows a URL, a frame or
 * the envelope lives here; the adapter sees only domain objects.
 *
 * Frames: with the `ws+meta.nchan` subprotocol every WebSocket message is `id: <time>:<tag>`, maybe
 * `content-type: …`, a blank line, then the published body; EventSource gives the id as
 * `lastEventId`. `PING` → `PONG` is the heartbeat (on locations configured for it).
 * Envelope (seed 004's): `{"headers": {"x-request-id": …}, "body": {…}}`. The widget sends
 * `x-request-id: <client message id>` and `x-sender: visitor`; a reply names the message it answers
 * in `x-request-id` and may carry `x-message-id`, `x-sender` (bot | operator | system) and
 * `x-sender-name`. `body.text` is the text (a string body is taken as the text too).
 */
import { isObj, nonEmptyStr, type Obj, str, timeMs } from '../../core/guards';
import { log, preview } from '../../core/log';
import type { AuthorKind, IncomingMessage, OutgoingMessage } from '../../core/types';

export const SUBPROTOCOL = 'ws+meta.nchan';
export const PING = 'PING';
export const PONG = 'PONG';
/** The EventSource event nchan sends as a keep-alive (`nchan_eventsource_ping_event`). */
export const SSE_PING_EVENT = 'ping';

/** Largest frame we even try to parse. */
export const MAX_FRAME_CHARS = 256 * 1024;

/** The `{id}` in `data-channel-path`. */
export const ID_PLACEHOLDER = '{id}';

export interface ChannelQuery {
  token?: string | undefined;
  /** nchan message id to resume after. */
  lastEventId?: string | undefined;
}

/**
 * `{server}{path with {id}}?token=…&last_event_id=…`. The server may carry a path prefix (nginx
 * behind a reverse proxy), so the channel path is appended to it rather than resolved against it.
 */
export function channelUrl(server: string, path: string, conversationId: string, query: ChannelQuery): URL {
  const url = new URL(
    server.replace(/\/+$/, '') + path.replace(ID_PLACEHOLDER, encodeURIComponent(conversationId)),
  );
  if (query.token) url.searchParams.set('token', query.token);
  if (query.lastEventId) url.searchParams.set('last_event_id', query.lastEventId);
  return url;
}

/** The same URL for a WebSocket (http → ws, https → wss). */
export function socketUrl(server: string, path: string, conversationId: string, query: ChannelQuery): string {
  const url = channelUrl(server, path, conversationId, query);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * Where to resume after a reconnect, given the last message id seen. Not the id itself: nginx
 * restarts and reloads empty the buffers and restart the ids, so an id from before can be *newer*
 * than every new message (same second, smaller tag), and nchan then withholds them all, even the
 * live ones. Resuming from the start of the previous second is newer than nothing a restarted
 * server publishes, and re-sends at most a second's worth that the adapter already has and drops.
 */
export function resumeId(lastId: string): string {
  const m = /^(\d{1,15}):/.exec(lastId);
  return m ? `${Math.max(0, Number(m[1]) - 1)}:0` : lastId;
}

/** A received frame split into nchan's message id and the published body. */
export interface RawFrame {
  id?: string;
  body: string;
}

/**
 * Splits a `ws+meta.nchan` frame. `meta` false (the server did not take the subprotocol) means the
 * frame is the body alone. Returns null for binary or oversized frames, or a meta frame without its
 * header block.
 */
export function splitFrame(raw: unknown, meta: boolean): RawFrame | null {
  if (typeof raw !== 'string') return drop('binary frame', '');
  if (raw.length > MAX_FRAME_CHARS) return drop('oversized frame', `${raw.length} chars`);
  if (!meta) return { body: raw };
  const end = raw.indexOf('\n\n');
  if (end === -1) return drop('no header block', preview(raw, 60));
  const id = /^id: ?([^\n]{1,100})$/m.exec(raw.slice(0, end))?.[1];
  return id ? { id, body: raw.slice(end + 2) } : { body: raw.slice(end + 2) };
}

/** The widget → channel frame. */
export function encodeMessage(msg: OutgoingMessage): string {
  const body: Obj = { text: msg.text };
  if (msg.replyToId) body.replyTo = msg.replyToId;
  return JSON.stringify({ headers: { 'x-request-id': msg.clientId, 'x-sender': 'visitor' }, body });
}

const SENDERS: ReadonlySet<string> = new Set<AuthorKind>(['visitor', 'bot', 'operator', 'system']);

export interface DecodedFrame {
  message: IncomingMessage;
  /** `x-request-id`: the client id of the visitor's message this frame is, or answers. */
  requestId?: string;
}

/**
 * Decodes an envelope. `nchanId` names the message when the envelope has no `x-message-id`.
 * Returns null (after one warning) for anything that is not a message we can show.
 */
export function decodeEnvelope(body: string, nchanId: string | undefined): DecodedFrame | null {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return drop('not JSON', preview(body, 60));
  }
  if (!isObj(data) || !isObj(data.headers)) return drop('not an envelope', preview(body, 60));
  const headers: Obj = {};
  // HTTP headers are case-insensitive; seed 004 writes them lower-case, a proxy may not.
  for (const [k, v] of Object.entries(data.headers)) headers[k.toLowerCase()] = v;
  const content = data.body;
  const text = typeof content === 'string' ? str(content) : isObj(content) ? str(content.text) : undefined;
  if (text === undefined) return drop('no text in "body"', preview(body, 60));

  const requestId = nonEmptyStr(headers['x-request-id'], 200);
  const sender = str(headers['x-sender'], 20);
  const kind = (sender && SENDERS.has(sender) ? sender : 'bot') as AuthorKind;
  const messageId = nonEmptyStr(headers['x-message-id'], 200);
  const id =
    messageId ??
    (kind === 'visitor' && requestId ? `visitor:${requestId}` : nchanId ? `nchan:${nchanId}` : null);
  if (!id) return drop('no message id', preview(body, 60));
  const name = kind === 'visitor' ? undefined : nonEmptyStr(headers['x-sender-name'], 200);
  const message: IncomingMessage = {
    id,
    text,
    at: (isObj(content) ? timeMs(content.at) : undefined) ?? Date.now(),
    author: name ? { kind, name } : { kind },
  };
  if (kind === 'visitor' && requestId) message.clientId = requestId;
  return requestId ? { message, requestId } : { message };
}

/** Decodes the token endpoint's answer `{token}`. */
export function decodeToken(body: unknown): string | null {
  return (isObj(body) && nonEmptyStr(body.token, 2000)) || null;
}

function drop(why: string, detail: string): null {
  log.warn(`dropped an nchan frame: ${why}`, detail);
  return null;
}
