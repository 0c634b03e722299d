/**
 * Domain types shared by every layer. Nothing here knows about a wire format or about Preact:
 * adapters translate their protocol into these shapes inside their own `protocol.ts`.
 */

/** Connection state reported by an adapter, as a closed union so the UI can say it in words. */
export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'disconnected'
  | 'failed';

export interface StatusChange {
  status: ConnectionStatus;
  /** Machine-readable reason, e.g. `auth`, `network`, `server-close`, `config`. */
  reason?: string;
  /** When reconnecting: milliseconds until the next attempt. */
  retryInMs?: number;
  /** When failed: the server's own words for why (a close reason), shown to the visitor as text. */
  detail?: string;
}

/** Who wrote a message, as far as the widget needs to know. */
export type AuthorKind = 'visitor' | 'bot' | 'operator' | 'system';

export interface Author {
  kind: AuthorKind;
  id?: string;
  name?: string;
  /** Only http(s) URLs survive decoding; see `core/url.ts`. */
  avatarUrl?: string;
}

/** A file attached to a message. URLs are already checked by the decoder (http/https only). */
export interface Attachment {
  id?: string;
  name: string;
  url: string;
  contentType?: string;
  /** Bytes, when known. */
  size?: number;
  width?: number;
  height?: number;
}

/** An answer button (quick reply) offered under a message. */
export interface Answer {
  text: string;
  id?: string;
}

/** Regular message, a request for help (TWIN HELP) or the last message of a session (TWIN TERMINAL). */
export type MessageKind = 'regular' | 'help' | 'terminal';

/** A message as the backend delivered it, already decoded and validated. */
export interface IncomingMessage {
  /** Server id; adapters invent a stable one when the wire has none. */
  id: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  author: Author;
  kind?: MessageKind;
  answers?: Answer[];
  attachments?: Attachment[];
  /** Set when this is the echo of a message the visitor sent (matched by client id). */
  clientId?: string;
  /** The backend asks the visitor for a file (ChatFAQ `file_upload`): what it takes. */
  uploadRequest?: UploadRequest;
  /**
   * A streamed answer still growing: `text` is a snapshot, later `messageUpdated` events with the
   * same id replace it, and the one without `partial` is final.
   */
  partial?: boolean;
  /**
   * Delivered late by a history call after a gap: older than anything the visitor queued since, so
   * the store places it before the visitor's messages still waiting to be sent.
   */
  backfill?: boolean;
}

/** Files a backend asked for: accepted types as in `<input accept>` (`.pdf`, `image/*`), largest size. */
export interface UploadRequest {
  accept: string[];
  maxBytes?: number;
}

/** What the store hands an adapter to send. `clientId` is assigned by the store and never changes. */
export interface OutgoingMessage {
  clientId: string;
  text: string;
  /** Server id of the message being answered (answer buttons). */
  replyToId?: string;
  /** Id of the answer button the visitor chose, for backends that route on it. */
  answerId?: string;
  /** Ids returned by the adapter's `upload`. */
  attachmentIds?: string[];
  /**
   * How many times the visitor pressed Retry on it (absent: never). An adapter that cannot tell
   * whether an earlier attempt arrived sends it again only in a later round (TWIN).
   */
  retries?: number;
}

/** Returned by `send` once the backend has accepted the message. */
export interface SendReceipt {
  /** Server id, when the backend tells it. */
  id?: string;
  at?: number;
  /** True when the backend confirmed the message; false when the adapter could only write it. */
  confirmed: boolean;
}

/** Send states of a visitor's message, owned by the store. */
export type SendState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Operator assigned to or changed in the conversation. */
export interface OperatorChange {
  operator: Author;
  previous?: Author;
}

export interface TypingChange {
  on: boolean;
  author: Author;
}

export { TransportError, type TransportErrorCode } from './errors';
