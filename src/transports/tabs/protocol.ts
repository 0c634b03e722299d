/**
 * What the tabs of one site say to each other about the shared connection (see shared.ts), and
 * the only code that reads or writes it. The bus is same-origin, but another Parley version or the
 * page itself may post on it, so everything is decoded like a wire frame: `unknown` in, a typed
 * message or null out, never a throw. Plain data only (structured clone; Blobs only in uploads).
 */
import { TransportError, type TransportErrorCode, toTransportError } from '../../core/errors';
import { isObj, isTime, num, type Obj, str } from '../../core/guards';
import type {
  Answer,
  Attachment,
  Author,
  ConnectionStatus,
  IncomingMessage,
  MessageKind,
  OperatorChange,
  OutgoingMessage,
  SendReceipt,
  StatusChange,
  TypingChange,
} from '../../core/types';
import { safeMediaUrl } from '../../core/url';
import type { TransportEvents, UploadResult } from '../types';

/** A follower's request to the leader. */
export type Call =
  | { op: 'send'; message: OutgoingMessage }
  | { op: 'upload'; file: Blob; name?: string }
  | { op: 'reset' }
  | { op: 'forget' };

/** Requests that need no answer. */
export type Notice =
  | { op: 'connect' }
  | { op: 'release' }
  | { op: 'typing'; on: boolean }
  | { op: 'read'; messageId: string };

export type RelayedEvent = {
  [K in keyof TransportEvents]: { name: K; value: TransportEvents[K] };
}[keyof TransportEvents];

/** A TransportError as plain data: an Error subclass would lose its fields in the clone. */
export interface WireError {
  code: TransportErrorCode;
  message: string;
  retryable: boolean;
  status?: number;
}

export type TabMessage =
  /** The sender leads now; its connection status at that moment. */
  | { t: 'tx:leader'; from: string; status: StatusChange }
  /** A tab joined (or lost track of the leader): the leader answers with `tx:leader`. */
  | { t: 'tx:hello'; from: string }
  /** The leader is going away (page hidden for good, widget destroyed). */
  | { t: 'tx:bye'; from: string }
  /** An event of the leader's adapter. */
  | { t: 'tx:event'; from: string; event: RelayedEvent }
  | { t: 'tx:notice'; from: string; to: string; notice: Notice }
  | { t: 'tx:call'; from: string; to: string; id: string; call: Call }
  | { t: 'tx:abort'; from: string; to: string; id: string }
  | { t: 'tx:progress'; to: string; id: string; loaded: number; total: number }
  | { t: 'tx:done'; to: string; id: string; value: unknown }
  | { t: 'tx:fail'; to: string; id: string; error: WireError };

// ---- encoding ----

export function encodeError(err: unknown): WireError {
  const e = toTransportError(err);
  const out: WireError = { code: e.code, message: e.message, retryable: e.retryable };
  if (e.status !== undefined) out.status = e.status;
  return out;
}

export type WireEvent = Exclude<RelayedEvent, { name: 'error' }> | { name: 'error'; value: WireError };

export function encodeEvent(event: RelayedEvent): WireEvent {
  return event.name === 'error' ? { name: 'error', value: encodeError(event.value) } : event;
}

// ---- decoding ----

const STATUSES: ReadonlySet<string> = new Set<ConnectionStatus>([
  'idle',
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'failed',
]);
const AUTHOR_KINDS: ReadonlySet<string> = new Set(['visitor', 'bot', 'operator', 'system']);
const MESSAGE_KINDS: ReadonlySet<string> = new Set(['regular', 'help', 'terminal']);
const ID_MAX = 512;

const CODES: Readonly<Record<TransportErrorCode, true>> = {
  disconnected: true,
  network: true,
  timeout: true,
  auth: true,
  refused: true,
  'not-found': true,
  'too-large': true,
  aborted: true,
  config: true,
  protocol: true,
  'session-ended': true,
  evicted: true,
  unknown: true,
};

function decodeError(raw: unknown): WireError | null {
  if (!isObj(raw) || typeof raw.retryable !== 'boolean') return null;
  const message = str(raw.message, 1000);
  if (message === undefined) return null;
  const code =
    typeof raw.code === 'string' && raw.code in CODES ? (raw.code as TransportErrorCode) : 'unknown';
  const out: WireError = { code, message, retryable: raw.retryable };
  const status = num(raw.status);
  if (status !== undefined) out.status = status;
  return out;
}

export function toError(w: WireError): TransportError {
  return new TransportError(
    w.code,
    w.message,
    w.status === undefined ? { retryable: w.retryable } : { retryable: w.retryable, status: w.status },
  );
}

export function decodeStatus(raw: unknown): StatusChange | null {
  if (!isObj(raw) || typeof raw.status !== 'string' || !STATUSES.has(raw.status)) return null;
  const out: StatusChange = { status: raw.status as ConnectionStatus };
  const reason = str(raw.reason, 64);
  const retry = num(raw.retryInMs);
  if (reason !== undefined) out.reason = reason;
  if (retry !== undefined) out.retryInMs = retry;
  const detail = str(raw.detail, 500);
  if (detail !== undefined) out.detail = detail;
  return out;
}

function decodeAuthor(raw: unknown): Author | null {
  if (!isObj(raw) || typeof raw.kind !== 'string' || !AUTHOR_KINDS.has(raw.kind)) return null;
  const out: Author = { kind: raw.kind as Author['kind'] };
  const id = str(raw.id, ID_MAX);
  const name = str(raw.name, 200);
  const avatar = typeof raw.avatarUrl === 'string' ? safeMediaUrl(raw.avatarUrl) : null;
  if (id !== undefined) out.id = id;
  if (name !== undefined) out.name = name;
  if (avatar) out.avatarUrl = avatar;
  return out;
}

function decodeAttachment(raw: unknown): Attachment | null {
  if (!isObj(raw)) return null;
  const name = str(raw.name, 1000);
  const url = typeof raw.url === 'string' ? safeMediaUrl(raw.url) : null;
  if (name === undefined || !url) return null;
  const out: Attachment = { name, url };
  const id = str(raw.id, ID_MAX);
  const type = str(raw.contentType, 200);
  if (id !== undefined) out.id = id;
  if (type !== undefined) out.contentType = type;
  for (const k of ['size', 'width', 'height'] as const) {
    const n = num(raw[k]);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

function decodeAnswer(raw: unknown): Answer | null {
  if (!isObj(raw)) return null;
  const text = str(raw.text, 1000);
  if (text === undefined) return null;
  const id = str(raw.id, ID_MAX);
  return id === undefined ? { text } : { text, id };
}

function listOf<T>(raw: unknown, one: (v: unknown) => T | null): T[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.slice(0, 100).flatMap((v) => one(v) ?? []);
}

export function decodeIncoming(raw: unknown): IncomingMessage | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id, ID_MAX);
  const text = str(raw.text);
  const at = isTime(raw.at) ? raw.at : undefined; // a time a Date cannot hold would break rendering
  const author = decodeAuthor(raw.author);
  if (id === undefined || text === undefined || at === undefined || !author) return null;
  const out: IncomingMessage = { id, text, at, author };
  if (typeof raw.kind === 'string' && MESSAGE_KINDS.has(raw.kind)) out.kind = raw.kind as MessageKind;
  const answers = listOf(raw.answers, decodeAnswer);
  const attachments = listOf(raw.attachments, decodeAttachment);
  const clientId = str(raw.clientId, ID_MAX);
  if (answers) out.answers = answers;
  if (attachments) out.attachments = attachments;
  if (clientId !== undefined) out.clientId = clientId;
  // A streamed answer's snapshots, and a request for files (chatfaq), cross tabs as they came.
  if (raw.partial === true) out.partial = true;
  const request = isObj(raw.uploadRequest) ? raw.uploadRequest : undefined;
  const accept =
    request && Array.isArray(request.accept)
      ? request.accept.slice(0, 50).map((a) => str(a, 100))
      : undefined;
  if (accept?.every((a): a is string => a !== undefined)) {
    const maxBytes = num(request?.maxBytes);
    out.uploadRequest = maxBytes === undefined ? { accept } : { accept, maxBytes };
  }
  return out;
}

function decodeTypingChange(raw: unknown): TypingChange | null {
  if (!isObj(raw) || typeof raw.on !== 'boolean') return null;
  const author = decodeAuthor(raw.author);
  return author ? { on: raw.on, author } : null;
}

function decodeOperatorChange(raw: unknown): OperatorChange | null {
  if (!isObj(raw)) return null;
  const operator = decodeAuthor(raw.operator);
  if (!operator) return null;
  const previous = raw.previous === undefined ? undefined : decodeAuthor(raw.previous);
  return previous ? { operator, previous } : { operator };
}

function decodeEvent(raw: unknown): RelayedEvent | null {
  if (!isObj(raw)) return null;
  const v = raw.value;
  switch (raw.name) {
    case 'status': {
      const value = decodeStatus(v);
      return value && { name: 'status', value };
    }
    case 'message':
    case 'messageUpdated': {
      const value = decodeIncoming(v);
      return value && { name: raw.name, value };
    }
    case 'typing': {
      const value = decodeTypingChange(v);
      return value && { name: 'typing', value };
    }
    case 'read': {
      const messageId = isObj(v) ? str(v.messageId, ID_MAX) : undefined;
      return messageId === undefined ? null : { name: 'read', value: { messageId } };
    }
    case 'operator': {
      const value = decodeOperatorChange(v);
      return value && { name: 'operator', value };
    }
    case 'sessionEnded': {
      const reason = isObj(v) ? str(v.reason, 200) : undefined;
      return reason === undefined ? null : { name: 'sessionEnded', value: { reason } };
    }
    case 'error': {
      const value = decodeError(v);
      return value && { name: 'error', value: toError(value) };
    }
    default:
      return null;
  }
}

function decodeOutgoing(raw: unknown): OutgoingMessage | null {
  if (!isObj(raw)) return null;
  const clientId = str(raw.clientId, ID_MAX);
  const text = str(raw.text);
  if (!clientId || text === undefined) return null;
  const out: OutgoingMessage = { clientId, text };
  const replyToId = str(raw.replyToId, ID_MAX);
  if (replyToId !== undefined) out.replyToId = replyToId;
  if (Array.isArray(raw.attachmentIds)) {
    out.attachmentIds = raw.attachmentIds.filter((x): x is string => typeof x === 'string').slice(0, 100);
  }
  return out;
}

function decodeCall(raw: unknown): Call | null {
  if (!isObj(raw)) return null;
  switch (raw.op) {
    case 'send': {
      const message = decodeOutgoing(raw.message);
      return message && { op: 'send', message };
    }
    case 'upload': {
      if (typeof Blob === 'undefined' || !(raw.file instanceof Blob)) return null;
      const name = str(raw.name, 1000);
      return name === undefined ? { op: 'upload', file: raw.file } : { op: 'upload', file: raw.file, name };
    }
    case 'reset':
    case 'forget':
      return { op: raw.op };
    default:
      return null;
  }
}

function decodeNotice(raw: unknown): Notice | null {
  if (!isObj(raw)) return null;
  if (raw.op === 'connect') return { op: 'connect' };
  if (raw.op === 'release') return { op: 'release' };
  if (raw.op === 'typing' && typeof raw.on === 'boolean') return { op: 'typing', on: raw.on };
  const messageId = str(raw.messageId, ID_MAX);
  if (raw.op === 'read' && messageId !== undefined) return { op: 'read', messageId };
  return null;
}

/** Decodes a bus message, or null when it is not ours or not well formed. */
export function decodeTabMessage(raw: unknown): TabMessage | null {
  if (!isObj(raw) || typeof raw.t !== 'string' || !raw.t.startsWith('tx:')) return null;
  const from = str(raw.from, ID_MAX);
  const to = str(raw.to, ID_MAX);
  const id = str(raw.id, ID_MAX);
  switch (raw.t) {
    case 'tx:leader': {
      const status = decodeStatus(raw.status);
      return from && status ? { t: raw.t, from, status } : null;
    }
    case 'tx:hello':
    case 'tx:bye':
      return from ? { t: raw.t, from } : null;
    case 'tx:event': {
      const event = decodeEvent(raw.event);
      return from && event ? { t: raw.t, from, event } : null;
    }
    case 'tx:notice': {
      const notice = decodeNotice(raw.notice);
      return from && to && notice ? { t: raw.t, from, to, notice } : null;
    }
    case 'tx:call': {
      const call = decodeCall(raw.call);
      return from && to && id && call ? { t: raw.t, from, to, id, call } : null;
    }
    case 'tx:abort':
      return from && to && id ? { t: raw.t, from, to, id } : null;
    case 'tx:progress': {
      const loaded = num(raw.loaded);
      const total = num(raw.total);
      return to && id && loaded !== undefined && total !== undefined
        ? { t: raw.t, to, id, loaded, total }
        : null;
    }
    case 'tx:done':
      return to && id ? { t: raw.t, to, id, value: raw.value } : null;
    case 'tx:fail': {
      const error = decodeError(raw.error);
      return to && id && error ? { t: raw.t, to, id, error } : null;
    }
    default:
      return null;
  }
}

/** The answer to a `send`, as the follower reads it back. */
export function decodeReceipt(raw: unknown): SendReceipt | null {
  if (!isObj(raw) || typeof raw.confirmed !== 'boolean') return null;
  const out: SendReceipt = { confirmed: raw.confirmed };
  const id = str(raw.id, ID_MAX);
  const at = num(raw.at);
  if (id !== undefined) out.id = id;
  if (at !== undefined) out.at = at;
  return out;
}

export function decodeUploadResult(raw: unknown): UploadResult | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id, ID_MAX);
  const name = str(raw.name, 1000);
  if (id === undefined || name === undefined) return null;
  const out: UploadResult = { id, name };
  const url = typeof raw.url === 'string' ? safeMediaUrl(raw.url) : null;
  const type = str((raw as Obj).contentType, 200);
  const size = num(raw.size);
  if (url) out.url = url;
  if (type !== undefined) out.contentType = type;
  if (size !== undefined) out.size = size;
  return out;
}
