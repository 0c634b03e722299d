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
}
