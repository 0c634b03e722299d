/**
 * The TWIN adapter (seed 002): start or resume a session over REST, receive over Socket.IO
 * (our websocket-only client, EIO 3 by default as TWIN documents python-socketio 4 / engineio 3),
 * send and upload over REST, and acknowledge every received message exactly once.
 */
import { Backoff, type BackoffOptions } from '../../core/backoff';
import { log } from '../../core/log';
import type { KeyValueStore } from '../../core/storage';
import type { OutgoingMessage, SendReceipt, TransportError, TypingChange } from '../../core/types';
import { TransportBase } from '../base';
import { type ConnectError, SocketIoClient, type WebSocketCtor } from '../socketio';
import type { Capabilities, Transport, UploadOptions, UploadResult } from '../types';
import { type FetchLike, post, uploadForm } from './http';
import * as wire from './protocol';
import { expiresAt, SessionStore, type StoredSession } from './session-store';

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
  /** A typing indicator with no follow-up ends after this. Default 6000 ms. */
  typingTimeoutMs?: number;
}

const MAX_REMEMBERED = 200;
const LINGER_MS = 1000;

class TwinTransport extends TransportBase implements Transport {
  readonly kind = 'twin';
  readonly capabilities: Capabilities = {
    uploads: {},
    typingIn: true,
    typingOut: false,
    readReceipts: true,
    deliveryConfirmation: true,
    answers: true,
    resume: true,
    operators: true,
  };
  private readonly store: SessionStore;
  private readonly backoff: Backoff;
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  private session: StoredSession | null = null;
  /** True when this session came from storage and has not connected yet (a refusal means it expired). */
  private resumed = false;
  private starting: Promise<StoredSession> | null = null;
  private socket: SocketIoClient | null = null;
  /** Wants a live socket now (false after disconnect(), a fatal error or the session's end). */
  private active = false;
  /**
   * Set by disconnect() (and before the first connect()), cleared by connect(): send() refuses
   * while the caller keeps the adapter closed, but starts a new session after TERMINAL or expiry.
   */
  private closedByCaller = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typing: TypingChange | null = null;
  /** clientId → the send in flight or done, so a repeated send() never posts twice. */
  private readonly sends = new Map<string, Promise<SendReceipt>>();
  /** Server id → clientId of the visitor's messages, to mark their echoes. */
  private readonly echoes = new Map<string, string>();

  constructor(private readonly opts: TwinOptions) {
    super();
    this.store = new SessionStore(opts.storage);
    this.backoff = new Backoff(opts.backoff);
    this.fetchFn = opts.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.now = opts.now ?? Date.now;
  }

  connect(): void {
    this.closedByCaller = false;
    if (this.active) return;
    this.active = true;
    this.setStatus({ status: 'connecting' });
    void this.open();
  }

  disconnect(): void {
    this.closedByCaller = true;
    const wasActive = this.active;
    this.active = false;
    clearTimeout(this.retryTimer);
    this.closeSocket();
    if (wasActive) this.setStatus({ status: 'disconnected', reason: 'client' });
  }

  reset(): void {
    const closed = this.closedByCaller;
    this.disconnect();
    this.closedByCaller = closed; // the next send() may start the new session, as connect() would
    this.forgetSession();
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const known = this.sends.get(message.clientId);
    if (known) return known;
    if (this.closedByCaller) return Promise.reject(fail('disconnected', 'not connected'));
    const sending = this.post(message);
    remember(this.sends, message.clientId, sending);
    sending.catch(() => this.sends.delete(message.clientId)); // a refused send may be retried
    return sending;
  }

  async upload(file: Blob & { name?: string }, options?: UploadOptions): Promise<UploadResult> {
    const raw = await uploadForm(
      this.fetchFn,
      `${this.opts.server}/api/chats/v1/files?x_widget=1`,
      file,
      options,
    );
    const result = wire.decodeUpload(raw, this.opts.server);
    if (!result) throw fail('bad-response', 'unreadable upload answer');
    return result;
  }

  private async post(message: OutgoingMessage): Promise<SendReceipt> {
    // After TERMINAL or expiry there is no session: the visitor writing again starts one.
    const session = await this.ensureSession();
    if (!this.socket) {
      this.active = true;
      this.setStatus({ status: 'connecting' });
      this.openSocket(session);
    }
    const base = this.opts.messagesServer ?? this.opts.server;
    const url = `${base}/api/v1/sessions/${encodeURIComponent(session.id)}/messages`;
    let raw: unknown;
    try {
      raw = await post(this.fetchFn, url, wire.encodeSend(message));
    } catch (err) {
      const e = err as TransportError;
      // The server no longer knows the session: end it here too; a retry starts a new one.
      if (e.code === 'not-found' && this.session?.id === session.id) this.endSession('expired');
      throw e.code === 'not-found' ? fail('session-ended', e.message) : e;
    }
    const receipt = wire.decodeSendReceipt(raw, this.now());
    if (!receipt) throw fail('bad-response', 'unreadable send answer');
    remember(this.echoes, receipt.id, message.clientId);
    return { id: receipt.id, at: receipt.at, confirmed: true };
  }

  /** From connect() and its retries. The caller's wish decides: a session that expired on the way
   * (endSession clears `active`) is replaced and the new one connects. */
  private async open(): Promise<void> {
    try {
      const session = await this.ensureSession();
      if (this.closedByCaller || this.socket) return;
      this.active = true;
      this.openSocket(session);
    } catch (err) {
      const e = err as TransportError;
      if (this.closedByCaller) return;
      if (e.fatal) {
        // Only what retrying cannot fix is an error for the UI; the rest is `reconnecting`.
        this.events.emit('error', e);
        this.active = false;
        this.setStatus({ status: 'failed', reason: e.code === 'not-found' ? 'chat-not-found' : e.code });
        return;
      }
      const delay = this.backoff.next();
      this.setStatus({ status: 'reconnecting', reason: e.code, retryInMs: delay });
      this.retryTimer = setTimeout(() => void this.open(), delay);
    }
  }

  /** The live session, the stored one while its ttl lasts, or a new one (one start at a time). */
  private ensureSession(): Promise<StoredSession> {
    const now = this.now();
    if (this.session && expiresAt(this.session) <= now) this.endSession('expired');
    if (this.session) return Promise.resolve(this.session);
    const stored = this.store.load();
    if (stored && expiresAt(stored) > now) {
      this.adopt(stored, true);
      return Promise.resolve(stored);
    }
    this.starting ??= this.startSession().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startSession(): Promise<StoredSession> {
    const { server, chatId, name, clientExternalId, clientMetadata } = this.opts;
    const url = `${server}/api/chats/v1/chats/${encodeURIComponent(chatId)}/sessions?x_widget=1`;
    const raw = await post(
      this.fetchFn,
      url,
      wire.encodeSessionStart(name ?? 'Parley visitor', clientExternalId, clientMetadata),
    );
    const started = wire.decodeSession(raw, this.now(), server);
    if (!started) throw fail('bad-response', 'unreadable session answer');
    const session: StoredSession = { id: started.id, startedAt: this.now(), ttl: started.ttlSeconds };
    this.store.forget();
    this.store.save(session);
    this.adopt(session, false);
    // The greeting arrives in this answer, before any socket event.
    for (const message of started.messages) this.events.emit('message', message);
    return session;
  }

  private adopt(session: StoredSession, resumed: boolean): void {
    this.session = session;
    this.resumed = resumed;
  }

  private openSocket(session: StoredSession): void {
    const { opts } = this;
    const socket = new SocketIoClient({
      url: opts.server,
      path: opts.socketPath ?? '/operator/socket.io/',
      query: { key: session.id },
      eio: opts.eio ?? 3,
      ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    this.socket = socket;
    // While live, the session ends on time by itself; otherwise ensureSession() checks the ttl.
    const left = Math.min(expiresAt(session) - this.now(), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      if (this.session === session) this.endSession('expired');
    }, left);
    // A socket we let go of (see closeSocket) may still report: only the current one counts.
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.socket === socket) fn(...args);
      };
    socket.on(
      'connect',
      mine(() => {
        this.resumed = false;
        this.backoff.reset();
        this.setStatus({ status: 'connected' });
      }),
    );
    socket.on(
      'reconnect_attempt',
      mine(({ delayMs }) =>
        this.setStatus({ status: 'reconnecting', reason: 'network', retryInMs: delayMs }),
      ),
    );
    socket.on(
      'connect_error',
      mine((e) => this.onRefused(e)),
    );
    const operatorEvent = opts.operatorEvent ?? wire.DEFAULT_OPERATOR_EVENT;
    socket.onEvent(wire.EVENTS.message, mine(this.onPayload.bind(this)));
    if (operatorEvent !== wire.EVENTS.message) socket.onEvent(operatorEvent, mine(this.onPayload.bind(this)));
    socket.onEvent(
      wire.EVENTS.typing,
      mine((raw) => this.startTyping(wire.decodeTyping(raw))),
    );
    socket.onEvent(
      wire.EVENTS.read,
      mine((raw) => {
        const read = wire.decodeRead(raw);
        if (read) this.events.emit('read', read);
      }),
    );
    socket.onEvent(
      wire.EVENTS.operatorStatus,
      mine((raw) => {
        // No domain event carries presence: a logged-out operator just stops "typing".
        const status = wire.decodeOperatorStatus(raw);
        if (status?.loggedOut && this.typing?.author.kind === 'operator') this.stopTyping();
        if (status) log.debug(`twin: operator ${status.loggedOut ? 'logged out' : `is ${status.status}`}`);
      }),
    );
    socket.connect();
  }

  private onRefused(e: ConnectError): void {
    if (!e.fatal) return; // a failed attempt: the socket retries and reports reconnect_attempt
    if (e.code === 'refused' && this.resumed) {
      // A stored session the server no longer knows: it expired there.
      this.endSession('expired');
      return;
    }
    this.active = false;
    this.closeSocket();
    this.events.emit('error', fail(e.code === 'refused' ? 'refused' : 'config', e.message, true));
    this.setStatus({ status: 'failed', reason: e.code === 'refused' ? 'refused' : 'config' });
  }

  /** A `chatMessageCreatedEmit` (or operator event) payload: acknowledge once, emit once. */
  private onPayload(raw: unknown): void {
    const session = this.session;
    if (!session) return;
    const id = wire.payloadId(raw);
    if (id !== undefined) {
      if (!this.store.firstSight(session.id, id)) return; // a redelivery: already shown and acknowledged
      this.socket?.emit(wire.EVENTS.received, wire.encodeReceived(id));
    }
    if (wire.isOperatorNotice(raw)) {
      const change = wire.decodeOperatorChange(raw, this.opts.server);
      if (change) this.events.emit('operator', change);
      return;
    }
    const message = wire.decodeMessage(raw, this.now(), this.opts.server);
    if (!message) return;
    const clientId = this.echoes.get(message.id);
    if (clientId) message.clientId = clientId;
    if (this.typing?.author.kind === message.author.kind) this.stopTyping();
    this.events.emit('message', message);
    if (message.kind === 'terminal') this.endSession('terminal');
  }

  private startTyping(change: TypingChange): void {
    this.typing = change;
    this.events.emit('typing', change);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), this.opts.typingTimeoutMs ?? 6000);
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typing) this.events.emit('typing', { on: false, author: this.typing.author });
    this.typing = null;
  }

  /** TERMINAL, expiry or a refused resume: tell the UI, forget the session, close the socket. */
  private endSession(reason: 'terminal' | 'expired'): void {
    this.active = false;
    this.closeSocket(true);
    this.forgetSession();
    this.events.emit('sessionEnded', { reason });
    this.setStatus({ status: 'disconnected', reason: 'session-ended' });
  }

  private forgetSession(): void {
    this.store.forget();
    this.session = null;
  }

  /**
   * `linger`: close a moment later. Socket.IO 2.x servers dispatch an event on the next tick and
   * drop it when its socket closed meanwhile, so closing right after acknowledging the TERMINAL
   * message lost that acknowledgement (measured against socket.io 2.5.1). The socket is already
   * detached: nothing it receives in that moment reaches the UI.
   */
  private closeSocket(linger = false): void {
    clearTimeout(this.expiryTimer);
    this.stopTyping();
    const socket = this.socket;
    this.socket = null;
    if (linger) setTimeout(() => socket?.disconnect(), LINGER_MS);
    else socket?.disconnect();
  }
}

function fail(code: string, message: string, fatal = false): TransportError {
  return { code, message, fatal };
}

/** Map insertion with the oldest entries dropped beyond MAX_REMEMBERED. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value ?? '');
}

export function createTwinAdapter(options: TwinOptions): Transport {
  return new TwinTransport(options);
}
