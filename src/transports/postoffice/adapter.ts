/**
 * The `postoffice` adapter: the visitor is a mailbox on a GO-POSTOFFICE router, the bot is another.
 * One WebSocket `?clientID=&startTime=&token=`; visitor messages go `to` the bot, and what comes
 * back addressed to the visitor is shown. The router confirms nothing and stores nothing, so:
 * - liveness is a heartbeat to our own mailbox (liveness.ts), every 25 s and after each message;
 * - a bot's reply naming a message in `inReplyTo` is the only receipt: it marks that message read;
 * - the router keeps one connection per mailbox and drops the older one when the same mailbox
 *   connects again. A takeover looks like any abrupt close, so we reconnect at once; when two such
 *   reconnects in a row are dropped the same way within `evictionWindowMs`, before the router sent
 *   them a single frame, someone else holds the mailbox (another tab or device) and we report
 *   `evicted` instead of fighting over it. One is not enough: a lost network followed by a router
 *   restart also drops a fresh reconnect, but then the next attempt is refused (the router is
 *   down), which clears the count. A connection that carried a frame (a heartbeat echo, a reply)
 *   was in use: a takeover cuts a reconnect within the other holder's own reconnect, too soon for
 *   that, while a flaky network may drop a chatting visitor twice within seconds.
 */
import type { Backoff } from '../../core/backoff';
import { notConnected, TransportError, toTransportError } from '../../core/errors';
import { randomId } from '../../core/ids';
import { log } from '../../core/log';
import type { KeyValueStore } from '../../core/storage';
import type { OutgoingMessage, SendReceipt } from '../../core/types';
import { TransportBase } from '../base';
import { closeQuietly } from '../close-quietly';
import { Reconnector } from '../reconnector';
import type { Capabilities, Transport } from '../types';
import { Liveness } from './liveness';
import {
  type Addressing,
  decodeFrame,
  encodeHeartbeat,
  encodeMessage,
  handshakeStatus,
  socketUrl,
} from './protocol';
import { TokenSource } from './token';

export interface PostofficeOptions {
  /** The router's socket endpoint, ws(s) or http(s) (`data-server`). */
  server: string;
  /** The bot's or service's mailbox (`data-to`). */
  to: string;
  /** `subject` of every message (`data-subject`, default `chat`). */
  subject?: string;
  /** The visitor's mailbox (`data-client-id`); by default a `web_<uuid>` kept in storage. */
  clientId?: string;
  /** The site's token endpoint answering `{token, expires}` (`data-token-url`); none: no token. */
  tokenUrl?: string;
  storage: KeyValueStore;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  backoff?: Backoff;
  /** Heartbeat period (default 25000, as the router's own demo). */
  heartbeatMs?: number;
  /** How long a heartbeat echo may take before the link counts as dead (default 10000). */
  echoTimeoutMs?: number;
  /** Refresh the token this long before it expires (default 60000). */
  tokenMarginMs?: number;
  /** A reconnect dropped abruptly within this time means another holder of the mailbox (default 5000). */
  evictionWindowMs?: number;
}

const CAPABILITIES: Capabilities = {
  uploads: false,
  typingIn: false,
  typingOut: false,
  readReceipts: true,
  deliveryConfirmation: false,
  answers: true,
  resume: true,
  operators: false,
};

export class PostofficeAdapter extends TransportBase implements Transport {
  readonly kind = 'postoffice';
  readonly capabilities = CAPABILITIES;
  /** The visitor's mailbox (a new one after `forget()`, unless the site names it). */
  clientId: string;
  readonly tokens: TokenSource | null;
  private addressing: Addressing;
  private readonly reconnector: Reconnector;
  private socket: WebSocket | null = null;
  private live: Liveness | null = null;
  private wanted = false;
  /** Bumped by every open() and disconnect(), so a late token answer cannot open a stale socket. */
  private attempt = 0;
  private lastStartTime = 0;
  /** Handshakes refused in a row. */
  private refusals = 0;
  /** The next connection is the immediate retry after an abrupt close. */
  private afterAbrupt = false;
  /** Reconnects in a row, each made at once after an abrupt close, dropped within the eviction window. */
  private quickDrops = 0;
  /** Client ids we sent, so `inReplyTo` marks only our messages (bounded). */
  private readonly sent = new Set<string>();
  /** Tells our heartbeat echoes apart from an earlier page load's on the same mailbox. */
  private readonly heartbeatPrefix = `hb-${randomId()}`;

  constructor(private readonly options: PostofficeOptions) {
    super();
    this.reconnector = new Reconnector({
      attempt: () => void this.open(),
      // A socket that looks open after the machine slept is usually dead: replace it now.
      onSleep: () => {
        if (this.socket) this.dropLink('sleep');
      },
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.clientId = options.clientId ?? this.storedClientId();
    this.addressing = { me: this.clientId, to: options.to, subject: options.subject ?? 'chat' };
    this.tokens = options.tokenUrl
      ? new TokenSource({
          url: options.tokenUrl,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.tokenMarginMs === undefined ? {} : { marginMs: options.tokenMarginMs }),
        })
      : null;
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
    this.attempt += 1;
    this.reconnector.stop();
    this.tokens?.stop();
    this.closeSocket();
    this.setStatus({ status: 'disconnected' });
  }

  /**
   * Writes the message, then resolves once a heartbeat written after it came back: the router has
   * handled the message (delivered it, or dropped it if the bot is offline: it never says which).
   */
  send(message: OutgoingMessage): Promise<SendReceipt> {
    const ws = this.socket;
    const live = this.live;
    if (ws?.readyState !== 1 || !live) return Promise.reject(notConnected());
    const at = Date.now();
    ws.send(encodeMessage(message, this.addressing, at));
    this.sent.add(message.clientId);
    if (this.sent.size > 500) this.sent.delete(this.sent.values().next().value as string);
    return live.probe().then(
      () => ({ at, confirmed: false }),
      () => Promise.reject(new TransportError('disconnected', 'The link dropped before the router took it')),
    );
  }

  // ---- connection ----

  private async open(): Promise<void> {
    // One socket at a time: wake-up events and retries may ask again while one is open or opening.
    if (!this.wanted || this.socket) return;
    const attempt = ++this.attempt;
    const first =
      this.currentStatus === 'idle' ||
      this.currentStatus === 'disconnected' ||
      this.currentStatus === 'failed';
    if (this.currentStatus !== 'reconnecting' || first) {
      this.setStatus({
        status: first && !this.reconnector.attempts && !this.refusals ? 'connecting' : 'reconnecting',
      });
    }
    let token: string | undefined;
    if (this.tokens) {
      try {
        token = await this.tokens.get();
      } catch (err) {
        if (attempt !== this.attempt) return;
        const e = toTransportError(err);
        return e.fatal ? this.fail(e) : this.scheduleReconnect('network');
      }
      if (attempt !== this.attempt) return;
    }
    // Strictly larger than any startTime we used: the router refuses (409) anything not larger
    // than what it recorded for this mailbox, and it keeps that record after a clean close.
    const startTime = Math.max(Date.now(), this.lastStartTime + 1);
    this.lastStartTime = startTime;
    const fresh = this.afterAbrupt;
    this.afterAbrupt = false;
    if (!fresh) this.quickDrops = 0; // after a refusal or a backoff: the run of quick drops is over
    const Ctor = this.options.WebSocket ?? globalThis.WebSocket;
    const ws = new Ctor(socketUrl(this.options.server, this.clientId, startTime, token));
    this.socket = ws;
    let openedAt = 0;
    /** The router sent something on this connection: it was in use, not cut by a takeover. */
    let carried = false;
    let status: number | undefined;
    ws.onopen = () => {
      openedAt = Date.now();
      this.refusals = 0;
      this.reconnector.succeeded();
      this.live = new Liveness(this.heartbeatPrefix, {
        send: (id) => ws.send(encodeHeartbeat(this.clientId, id, Date.now())),
        onDead: () => this.onSilent(ws),
        periodMs: this.options.heartbeatMs ?? 25_000,
        timeoutMs: this.options.echoTimeoutMs ?? 10_000,
      });
      this.live.start();
      this.setStatus({ status: 'connected' });
    };
    ws.onmessage = (ev: MessageEvent) => {
      carried = true;
      this.onFrame(ev.data);
    };
    ws.onerror = (ev: Event) => {
      status = handshakeStatus(ev);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.socket !== ws) return;
      this.closeSocket();
      if (!this.wanted) return;
      if (!openedAt) {
        // A refusal retried at once continues the run of quick reconnects: the other holder of the
        // mailbox answers our takeover with a larger startTime, so a fight is evictions and 409s in
        // turn, and counting a 409 as the end of the run made it endless (6,937 evictions in 20 s).
        // Only a reconnect after a backoff ends the run (the router is down, not taken).
        this.afterAbrupt = fresh;
        return this.onRefused(status);
      }
      if (ev.code !== 1006) return this.scheduleReconnect('server-close');
      // No close frame: a network loss, a router restart, or the router dropping us because the
      // same mailbox connected again.
      const quick = fresh && !carried && Date.now() - openedAt < (this.options.evictionWindowMs ?? 5000);
      this.quickDrops = quick ? this.quickDrops + 1 : 0;
      if (this.quickDrops >= 2) return this.onEvicted();
      this.afterAbrupt = true;
      void this.open();
    };
  }

  /**
   * A refused handshake. Node's `ws` tells the HTTP status; browsers hide it, so there an unknown
   * refusal is handled as the likeliest fixable one, a 409 (and the token is fetched anew, in case
   * the router no longer takes it).
   */
  private onRefused(status: number | undefined): void {
    this.refusals += 1;
    if (status === 400) {
      log.error('the router refused the connection (HTTP 400: no clientID); check data-client-id');
      this.fail(new TransportError('refused', 'The chat server refused the connection', { status }));
    } else if (status === 503) {
      log.warn('the router is at its connection limit (HTTP 503); trying again later');
      this.events.emit('error', new TransportError('network', 'The chat server is full', { status }));
      this.scheduleReconnect('server-full');
    } else if ((status === 401 || status === 403) && this.refusals > 1) {
      log.error(`the router refused a fresh token (HTTP ${status}); check data-token-url`);
      this.fail(new TransportError('auth', 'The chat server refused the token', { status }));
    } else if (this.refusals <= 3) {
      // 409: the router recorded a larger startTime for this mailbox (another device whose clock is
      // ahead, or our clock went back). Go again at once, 2, 4, 8 s further ahead.
      if (this.refusals === 1) this.tokens?.invalidate();
      this.lastStartTime = Math.max(this.lastStartTime, Date.now()) + 1000 * 2 ** this.refusals;
      void this.open();
    } else {
      if (this.refusals === 4)
        log.warn(
          `cannot open the router socket (${status ? `HTTP ${status}` : 'unreachable, or refused: 400, 409, 503'})`,
        );
      this.scheduleReconnect(status === 409 ? 'conflict' : 'network');
    }
  }

  private onEvicted(): void {
    log.warn('this chat mailbox was opened again elsewhere (another tab or device); leaving it there');
    this.fail(new TransportError('evicted', 'The chat was opened in another window', { retryable: false }));
  }

  private onSilent(ws: WebSocket): void {
    if (this.socket !== ws) return;
    log.warn('no heartbeat echo from the router in time; reconnecting');
    this.dropLink('silent');
  }

  /** The link is presumed dead: replace it (what waited on it goes again after the reconnect). */
  private dropLink(reason: string): void {
    this.closeSocket();
    this.scheduleReconnect(reason);
  }

  private fail(error: TransportError): void {
    this.wanted = false;
    this.reconnector.stop();
    this.tokens?.stop();
    this.events.emit('error', error);
    this.setStatus({ status: 'failed', reason: error.code });
  }

  private scheduleReconnect(reason: string): void {
    if (!this.wanted) return;
    this.afterAbrupt = false;
    this.setStatus({ status: 'reconnecting', reason, retryInMs: this.reconnector.schedule() });
  }

  /** Detaches and closes the current socket; what waited on it fails as `disconnected`. */
  private closeSocket(): void {
    const ws = this.socket;
    this.socket = null;
    this.live?.stop();
    this.live = null;
    if (!ws) return;
    closeQuietly(ws);
  }

  // ---- frames ----

  private onFrame(raw: unknown): void {
    const frame = decodeFrame(raw, this.clientId);
    if (!frame) return;
    if (frame.kind === 'echo') {
      this.live?.echo(frame.id);
      return;
    }
    this.events.emit('message', frame.message);
    if (frame.inReplyTo && this.sent.has(frame.inReplyTo))
      this.events.emit('read', { messageId: frame.inReplyTo });
  }

  /**
   * Logout: close, and forget the token and what was sent; a mailbox of our own making is dropped
   * for a new one (one the site set with `data-client-id` names its user and stays).
   */
  forget(): void {
    this.disconnect();
    this.tokens?.invalidate();
    this.sent.clear();
    if (this.options.clientId) return;
    this.options.storage.remove('clientId');
    this.clientId = this.storedClientId();
    this.addressing = { ...this.addressing, me: this.clientId };
  }

  private storedClientId(): string {
    let id = this.options.storage.get('clientId');
    if (!id || !/^[\w:/.@-]{1,200}$/.test(id)) {
      id = `web_${randomId()}`;
      this.options.storage.set('clientId', id);
    }
    return id;
  }
}

export const createPostofficeAdapter = (options: PostofficeOptions) => new PostofficeAdapter(options);
