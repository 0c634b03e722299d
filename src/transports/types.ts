/**
 * The adapter contract. An adapter streams: it keeps no history, owns its socket and its
 * reconnection (with `core/backoff`), turns wire frames into domain objects in its own
 * `protocol.ts`, and reports what it can do through `capabilities`. The store owns everything
 * the visitor sees: the outbox, send states, timeouts and persistence of the conversation.
 */
import type {
  IncomingMessage,
  OperatorChange,
  OutgoingMessage,
  SendReceipt,
  StatusChange,
  TransportError,
  TypingChange,
} from '../core/types';

export interface Capabilities {
  /**
   * Upload limits, or false when the backend takes no files. `onRequest`: only when a message asked
   * for one (`IncomingMessage.uploadRequest`); the attach button shows only then.
   */
  uploads: false | { maxBytes?: number; accept?: string[]; onRequest?: boolean };
  /** The backend tells when the other side types. */
  typingIn: boolean;
  /** The backend accepts the visitor's typing state. */
  typingOut: boolean;
  /** The backend reports when the other side read the visitor's messages. */
  readReceipts: boolean;
  /** `send` resolves only when the backend confirmed the message. */
  deliveryConfirmation: boolean;
  /** Messages may offer answer buttons. */
  answers: boolean;
  /** A reload resumes the same conversation. */
  resume: boolean;
  /** Operators can join and change. */
  operators: boolean;
}

export interface TransportEvents {
  status: StatusChange;
  message: IncomingMessage;
  /** A message already delivered changed (text edited, streaming chunk). Same `id`. */
  messageUpdated: IncomingMessage;
  typing: TypingChange;
  /** The other side read the visitor's message with this server id (or client id). */
  read: { messageId: string };
  operator: OperatorChange;
  /** The backend ended the conversation; the UI offers to start a new one. */
  sessionEnded: { reason: string };
  error: TransportError;
}

/**
 * Where `loadOlder` starts: the oldest message from the backend that the store holds (its server
 * id and the server's own time).
 */
export interface OlderCursor {
  id: string;
  at: number;
  /**
   * How many messages the caller holds after this one: where an offset-paged history may start
   * looking for it (a hint; the adapter must cope with a wrong one).
   */
  newer?: number;
}

/** A page of history before a cursor, oldest first. */
export interface OlderPage {
  messages: IncomingMessage[];
  /** The backend has messages older than these (false: this is the beginning of the conversation). */
  more: boolean;
}

export interface UploadOptions {
  signal?: AbortSignal;
  onProgress?: (loaded: number, total: number) => void;
}

export interface UploadResult {
  id: string;
  name: string;
  url?: string;
  contentType?: string;
  size?: number;
}

export interface Transport {
  readonly kind: string;
  readonly capabilities: Capabilities;
  /** Start connecting (idempotent). Status events report progress. */
  connect(): void;
  /** Close and stop reconnecting (idempotent). */
  disconnect(): void;
  /**
   * Send one message. Resolves when the backend accepted it (confirmed where it can), rejects
   * with a `TransportError` when it refused it. Called only while `connected`; the store queues
   * otherwise. It must be safe to call again with the same `clientId` after a reconnect.
   */
  send(message: OutgoingMessage): Promise<SendReceipt>;
  on<K extends keyof TransportEvents>(event: K, fn: (value: TransportEvents[K]) => void): () => void;
  upload?(file: Blob & { name?: string }, options?: UploadOptions): Promise<UploadResult>;
  /** Forget the session so the next `connect` starts a new conversation (after `sessionEnded`). */
  reset?(): void;
  /**
   * Logout: close the link and forget everything kept for this visitor, in memory and in storage
   * (token, session, conversation and channel ids). The next `connect` starts as a new visitor.
   */
  forget?(): void;
  /**
   * Ask the backend to answer again from this answer of the bot's (the visitor's "Regenerate").
   * Returns false when it cannot now (not connected, an id the backend never confirmed).
   */
  regenerate?(messageId: string): boolean;
  /**
   * Only where the backend keeps a history it can page back through: the messages before `before`
   * (null: the newest page), oldest first, never `before` itself. Each call brings messages the
   * previous one did not, or says `more: false`, so a caller paging with the oldest message of each
   * answer reaches the first message of the conversation. Rejects with a `TransportError` when the
   * history cannot be read now (no session yet, network); works while disconnected when it can.
   */
  loadOlder?(before: OlderCursor | null): Promise<OlderPage>;
  /**
   * Where `loadOlder`'s code loads on demand: load it now, ahead of its first use (the store calls
   * this at a quiet moment once the panel of a resumed conversation opened). Never fails loudly.
   */
  prefetchOlder?(): void;
}
