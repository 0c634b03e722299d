/**
 * TWIN wire shapes (seed 002) and the only code that reads or writes them. Decoders take `unknown`
 * and return domain objects (core/types.ts) or null, logging one line for what they drop; URLs pass
 * `safeMediaUrl` (http/https only). Nothing outside this file knows a TWIN field name.
 */
import { isObj, messageTime, nonEmptyStr, num, type Obj, str } from '../../core/guards';
import { log } from '../../core/log';
import type {
  Answer,
  Attachment,
  Author,
  AuthorKind,
  IncomingMessage,
  MessageKind,
  OperatorChange,
  OutgoingMessage,
  TypingChange,
} from '../../core/types';
import { safeMediaUrl } from '../../core/url';
import type { UploadResult } from '../types';

/** Socket.IO event names of the seed. */
export const EVENTS = {
  message: 'chatMessageCreatedEmit',
  typing: 'showTypingIndicatorEmit',
  read: 'chatMessageReadEmit',
  operatorStatus: 'operatorStatusChangedEmit',
  /** Client → server, once per received message. */
  received: 'messageReceived',
} as const;

/**
 * The seed labels the operator assigned / changed table `chatMessageCreatedEmit`, the message
 * event's name (PROTOCOLS.md suspects a copy error; the seed is the contract). So that is the
 * default, and payloads of the message event are classified by shape anyway (`isOperatorNotice`).
 */
export const DEFAULT_OPERATOR_EVENT = EVENTS.message;

/** `file` objects of the session, upload and message answers. */
export interface WireFile {
  id: string;
  isPrivate?: boolean;
  createdAt?: string;
  contentType?: string;
  name: string;
  baseName?: string;
  extension?: string;
  /** The session answer spells it `sugestedExtension`. */
  suggestedExtension?: string;
  sugestedExtension?: string;
  path?: string;
  /** int64 in REST answers, a string in socket events. */
  size?: number | string;
  url?: string;
  downloadLink?: string;
  ownerId?: string | null;
}
export interface WireMessage {
  id?: string;
  authorId?: string;
  authorType?: string;
  authorName?: string;
  /** REGULAR | TERMINAL | HELP */
  type?: string;
  body: string;
  answers?: Array<string | { label?: string; text?: string; id?: string }>;
  createdAt?: string;
  sessionId?: string;
  attachments?: WireFile[];
  actions?: unknown;
  /** A URL, or (by the seed's table) a file object. */
  avatar?: string | WireFile;
}
export interface WireSession {
  id: string;
  clientId: string;
  startedAt: string;
  ttl: number;
  messages: WireMessage[];
}
export interface WireOperatorNotice {
  id?: string;
  operatorId: string;
  operatorName?: string;
  avatar?: string;
  previousOperatorId?: string;
  previousOperatorName?: string;
  previousOperatorAvatar?: string;
}
export interface WireSessionStart {
  name: string;
  clientExternalId?: string;
  clientMetadata?: Record<string, string>;
  /**
   * Not in the seed: HMAC-SHA256 of `clientExternalId` with the site's secret (verified identity,
   * README). A server that checks ids refuses an unsigned or wrongly signed one; others ignore it.
   */
  userHash?: string;
}
export interface WireSendMessage {
  body: string;
  attachments?: string[];
  replyToMessageId?: string;
}
export interface WireMessageReceived {
  action: 'chatMessageCreated';
  data: { id: string };
}

/** What `operatorStatusChangedEmit` says; no domain event carries presence yet (see the adapter). */
export interface OperatorStatus {
  operatorId: string;
  status?: string;
  /** Only `operatorId` came: the operator logged out. */
  loggedOut: boolean;
}

export interface TwinSession {
  id: string;
  ttlSeconds: number;
  messages: IncomingMessage[];
}

const DEFAULT_TTL_S = 1800;
const ID_MAX = 256;

function drop(what: string, why: string): null {
  log.warn(`twin: dropped ${what}: ${why}`);
  return null;
}

/** Ids may come as strings or numbers; anything else is not an id. */
function idOf(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : nonEmptyStr(v, ID_MAX);
}

function url(v: unknown, base: string | undefined): string | undefined {
  const raw = str(v, 4096);
  return (raw && safeMediaUrl(raw, base)) || undefined;
}

function authorKind(v: unknown): AuthorKind {
  const t = typeof v === 'string' ? v.toLowerCase() : '';
  if (t === 'operator') return 'operator';
  return t === 'client' || t === 'user' || t === 'visitor' ? 'visitor' : 'bot';
}

function author(kind: AuthorKind, id: unknown, name: unknown, avatar: unknown, base?: string): Author {
  const a: Author = { kind };
  const i = idOf(id);
  const n = nonEmptyStr(name, ID_MAX);
  // The seed documents avatar as a string and, in the same row, as a file object: take both.
  const u = url(isObj(avatar) ? (avatar.downloadLink ?? avatar.url) : avatar, base);
  if (i) a.id = i;
  if (n) a.name = n;
  if (u) a.avatarUrl = u;
  return a;
}

export function decodeAttachment(raw: unknown, base?: string): Attachment | null {
  if (!isObj(raw)) return drop('an attachment', 'not an object');
  const href = url(raw.downloadLink, base) ?? url(raw.url, base);
  if (!href) return drop('an attachment', 'no http(s) URL');
  const ext = str(raw.extension, 32);
  const name = nonEmptyStr(raw.name, 512) ?? `${str(raw.baseName, 480) ?? 'file'}${ext ? `.${ext}` : ''}`;
  const a: Attachment = { name, url: href };
  const id = idOf(raw.id);
  const type = nonEmptyStr(raw.contentType, 200);
  const size =
    num(raw.size) ?? (typeof raw.size === 'string' && /^\d{1,15}$/.test(raw.size) ? +raw.size : undefined);
  if (id) a.id = id;
  if (type) a.contentType = type;
  if (size !== undefined) a.size = size;
  return a;
}

/** Strings, or objects whose label (label | text | title | value) is the text. */
export function decodeAnswers(raw: unknown): Answer[] {
  if (!Array.isArray(raw)) return [];
  const out: Answer[] = [];
  for (const item of raw.slice(0, 50)) {
    const o: Obj = isObj(item) ? item : {};
    const text = nonEmptyStr(isObj(item) ? (o.label ?? o.text ?? o.title ?? o.value) : item, 1000);
    if (!text) continue;
    const answer: Answer = { text };
    const id = idOf(o.id);
    if (id) answer.id = id;
    out.push(answer);
  }
  return out;
}

const KINDS: ReadonlyMap<string, MessageKind> = new Map([
  ['REGULAR', 'regular'],
  ['HELP', 'help'],
  ['TERMINAL', 'terminal'],
]);
/** Strings only: `String(v)` throws for an object whose toString is not callable, which JSON can carry. */
const kindOf = (v: unknown): MessageKind =>
  (typeof v === 'string' && KINDS.get(v.toUpperCase())) || 'regular';

/** A message of `chatMessageCreatedEmit` or of the session answer (`fallbackId` when it has none). */
export function decodeMessage(
  raw: unknown,
  now: number,
  base?: string,
  fallbackId?: string,
): IncomingMessage | null {
  if (!isObj(raw)) return drop('a message', 'not an object');
  const text = str(raw.body);
  if (text === undefined) return drop('a message', 'body missing, not a string or too long');
  const id = idOf(raw.id) ?? fallbackId;
  if (!id) return drop('a message', 'no id');
  const attachments = (Array.isArray(raw.attachments) ? raw.attachments.slice(0, 20) : [])
    .map((a) => decodeAttachment(a, base))
    .filter((a): a is Attachment => a !== null);
  const answers = decodeAnswers(raw.answers);
  const msg: IncomingMessage = {
    id,
    text,
    at: messageTime(raw.createdAt, now),
    author: author(authorKind(raw.authorType), raw.authorId, raw.authorName, raw.avatar, base),
    kind: kindOf(raw.type),
  };
  if (answers.length) msg.answers = answers;
  if (attachments.length) msg.attachments = attachments;
  return msg;
}

/** The id a payload carries, for `messageReceived` and duplicate checks. */
export function payloadId(raw: unknown): string | undefined {
  return isObj(raw) ? idOf(raw.id) : undefined;
}

/** Operator assigned / changed: a payload with `operatorId` and no `body`, whatever event carried it. */
export function isOperatorNotice(raw: unknown): boolean {
  return isObj(raw) && raw.operatorId != null && raw.body == null;
}

export function decodeOperatorChange(raw: unknown, base?: string): OperatorChange | null {
  if (!isObj(raw) || !idOf(raw.operatorId)) return drop('an operator notice', 'no operatorId');
  const change: OperatorChange = {
    operator: author('operator', raw.operatorId, raw.operatorName, raw.avatar, base),
  };
  if (idOf(raw.previousOperatorId)) {
    change.previous = author(
      'operator',
      raw.previousOperatorId,
      raw.previousOperatorName,
      raw.previousOperatorAvatar,
      base,
    );
  }
  return change;
}

export function decodeOperatorStatus(raw: unknown): OperatorStatus | null {
  const operatorId = isObj(raw) ? idOf(raw.operatorId) : undefined;
  if (!isObj(raw) || !operatorId) return drop('an operator status', 'no operatorId');
  const status = nonEmptyStr(raw.currentStatus, 100);
  return status ? { operatorId, status, loggedOut: false } : { operatorId, loggedOut: true };
}

/** `showTypingIndicatorEmit` starts the indicator; the adapter ends it. A bare event means the bot. */
export function decodeTyping(raw: unknown): TypingChange {
  return { on: true, author: { kind: authorKind(isObj(raw) ? raw.authorType : undefined) } };
}

export function decodeRead(raw: unknown): { messageId: string } | null {
  const messageId = isObj(raw) ? idOf(raw.messageId) : undefined;
  return messageId ? { messageId } : drop('a read receipt', 'no messageId');
}

/** The 201 answer of session start; the greeting messages get `{sessionId}:init:{index}` ids. */
export function decodeSession(raw: unknown, now: number, base?: string): TwinSession | null {
  const id = isObj(raw) ? idOf(raw.id) : undefined;
  if (!isObj(raw) || !id) return drop('a session answer', 'no id');
  const ttl = num(raw.ttl);
  const list = Array.isArray(raw.messages) ? raw.messages.slice(0, 50) : [];
  // The greeting carries no time of its own: the session's start is the server's clock, like every
  // later message's `createdAt`, so the store can place late messages against it.
  const started = messageTime(raw.startedAt, now);
  const messages = list
    .map((m, i) => decodeMessage(m, started + i, base, `${id}${SYNTHETIC_ID}${i}`))
    .filter((m): m is IncomingMessage => m !== null);
  return { id, ttlSeconds: ttl && ttl > 0 ? ttl : DEFAULT_TTL_S, messages };
}

export function decodeSendReceipt(raw: unknown, now: number): { id: string; at: number } | null {
  const id = isObj(raw) ? idOf(raw.id) : undefined;
  if (!isObj(raw) || !id) return drop('a send answer', 'no id');
  return { id, at: messageTime(raw.createdAt, now) };
}

/** The upload answer is an array of files; the adapter uploads one file per call. */
export function decodeUpload(raw: unknown, base?: string): UploadResult | null {
  const file = Array.isArray(raw) ? raw[0] : undefined;
  const id = isObj(file) ? idOf(file.id) : undefined;
  if (!isObj(file) || !id) return drop('an upload answer', 'no file id');
  const result: UploadResult = { id, name: nonEmptyStr(file.name, 512) ?? 'file' };
  const att = decodeAttachment(file, base);
  if (att?.url) result.url = att.url;
  if (att?.contentType) result.contentType = att.contentType;
  if (att?.size !== undefined) result.size = att.size;
  return result;
}

/** A human-readable reason from an error body, when the server gave one. */
export function decodeErrorMessage(raw: unknown): string | undefined {
  return isObj(raw) ? (nonEmptyStr(raw.message, 300) ?? nonEmptyStr(raw.error, 300)) : undefined;
}

// ---- REST endpoints (seed 002): where each call goes ----

export const sessionsUrl = (server: string, chatId: string) =>
  `${server}/api/chats/v1/chats/${encodeURIComponent(chatId)}/sessions?x_widget=1`;

export const messagesUrl = (messagesServer: string, sessionId: string) =>
  `${messagesServer}/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`;

/**
 * The upload call. TWIN documents no authorisation for it; the session id rides along so a server
 * can refuse uploads from outside a live session (the reference server does: otherwise anyone could
 * fill it with files). It is the socket's credential too: never log this URL.
 */
export const filesUrl = (server: string, sessionId: string) =>
  `${server}/api/chats/v1/files?x_widget=1&sessionId=${encodeURIComponent(sessionId)}`;

/** The multipart field the file upload expects (with the brackets). */
export const UPLOAD_FIELD = 'file[]';

export function encodeSessionStart(
  name: string,
  clientExternalId?: string,
  clientMetadata?: Record<string, string>,
  userHash?: string,
): WireSessionStart {
  const body: WireSessionStart = { name };
  if (clientExternalId) body.clientExternalId = clientExternalId;
  if (clientMetadata) body.clientMetadata = clientMetadata;
  if (clientExternalId && userHash) body.userHash = userHash;
  return body;
}

/** Ids this adapter invented for the session answer's messages, which TWIN sends without ids. */
const SYNTHETIC_ID = ':init:';

export function encodeSend(message: OutgoingMessage): WireSendMessage {
  const body: WireSendMessage = { body: message.text };
  if (message.attachmentIds?.length) body.attachments = message.attachmentIds;
  // An answer to the greeting names an id the server never gave: send it as a plain message.
  if (message.replyToId && !message.replyToId.includes(SYNTHETIC_ID))
    body.replyToMessageId = message.replyToId;
  return body;
}

export function encodeReceived(id: string): WireMessageReceived {
  return { action: 'chatMessageCreated', data: { id } };
}
