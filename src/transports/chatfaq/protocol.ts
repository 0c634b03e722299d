/**
 * Wire format of ChatFAQ's WebSocket consumer (seed 003, PROTOCOLS.md §4): MML frames, one stack of
 * layers each. Everything that knows a frame's shape lives here; the adapter sees `BotStack`s.
 *
 * Facts the decoder relies on (read from the upstream server's source, not only the seed):
 * - a streamed answer is a run of frames with one `stack_id` whose `stack[0].streaming` is true and
 *   whose `message_chunk` layer carries the text SO FAR (replace, never append);
 * - only the frame with `last_chunk: true` carries the database `id`; the others carry `id: null`;
 * - `tool_use` / `tool_result` layers are the model's plumbing; `tool_result` arrives with
 *   `sender.type: "human"` and must never look like the visitor's own message;
 * - errors are `{type: "response", status: 400, payload}` and go to every socket of the conversation.
 */
import { isObj, nonEmptyStr, num, type Obj, str, timeMs } from '../../core/guards';
import { log, preview } from '../../core/log';
import type { Answer, Attachment, OutgoingMessage } from '../../core/types';
import { safeMediaUrl } from '../../core/url';
import { MAX_JSON_FRAME_CHARS, parseJsonFrame } from '../json-frame';

/** Largest frame we even try to parse; a bigger one is dropped unread. */
export const MAX_FRAME_CHARS = MAX_JSON_FRAME_CHARS;

/** Close codes after which reconnecting cannot help (the server says why in the close reason). */
export const CLOSE_AUTH = 3000;
export const CLOSE_NO_FSM = 4000;

/** URL path segments the upstream router accepts (`[\w-]+`). */
export const SEGMENT = /^[\w-]{1,200}$/;

export interface SocketParams {
  conversationId: string;
  fsm: string;
  senderId?: string;
  token?: string;
  /** Sent as the JSON `metadata` query parameter; the server reads it when a conversation starts. */
  metadata?: Readonly<Record<string, string>>;
}

/**
 * `ws(s)://{host}{path}/back/ws/broker/{conversation}/{fsm}/[{sender}/]?token=&metadata=`. A path
 * in `data-server` is kept (a back-end behind `/chatfaq` on a shared host). Holds the token: never log it.
 */
export function socketUrl(server: string, p: SocketParams): string {
  const segments = [p.conversationId, p.fsm, ...(p.senderId ? [p.senderId] : [])].map(encodeURIComponent);
  const url = new URL(`${server.replace(/\/+$/, '')}/back/ws/broker/${segments.join('/')}/`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (p.token) url.searchParams.set('token', p.token);
  if (p.metadata && Object.keys(p.metadata).length)
    url.searchParams.set('metadata', JSON.stringify(p.metadata));
  return url.href;
}

/** A file the visitor uploaded to a pre-signed URL, named in the message that follows. */
export interface UploadedFile {
  path: string;
  name: string;
}

/**
 * The visitor's message as one MML stack. `stack_id` is our client id, so a server (or another tab)
 * that shows the stack back lets us merge it instead of showing it twice. A chosen quick reply goes
 * as its text (for FSMs that read text) followed by a `quick_replies` layer naming the reply's id.
 */
export function encodeMessage(msg: OutgoingMessage, senderId?: string, files: UploadedFile[] = []): string {
  const stack: Obj[] = [];
  if (msg.text) stack.push({ type: 'message', payload: { content: msg.text } });
  if (msg.answerId) stack.push({ type: 'quick_replies', payload: [{ id: msg.answerId, text: msg.text }] });
  for (const f of files) stack.push({ type: 'file_uploaded', payload: { s3_path: f.path, name: f.name } });
  const sender: Obj = { type: 'human', platform: 'WS' };
  if (senderId) sender.id = senderId;
  return JSON.stringify({ sender, stack, stack_id: msg.clientId, stack_group_id: msg.clientId, last: true });
}

export const encodeHeartbeat = () => '{"heartbeat":true}';

/**
 * ChatFAQ acknowledges nothing and answers no heartbeat. What it does answer is a frame it refuses:
 * an error to every socket of the conversation, whose payload (the serializer's errors) repeats an
 * invalid choice's value. So a probe names its id as `sender.type`; written after a message, its
 * answer proves the consumer took the message (one socket's frames are handled in order). Nothing
 * is stored for a refused frame.
 */
const PROBE = 'parley-probe-';
export const encodeProbe = (id: string) => JSON.stringify({ sender: { type: `${PROBE}${id}` }, stack: [] });

/** The probe id an error frame answers (ours or another tab's), or null for a real error. */
export function probeIdOf(detail: string): string | null {
  const match = /parley-probe-([\w-]+:\d+)/.exec(detail);
  return match?.[1] ?? null;
}

/** Re-run the conversation from this message (upstream ids are integers; others are sent as given). */
export function encodeReset(messageId: string): string {
  return JSON.stringify({ reset: /^\d{1,15}$/.test(messageId) ? Number(messageId) : messageId });
}

/** A pre-signed upload target the bot offered for one file extension (a `file_upload` layer). */
export interface UploadTarget {
  /** Lower-case extension without the dot. */
  ext: string;
  maxBytes?: number;
  url: string;
  path: string;
  contentType?: string;
}

/** One server frame with a stack, reduced to what the widget shows. */
export interface BotStack {
  /** The database id (as a string), when the frame has one. */
  id?: string;
  stackId?: string;
  /** `sender.type` human: a visitor's message from another tab (tool results are filtered out). */
  fromVisitor: boolean;
  at: number;
  /** Text of the `message` and `message_chunk` layers, in order, joined by blank lines. */
  text: string;
  /** A `message_chunk` with `stack[0].streaming` (or `last_chunk`): a snapshot of a growing answer. */
  streaming: boolean;
  /** The last frame of a streamed stack (carries the final text and the database id). */
  lastChunk: boolean;
  /** `last: true` ends the bot's turn. */
  last: boolean;
  answers: Answer[];
  attachments: Attachment[];
  /** A `file_upload` layer: the bot asks for a file; empty when it offered no usable target. */
  uploads?: UploadTarget[];
  /** A `close_conversation` layer. */
  close: boolean;
  /** `gtm_tag` payloads, for the page's Google Tag Manager `dataLayer`. */
  gtm: Obj[];
}

export type ServerFrame =
  | { type: 'stack'; stack: BotStack }
  | { type: 'error'; status: number; detail: string };

/** Layers that are never shown: the model's tool calls and the rating widgets we do not offer. */
const HIDDEN = new Set([
  'tool_use',
  'tool_result',
  'star_rating',
  'thumbs_rating',
  'text_feedback',
  'satisfaction',
]);

/**
 * Decodes a server frame. Returns null (after one warning) for anything we cannot use: not JSON,
 * not an object, no stack. A frame whose layers are all hidden or unknown decodes to a stack with
 * nothing to show; the adapter skips it.
 */
export function decodeFrame(raw: unknown, now: number): ServerFrame | null {
  const data = parseJsonFrame(raw, 'chatfaq', MAX_FRAME_CHARS);
  if (!data) return null;
  const status = num(data.status);
  if (status !== undefined && status >= 400) {
    const detail = typeof data.payload === 'string' ? data.payload : JSON.stringify(data.payload ?? null);
    return { type: 'error', status, detail: (detail ?? '').slice(0, 2000) };
  }
  if (!Array.isArray(data.stack)) return drop('no stack', preview(JSON.stringify(data), 60));
  return { type: 'stack', stack: decodeStack(data, data.stack, now) };
}

function decodeStack(data: Obj, layers: unknown[], now: number): BotStack {
  const sender = isObj(data.sender) ? data.sender : {};
  const first = isObj(layers[0]) ? layers[0] : {};
  const texts: string[] = [];
  const out: BotStack = {
    fromVisitor: sender.type === 'human',
    at: timeMs(data.send_time) ?? now,
    text: '',
    streaming: false,
    lastChunk: data.last_chunk === true,
    last: data.last === true,
    answers: [],
    attachments: [],
    close: false,
    gtm: [],
  };
  const id = idOf(data.id);
  const stackId = idOf(data.stack_id);
  if (id) out.id = id;
  if (stackId) out.stackId = stackId;
  for (const layer of layers.slice(0, 50)) {
    if (!isObj(layer)) continue;
    const type = str(layer.type, 100) ?? '';
    const payload = layer.payload;
    if (type === 'message' || type === 'message_chunk') {
      const content = isObj(payload) ? str(payload.content) : str(payload);
      if (content !== undefined) texts.push(content);
      // The final chunk may no longer say `streaming`; `last_chunk` still ties it to its stream.
      if (type === 'message_chunk' && (first.streaming === true || out.lastChunk)) out.streaming = true;
    } else if (type === 'quick_replies') out.answers.push(...decodeQuickReplies(payload));
    else if (type === 'file_download') decodeDownload(payload, texts, out.attachments);
    else if (type === 'file_upload') out.uploads = decodeUploadRequest(payload, texts);
    else if (type === 'close_conversation') out.close = true;
    else if (type === 'gtm_tag') {
      if (isObj(payload)) out.gtm.push(payload);
    } else if (!HIDDEN.has(type)) log.debug(`skipped a chatfaq layer of unknown type "${preview(type, 40)}"`);
  }
  // A tool result "from the human" is the FSM talking to itself: it has no text of the visitor's.
  if (out.fromVisitor && layers.some((l) => isObj(l) && l.type === 'tool_result')) texts.length = 0;
  out.text = texts.filter(Boolean).join('\n\n');
  return out;
}

/** `[{text, id, meta}]`; a reply without text has nothing to put on its button. */
function decodeQuickReplies(payload: unknown): Answer[] {
  const list = Array.isArray(payload)
    ? payload
    : isObj(payload) && Array.isArray(payload.replies)
      ? payload.replies
      : [];
  const out: Answer[] = [];
  for (const item of list.slice(0, 20)) {
    if (!isObj(item)) continue;
    const text = nonEmptyStr(item.text, 500);
    if (!text) continue;
    const id = idOf(item.id);
    out.push(id ? { text, id } : { text });
  }
  return out;
}

/** `{content, name, url}`: a file for the visitor; the URL must be http(s). */
function decodeDownload(payload: unknown, texts: string[], attachments: Attachment[]): void {
  if (!isObj(payload)) return;
  const content = str(payload.content);
  if (content) texts.push(content);
  const href = typeof payload.url === 'string' ? safeMediaUrl(payload.url) : null;
  if (!href) return void log.warn('dropped a chatfaq file_download: no http(s) URL');
  attachments.push({ name: nonEmptyStr(payload.name, 512) ?? 'file', url: href });
}

/** `{content, files: {ext: {max_size, presigned_url, s3_path, content_type}}}`. */
function decodeUploadRequest(payload: unknown, texts: string[]): UploadTarget[] {
  if (!isObj(payload)) return [];
  const content = str(payload.content);
  if (content) texts.push(content);
  const files = isObj(payload.files) ? payload.files : {};
  const out: UploadTarget[] = [];
  for (const [rawExt, spec] of Object.entries(files).slice(0, 50)) {
    const ext = rawExt.replace(/^\./, '').toLowerCase();
    if (!/^[a-z0-9]{1,16}$/.test(ext) || !isObj(spec)) continue;
    const url = typeof spec.presigned_url === 'string' ? safeMediaUrl(spec.presigned_url) : null;
    const path = nonEmptyStr(spec.s3_path, 1000);
    // Without a pre-signed URL the file would go through an API the seed does not describe.
    if (!url || !path) continue;
    const target: UploadTarget = { ext, url, path };
    const max = num(spec.max_size);
    const type = nonEmptyStr(spec.content_type, 200);
    if (max !== undefined && max > 0) target.maxBytes = max;
    if (type) target.contentType = type;
    out.push(target);
  }
  return out;
}

/** Ids are integers upstream; strings are accepted too. */
function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return nonEmptyStr(v, 200);
}

function drop(why: string, detail: string): null {
  log.warn(`dropped a chatfaq frame: ${why}`, detail);
  return null;
}
