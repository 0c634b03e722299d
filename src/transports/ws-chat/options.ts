/** Options of the ws-chat adapter, each with its default, and what each generation can do. */
import type { Backoff } from '../../core/backoff';
import type { KeyValueStore } from '../../core/storage';
import type { Capabilities } from '../types';
import type { Channel, Generation } from './protocol';

export interface WsChatOptions {
  /** Backend base URL (`data-server`). */
  server: string;
  name: string;
  channel: Channel;
  /**
   * Which generation the server speaks (`data-protocol`). `auto` (default): envelope when the token
   * answer carries a `sessionId`, or when the server answers a flat frame with INVALID_FORMAT; flat
   * otherwise. The finding is remembered per backend.
   */
  protocol?: Generation | 'auto';
  /** Fixed visitor id (e.g. a phone number for SMS); by default a random `web_<uuid>` kept in storage. */
  channelId?: string;
  /** Verified identity: the user id, and its HMAC-SHA256 from the site's backend (README). */
  userId?: string;
  userHash?: string;
  /** Sent with the token call (envelope generation) when given. */
  email?: string;
  phone?: string;
  /** Sent with the token call; read when the token is requested (the object, not a copy). */
  metadata?: Record<string, string>;
  storage: KeyValueStore;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  backoff?: Backoff;
  /**
   * How long a confirmation may take before the link counts as dead (default 8000): the echo of a
   * flat server known to echo, or the answer to an envelope `ping`.
   */
  watchdogMs?: number;
  /** Period of the envelope generation's keep-alive `ping` (default 25000). */
  pingIntervalMs?: number;
  /** Period of the sleep-detection timer (default 5000); a gap of 3 periods means the machine slept. */
  tickMs?: number;
}

const BASE: Capabilities = {
  uploads: false,
  typingIn: false,
  typingOut: false,
  readReceipts: false,
  deliveryConfirmation: true,
  answers: false,
  resume: true,
  operators: false,
};

/** What the UI may offer, per generation: only the current server takes files, types and hands over. */
export const CAPABILITIES: Record<Generation, Capabilities> = {
  flat: BASE,
  envelope: { ...BASE, uploads: {}, typingIn: true, operators: true },
};
