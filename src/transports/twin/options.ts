/** Options of `createTwinAdapter`, each with its default. */
import type { BackoffOptions } from '../../core/backoff';
import type { KeyValueStore } from '../../core/storage';
import type { WebSocketCtor } from '../socketio';
import type { Capabilities } from '../types';
import type { FetchLike } from './http';

export interface TwinOptions {
  /** API base of sessions, files and the socket, e.g. `https://tcl.twin24.ai`. */
  server: string;
  /** API base of sending messages (`https://chats-api.twin24.ai` in production). Default: `server`. */
  messagesServer?: string;
  chatId: string;
  /** Default `/operator/socket.io/`. */
  socketPath?: string;
  /** Engine.IO generation of the backend. Default 3 (what TWIN documents). */
  eio?: 3 | 4;
  /** Session name shown in TWIN's dashboard. Default `Parley visitor`. */
  name?: string;
  clientExternalId?: string;
  /** HMAC-SHA256 of `clientExternalId` from the site's backend (verified identity, README). */
  userHash?: string;
  /** Bot variables. */
  clientMetadata?: Record<string, string>;
  /** Already namespaced by the caller. */
  storage: KeyValueStore;
  fetch?: FetchLike;
  WebSocket?: WebSocketCtor;
  /** Event that carries operator assigned / changed notices. Default `chatMessageCreatedEmit` (see protocol.ts). */
  operatorEvent?: string;
  now?: () => number;
  /** Reconnection delays (socket and session start). Default 1 s start, 30 s cap, jitter. */
  backoff?: BackoffOptions;
  /** Period of the sleep-detection timer (default 5000; see transports/reconnector.ts). */
  tickMs?: number;
}

/** Everything but the visitor's typing, which TWIN has no call for. */
export const TWIN_CAPABILITIES: Capabilities = {
  uploads: {},
  typingIn: true,
  typingOut: false,
  readReceipts: true,
  deliveryConfirmation: true,
  answers: true,
  resume: true,
  operators: true,
};
