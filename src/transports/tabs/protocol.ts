/**
 * What the tabs of one site say to each other about the shared connection (see shared.ts), and
 * the only code that reads or writes it. The bus is same-origin, but another Parley version or the
 * page itself may post on it, so everything is decoded like a wire frame: `unknown` in, a typed
 * message or null out, never a throw. Plain data only (structured clone; Blobs only in uploads).
 * The decoders are small schemas (field → check), because every field of the domain types
 * crosses here: protocol.test.ts fails when one is added to core/types.ts and not relayed.
 */
import { TransportError, type TransportErrorCode, toTransportError } from '../../core/errors';
import { isObj, isTime, num, str } from '../../core/guards';
import type { IncomingMessage, OutgoingMessage, SendReceipt, StatusChange } from '../../core/types';
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
  /** The follower no longer wants the connection. */
  | { op: 'release' }
  | { op: 'regenerate'; messageId: string };

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

/** Returns the decoded value, or undefined to drop it. */
type Check = (v: unknown) => unknown;
type Shape = Record<string, Check>;

const ID = 512;
const text =
  (max = 1000): Check =>
  (v) =>
    str(v, max);
const long = text(64 * 1024);
const id = text(ID);
const yes: Check = (v) => (v === true ? true : undefined);
const bool: Check = (v) => (typeof v === 'boolean' ? v : undefined);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? v : undefined;
const url: Check = (v) => (typeof v === 'string' ? (safeMediaUrl(v) ?? undefined) : undefined);
const list =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) ? v.slice(0, 100).flatMap((x) => check(x) ?? []) : undefined;
/** A list whose every item must pass (a partly readable list would mean something else). */
const every =
  (check: Check): Check =>
  (v) => {
    const items = Array.isArray(v) ? v.slice(0, 100).map(check) : undefined;
    return items?.every((x) => x !== undefined) ? items : undefined;
  };
/** A time a Date can hold: one it cannot would break rendering. */
const time: Check = (v) => (isTime(v) ? v : undefined);

/** An object with every `required` field passing its check; `optional` fields kept when they pass. */
const shape =
  (required: Shape, optional: Shape = {}): Check =>
  (raw) => {
    if (!isObj(raw)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(required)) {
      const v = check(raw[k]);
      if (v === undefined) return undefined;
      out[k] = v;
    }
    for (const [k, check] of Object.entries(optional)) {
      const v = check(raw[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
/** Runs a schema; the schemas above mirror the domain types, field by field. */
const as = <T>(check: Check, raw: unknown): T | null => (check(raw) as T | undefined) ?? null;

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
  unconfirmed: true,
  unknown: true,
};
const code: Check = (v) => (typeof v === 'string' && v in CODES ? v : 'unknown');

const author = shape(
  { kind: oneOf('visitor', 'bot', 'operator', 'system') },
  { id, name: text(200), avatarUrl: url },
);
const status = shape(
  { status: oneOf('idle', 'connecting', 'connected', 'reconnecting', 'disconnected', 'failed') },
  { reason: text(64), retryInMs: num, detail: text() },
);
const incoming = shape(
  { id, text: long, at: time, author },
  {
    kind: oneOf('regular', 'help', 'terminal'),
    answers: list(shape({ text: text() }, { id })),
    attachments: list(
      shape({ name: text(), url }, { id, contentType: text(200), size: num, width: num, height: num }),
    ),
    clientId: id,
    uploadRequest: shape({ accept: every(text(200)) }, { maxBytes: num }),
    partial: yes,
    backfill: yes,
  },
);
const outgoing = shape(
  { clientId: id, text: long },
  { replyToId: id, answerId: id, attachmentIds: list(id), retries: num },
);
const wireError = shape({ code, message: text(), retryable: bool }, { status: num });
const receipt = shape({ confirmed: bool }, { id, at: time });
const uploadResult = shape({ id, name: text() }, { url, contentType: text(200), size: num });

const EVENTS: Record<keyof TransportEvents, Check> = {
  status,
  message: incoming,
  messageUpdated: incoming,
  typing: shape({ on: bool, author }),
  read: shape({ messageId: id }),
  operator: shape({ operator: author }, { previous: author }),
  sessionEnded: shape({ reason: text(200) }),
  error: wireError,
};

export function toError(w: WireError): TransportError {
  return new TransportError(
    w.code,
    w.message,
    w.status === undefined ? { retryable: w.retryable } : { retryable: w.retryable, status: w.status },
  );
}

export const decodeStatus = (raw: unknown) => as<StatusChange>(status, raw);
export const decodeIncoming = (raw: unknown) => as<IncomingMessage>(incoming, raw);
/** The answer to a `send`, as the follower reads it back. */
export const decodeReceipt = (raw: unknown) => as<SendReceipt>(receipt, raw);
export const decodeUploadResult = (raw: unknown) => as<UploadResult>(uploadResult, raw);

function decodeEvent(raw: unknown): RelayedEvent | null {
  if (!isObj(raw) || typeof raw.name !== 'string' || !(raw.name in EVENTS)) return null;
  const name = raw.name as keyof TransportEvents;
  const value = EVENTS[name](raw.value);
  if (value === undefined) return null;
  return { name, value: name === 'error' ? toError(value as WireError) : value } as RelayedEvent;
}

function decodeCall(raw: unknown): Call | null {
  if (!isObj(raw)) return null;
  if (raw.op === 'reset' || raw.op === 'forget') return { op: raw.op };
  if (raw.op === 'send') {
    const message = as<OutgoingMessage>(outgoing, raw.message);
    return message && { op: 'send', message };
  }
  if (raw.op !== 'upload' || typeof Blob === 'undefined' || !(raw.file instanceof Blob)) return null;
  const name = str(raw.name, 1000);
  return name === undefined ? { op: 'upload', file: raw.file } : { op: 'upload', file: raw.file, name };
}

const notice = shape({ op: oneOf('connect', 'release', 'regenerate') }, { messageId: id });

function decodeNotice(raw: unknown): Notice | null {
  const n = as<{ op: Notice['op']; messageId?: string }>(notice, raw);
  if (!n) return null;
  if (n.op === 'connect' || n.op === 'release') return { op: n.op };
  return n.messageId === undefined ? null : { op: n.op, messageId: n.messageId };
}

/** Decodes a bus message, or null when it is not ours or not well formed. */
export function decodeTabMessage(raw: unknown): TabMessage | null {
  if (!isObj(raw) || typeof raw.t !== 'string' || !raw.t.startsWith('tx:')) return null;
  const from = str(raw.from, ID);
  const to = str(raw.to, ID);
  const key = str(raw.id, ID);
  switch (raw.t) {
    case 'tx:leader': {
      const s = decodeStatus(raw.status);
      return from && s ? { t: raw.t, from, status: s } : null;
    }
    case 'tx:hello':
    case 'tx:bye':
      return from ? { t: raw.t, from } : null;
    case 'tx:event': {
      const event = decodeEvent(raw.event);
      return from && event ? { t: raw.t, from, event } : null;
    }
    case 'tx:notice': {
      const n = decodeNotice(raw.notice);
      return from && to && n ? { t: raw.t, from, to, notice: n } : null;
    }
    case 'tx:call': {
      const call = decodeCall(raw.call);
      return from && to && key && call ? { t: raw.t, from, to, id: key, call } : null;
    }
    case 'tx:abort':
      return from && to && key ? { t: raw.t, from, to, id: key } : null;
    case 'tx:progress': {
      const loaded = num(raw.loaded);
      const total = num(raw.total);
      return to && key && loaded !== undefined && total !== undefined
        ? { t: raw.t, to, id: key, loaded, total }
        : null;
    }
    case 'tx:done':
      return to && key ? { t: raw.t, to, id: key, value: raw.value } : null;
    case 'tx:fail': {
      const error = as<WireError>(wireError, raw.error);
      return to && key && error ? { t: raw.t, to, id: key, error } : null;
    }
    default:
      return null;
  }
}
