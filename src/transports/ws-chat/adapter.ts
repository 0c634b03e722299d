/**
 * The `ws-chat` adapter: a customer token over REST, then one WebSocket at `/ws/chat?token=`.
 *
 * Liveness: browsers cannot see WebSocket pings, and the seed protocol has no app-level ping, so a
 * dead link is found three ways (see TRANSPORTS.md):
 * 1. confirmation watchdog: once the server is known to echo `clientMessageId`, a message not
 *    echoed within `watchdogMs` on an "open" socket means the link is dead: close and reconnect
 *    (the store re-sends, the echo dedupes). A server known not to echo gets `confirmed: false` as
 *    soon as the frame is written (only the first message to a new backend waits to learn it);
 * 2. sleep detection and 3. the browser's `online` event / the tab becoming visible come from the
 *    shared `Reconnector`, which also owns the backoff and every timer and listener.
 *
 * One socket at a time: `open()` is a no-op while a token request or a socket is under way, and
 * every handler ignores events of a socket this adapter no longer owns.
 */
import type { Backoff } from '../../core/backoff';
import { notConnected, TransportError, toTransportError } from '../../core/errors';
import { randomId } from '../../core/ids';
import { log } from '../../core/log';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';
import type { OutgoingMessage, SendReceipt } from '../../core/types';
import { TransportBase } from '../base';
import { Reconnector } from '../reconnector';
import type { Capabilities, Transport } from '../types';
import {
  AUTH_CLOSE_CODES,
  type Channel,
  decodeFrame,
  decodeHistory,
  decodeTokenResponse,
  encodeMessage,
  historyUrl,
  socketUrl,
  tokenUrl,
} from './protocol';

export interface WsChatOptions {
  /** Backend base URL (`data-server`). */
  server: string;
  name: string;
  channel: Channel;
  /** Fixed channel id (e.g. a phone number for SMS); by default a random `web_<uuid>` kept in storage. */
  channelId?: string;
  storage: KeyValueStore;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  backoff?: Backoff;
  /** How long an echo may take before the link counts as dead (default 8000). */
  watchdogMs?: number;
  /** Period of the sleep-detection timer (default 5000); a gap of 3 periods means the machine slept. */
  tickMs?: number;
}

interface Session {
  customerId: string;
  token: string;
  conversationId?: string;
}

interface PendingSend {
  resolve: (r: SendReceipt) => void;
  reject: (e: TransportError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const CAPABILITIES: Capabilities = {
  uploads: false,
  typingIn: false,
  typingOut: false,
  readReceipts: false,
  deliveryConfirmation: true,
  answers: false,
  resume: true,
  operators: false,
};

export class WsChatAdapter extends TransportBase implements Transport {
  readonly kind = 'ws-chat';
  readonly capabilities = CAPABILITIES;
  private socket: WebSocket | null = null;
  private session: Session | null;
  private readonly reconnector: Reconnector;
  private readonly pending = new Map<string, PendingSend>();
  private wanted = false;
  /** A token request is under way (the socket does not exist yet). */
  private opening = false;
  /** A fresh token was already tried after a refusal; the next refusal is final. */
  private refreshedToken = false;

  constructor(private readonly options: WsChatOptions) {
    super();
    this.reconnector = new Reconnector({
      attempt: () => void this.open(),
      onSleep: () => {
        if (!this.socket) return;
        log.warn('the machine slept; replacing the connection');
        this.closeSocket(4000, 'slept');
        this.scheduleReconnect('sleep');
      },
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    });
    this.session = this.loadSession();
  }

  connect(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.reconnector.start();
    void this.open();
  }

  disconnect(): void {
    if (!this.wanted && this.currentStatus !== 'connected') return;
    this.wanted = false;
    this.reconnector.stop();
    this.closeSocket(1000, 'bye');
    this.setStatus({ status: 'disconnected' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const ws = this.socket;
    const session = this.session;
    if (ws?.readyState !== 1 || !session) {
      return Promise.reject(notConnected());
    }
    ws.send(encodeMessage(message, session.customerId, session.conversationId));
    const watchdogMs = this.options.watchdogMs ?? 8000;
    const echoes = this.options.storage.get('echoes');
    // Known not to echo (the seed never promises it): written is the best confirmation we get, now.
    if (echoes === 'no') return Promise.resolve({ confirmed: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.clientId);
        if (this.socket !== ws) return;
        if (echoes === 'yes') {
          // This server always echoed: silence means the link is dead even if the socket says open.
          log.warn('no echo from the server in time; reconnecting');
          reject(new TransportError('disconnected', 'Link silent'));
          this.closeSocket(4000, 'silent link');
          this.scheduleReconnect('silent');
        } else {
          // The first message to a new backend: no echo while the link stayed up means it never
          // echoes. Learnt once; later sends resolve as soon as they are written.
          this.options.storage.set('echoes', 'no');
          resolve({ confirmed: false });
        }
      }, watchdogMs);
      this.pending.set(message.clientId, { resolve, reject, timer });
    });
  }

  /** Forgets the conversation (not the customer): the next message starts a new one. */
  reset(): void {
    if (this.session) {
      delete this.session.conversationId;
      this.saveSession();
    }
  }

  /** Logout: close, and forget the customer (token, conversation id) and the channel id. */
  forget(): void {
    this.disconnect();
    this.session = null;
    this.options.storage.remove('session');
    this.options.storage.remove('channelId');
  }

  // ---- connection ----

  private async open(): Promise<void> {
    // One attempt at a time: a wake-up, a retry and a reconnect may all ask for one.
    if (!this.wanted || this.opening || this.socket) return;
    this.reconnector.cancel();
    if (this.currentStatus !== 'connecting' && this.currentStatus !== 'reconnecting') {
      this.setStatus({ status: this.reconnector.attempts ? 'reconnecting' : 'connecting' });
    }
    let session = this.session;
    if (!session) {
      this.opening = true;
      try {
        session = await this.fetchToken();
      } catch (err) {
        const e = toTransportError(err);
        if (e.fatal) {
          this.fail(e);
          return;
        }
        this.scheduleReconnect('network');
        return;
      } finally {
        this.opening = false;
      }
      if (!this.wanted || this.socket) return;
    }
    const Ctor = this.options.WebSocket ?? globalThis.WebSocket;
    let opened = false;
    const ws = new Ctor(socketUrl(this.options.server, session.token));
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      opened = true;
      this.reconnector.succeeded();
      this.refreshedToken = false;
      this.setStatus({ status: 'connected' });
      void this.fillGap();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.socket === ws) this.onFrame(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.rejectPending();
      if (!this.wanted) return;
      // A refused handshake looks like a close before open (browsers hide the HTTP status).
      if (!opened || AUTH_CLOSE_CODES.has(ev.code)) {
        this.onRefused(ev.code, opened);
        return;
      }
      this.scheduleReconnect('server-close');
    };
    ws.onerror = () => {
      // `close` always follows; it decides what to do.
    };
  }

  private onRefused(code: number, opened: boolean): void {
    if (!this.refreshedToken) {
      // Tokens may expire on a production server: one fresh token, then give up.
      this.refreshedToken = true;
      this.session = null;
      this.options.storage.remove('session');
      void this.open();
      return;
    }
    // The token endpoint just answered and the fresh token was refused too: this is not a network
    // problem that waiting would fix. The visitor gets an error with a retry button.
    log.warn(
      `the server refused a fresh customer token (close ${code}${opened ? ' after open' : ' before open'})`,
    );
    this.fail(new TransportError('auth', 'The server refused the customer token'));
  }

  private fail(error: TransportError): void {
    this.wanted = false;
    this.reconnector.stop();
    this.closeSocket(1000, 'failed');
    this.events.emit('error', error);
    this.setStatus({ status: 'failed', reason: error.code });
  }

  private scheduleReconnect(reason: string): void {
    if (!this.wanted) return;
    const delay = this.reconnector.schedule();
    this.setStatus({ status: 'reconnecting', reason, retryInMs: delay });
  }

  private closeSocket(code: number, reason: string): void {
    const ws = this.socket;
    this.socket = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    this.rejectPending();
  }

  private rejectPending(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new TransportError('disconnected', 'Connection lost'));
      this.pending.delete(id);
    }
  }

  // ---- frames ----

  private onFrame(raw: unknown): void {
    const session = this.session;
    if (!session) return;
    const decoded = decodeFrame(raw, session.customerId);
    if (!decoded) return;
    if (decoded.conversationId && decoded.conversationId !== session.conversationId) {
      session.conversationId = decoded.conversationId;
      this.saveSession();
    }
    const { message } = decoded;
    if (message.clientId) {
      this.options.storage.set('echoes', 'yes');
      const p = this.pending.get(message.clientId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(message.clientId);
        p.resolve({ id: message.id, at: message.at, confirmed: true });
      }
    }
    this.events.emit('message', message);
  }

  /**
   * After (re)connecting to a known conversation, asks the server for its history so replies sent
   * while the socket was down still arrive. The store drops what it already shows (by id, and by
   * client id for the visitor's own messages). Servers without the call are remembered and skipped.
   */
  private async fillGap(): Promise<void> {
    const session = this.session;
    if (!session?.conversationId || this.options.storage.get('history') === 'no') return;
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    try {
      const res = await doFetch(historyUrl(this.options.server, session.conversationId), {
        headers: { Authorization: `Bearer ${session.token}` },
      });
      if (res.status === 404 || res.status === 405) {
        this.options.storage.set('history', 'no');
        return;
      }
      const frames = res.ok ? decodeHistory(await res.json(), session.customerId) : null;
      if (!frames || this.session !== session) return;
      for (const { message } of frames) this.events.emit('message', message);
    } catch {
      // Best effort: the live socket carries on without the gap filled.
    }
  }

  // ---- token and storage ----

  private async fetchToken(): Promise<Session> {
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await doFetch(tokenUrl(this.options.server), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: this.options.name,
          channel: this.options.channel,
          channelId: this.channelId(),
        }),
      });
    } catch {
      throw new TransportError('network', 'Could not reach the server');
    }
    const body: unknown = await res.json().catch(() => null);
    const token = res.ok ? decodeTokenResponse(body) : null;
    if (!token) {
      // 4xx: our request is wrong and will stay wrong; 5xx or garbage: try again later.
      const fatal = res.status >= 400 && res.status < 500;
      log.warn(`customer token request failed (HTTP ${res.status})`);
      throw new TransportError(fatal ? 'auth' : 'network', `Token request failed (HTTP ${res.status})`, {
        retryable: !fatal,
        status: res.status,
      });
    }
    const previous = this.session?.customerId === token.customerId ? this.session.conversationId : undefined;
    this.session = previous ? { ...token, conversationId: previous } : { ...token };
    this.saveSession();
    return this.session;
  }

  private channelId(): string {
    if (this.options.channelId) return this.options.channelId;
    let id = this.options.storage.get('channelId');
    if (!id) {
      id = `web_${randomId()}`;
      this.options.storage.set('channelId', id);
    }
    return id;
  }

  private loadSession(): Session | null {
    const s = readJson(this.options.storage, 'session') as Partial<Session> | null;
    if (!s || typeof s.customerId !== 'string' || typeof s.token !== 'string') return null;
    return typeof s.conversationId === 'string'
      ? { customerId: s.customerId, token: s.token, conversationId: s.conversationId }
      : { customerId: s.customerId, token: s.token };
  }

  private saveSession(): void {
    if (this.session) writeJson(this.options.storage, 'session', this.session);
  }
}

export const createWsChatAdapter = (options: WsChatOptions) => new WsChatAdapter(options);
