/**
 * The `nchan` adapter: a conversation is an nchan channel URL (`data-channel-path`, default
 * `/chat/{id}`) that nginx maps to a pair of channels (down to the widget, up to the bot) or, in seed
 * 004's layout, one channel both ways. See PROTOCOLS.md §5 and TRANSPORTS.md.
 *
 * - Receive: one WebSocket (`ws+meta.nchan`) or, when none can be opened, an EventSource; resume
 *   after any reconnect from the last message id (see `resumeId`), dropping repeats by message id.
 * - Send: the envelope on the socket, confirmed by the PONG that follows it (or by our echo or a
 *   reply naming it); in the fallback a POST, confirmed by its 201/202.
 * - Echoes: on a single channel every publication comes back to its publisher; the adapter skips the
 *   ones it published itself (by client id), and lets the store merge another tab's.
 * - A 403 from the authorize hook (or the token endpoint) is final; everything else retries.
 */
import { Backoff } from '../../core/backoff';
import { notConnected, TransportError, type TransportErrorCode } from '../../core/errors';
import { randomId } from '../../core/ids';
import { log } from '../../core/log';
import type { KeyValueStore } from '../../core/storage';
import type { OutgoingMessage, SendReceipt } from '../../core/types';
import { TransportBase } from '../base';
import { Reconnector } from '../reconnector';
import type { Capabilities, Transport } from '../types';
import { EventLink } from './event-link';
import {
  type ChannelQuery,
  channelUrl,
  decodeEnvelope,
  encodeMessage,
  type RawFrame,
  resumeId,
  socketUrl,
} from './protocol';
import { postFrame, probeChannel, requestToken } from './requests';
import { ResumeState } from './resume';
import { type Heartbeat, SocketLink } from './socket-link';

export interface NchanOptions {
  /** Base URL of nginx (`data-server`). */
  server: string;
  /** Channel path with `{id}` (`data-channel-path`, default `/chat/{id}`). */
  channelPath?: string;
  /** The site's token endpoint (`data-token-url`); without it the channel is opened without a token. */
  tokenUrl?: string;
  storage: KeyValueStore;
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
  fetch?: typeof fetch;
  backoff?: Backoff;
  /** Period of the PING keep-alive (default 10000). */
  pingMs?: number;
  /** A PING unanswered this long means a dead link (default 5000). */
  pongTimeoutMs?: number;
  /** Period of the sleep-detection timer (the reconnector's default when absent). */
  tickMs?: number;
}

interface Pending {
  /** Confirmed by the PONG with this number (0: nothing but an echo or a reply confirms it). */
  ping: number;
  resolve: (r: SendReceipt) => void;
  reject: (e: TransportError) => void;
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

/** Client ids of our own messages remembered to recognise their echoes. */
const MAX_OWN = 200;

export class NchanAdapter extends TransportBase implements Transport {
  readonly kind = 'nchan';
  readonly capabilities = CAPABILITIES;
  private readonly reconnector: Reconnector;
  private readonly resume: ResumeState;
  private conversationId: string;
  private link: SocketLink | EventLink | null = null;
  private token: string | undefined;
  /** The WebSocket could not be opened where HTTP could: use EventSource + POST from now on. */
  private fallback = false;
  private wanted = false;
  /** Bumped by every attempt and every close, so late callbacks of an old attempt do nothing. */
  private attempt = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly own = new Set<string>();

  constructor(private readonly options: NchanOptions) {
    super();
    this.reconnector = new Reconnector({
      attempt: () => void this.open(),
      backoff: options.backoff ?? new Backoff(),
      onSleep: () => this.replaceLink('slept'),
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    });
    this.resume = new ResumeState(options.storage);
    const stored = options.storage.get('conversation');
    this.conversationId = stored && /^[\w-]{1,64}$/.test(stored) ? stored : this.newConversation();
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
    this.closeLink();
    this.setStatus({ status: 'disconnected' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const link = this.link;
    if (!link?.isOpen) return Promise.reject(notConnected());
    const frame = encodeMessage(message);
    this.rememberOwn(message.clientId);
    if (link instanceof EventLink) return this.post(frame);
    return new Promise((resolve, reject) => {
      const ping = link.write(frame);
      if (ping === 0) resolve({ confirmed: false });
      else this.pending.set(message.clientId, { ping, resolve, reject });
    });
  }

  /** Logout: close, and forget the conversation (its channel id), where it was read up to and our sends. */
  forget(): void {
    this.disconnect();
    this.newConversation();
    this.resume.clear();
    this.own.clear();
  }

  /** Forgets the conversation: the next connection starts a new one. */
  reset(): void {
    this.newConversation();
    this.resume.clear();
    if (this.wanted) {
      this.closeLink();
      void this.open();
    }
  }

  // ---- connection ----

  private async open(): Promise<void> {
    if (!this.wanted) return;
    const attempt = ++this.attempt;
    this.setStatus({ status: this.reconnector.attempts ? 'reconnecting' : 'connecting' });
    const { tokenUrl } = this.options;
    if (tokenUrl) {
      const result = await requestToken(this.fetch, tokenUrl, this.conversationId);
      if (attempt !== this.attempt) return;
      if (!result.ok) {
        if (result.status === 401 || result.status === 403) {
          this.fail(`the token endpoint refused the conversation (HTTP ${result.status})`);
        } else {
          // Once per outage, not once per retry.
          if (!this.reconnector.attempts)
            log.warn(
              `could not get an nchan token (${result.status ? `HTTP ${result.status}` : 'unreachable'})`,
            );
          this.retry('network');
        }
        return;
      }
      this.token = result.token;
    }
    const query: ChannelQuery = { token: this.token, lastEventId: this.resumeFrom() };
    const Socket = this.options.WebSocket ?? globalThis.WebSocket;
    if (!this.fallback && Socket) this.openSocket(Socket, query, attempt);
    else this.openEvents(query, attempt);
  }

  private openSocket(Socket: typeof WebSocket, query: ChannelQuery, attempt: number): void {
    const { server, channelPath = '/chat/{id}' } = this.options;
    const link: SocketLink = new SocketLink(
      {
        url: socketUrl(server, channelPath, this.conversationId, query),
        WebSocket: Socket,
        heartbeat: this.heartbeat,
        pingMs: this.options.pingMs ?? 10_000,
        pongTimeoutMs: this.options.pongTimeoutMs ?? 5_000,
      },
      {
        open: () => this.opened(),
        frame: (f) => this.onFrame(f),
        pong: (count) => this.confirmUpTo(count),
        heartbeat: (answer) => {
          this.options.storage.set('heartbeat', answer);
          if (answer === 'no') this.confirmUpTo(Number.POSITIVE_INFINITY, false);
        },
        closed: (opened, code) => {
          if (this.link !== link) return;
          this.dropLink();
          if (opened) this.retry(code === 1001 ? 'server-restart' : 'server-close');
          else void this.diagnose(query, attempt);
        },
        dead: () => {
          if (this.link !== link) return;
          log.warn('no PONG from nchan in time: the link is dead, reconnecting');
          this.replaceLink('dead-link');
        },
      },
    );
    this.link = link;
  }

  private openEvents(query: ChannelQuery, attempt: number): void {
    const EventSourceCtor = this.options.EventSource ?? globalThis.EventSource;
    if (!EventSourceCtor) {
      this.fail('this browser has neither a usable WebSocket nor EventSource', 'config');
      return;
    }
    const link: EventLink = new EventLink(
      {
        url: this.url(query).href,
        EventSource: EventSourceCtor,
        silenceMs: (this.options.pingMs ?? 10_000) + (this.options.pongTimeoutMs ?? 5_000),
      },
      {
        open: () => this.opened(),
        frame: (f) => this.onFrame(f),
        closed: (opened) => {
          if (this.link !== link) return;
          this.dropLink();
          if (opened) this.retry('server-close');
          else void this.diagnose(query, attempt);
        },
        dead: () => {
          if (this.link !== link) return;
          this.replaceLink('dead-link');
        },
      },
    );
    this.link = link;
  }

  private opened(): void {
    this.reconnector.succeeded();
    this.setStatus({ status: 'connected' });
  }

  /**
   * The link failed before it opened. The probe tells why: a 403 is the authorize hook refusing
   * (final); a 2xx means the channel answers HTTP, so WebSockets are blocked on the way: fall back.
   */
  private async diagnose(query: ChannelQuery, attempt: number): Promise<void> {
    const status = await probeChannel(this.fetch, this.url(query).href, 10_000);
    if (attempt !== this.attempt || !this.wanted) return;
    if (status === 403) {
      this.fail('the nchan authorize hook refused this conversation (HTTP 403)');
    } else if (status >= 200 && status < 300 && !this.fallback) {
      log.warn('a WebSocket to nchan could not be opened; using EventSource and POST instead');
      this.fallback = true;
      void this.open();
    } else {
      this.retry(status ? `http-${status}` : 'network');
    }
  }

  private retry(reason: string): void {
    if (!this.wanted) return;
    const delay = this.reconnector.schedule();
    this.setStatus({ status: 'reconnecting', reason, retryInMs: delay });
  }

  /** The link is presumed dead (no PONG, a silent stream, the machine slept): replace it. */
  private replaceLink(reason: string): void {
    if (!this.link) return;
    this.dropLink();
    this.retry(reason);
  }

  private fail(why: string, code: TransportErrorCode = 'auth'): void {
    log.error(`${why}. Check data-server, data-channel-path and data-token-url.`);
    this.wanted = false;
    this.reconnector.stop();
    this.closeLink();
    this.events.emit('error', new TransportError(code, why, { retryable: false }));
    this.setStatus({ status: 'failed', reason: code });
  }

  /** Forgets the current link (already closed or closing) and fails what waited on it. */
  private dropLink(): void {
    this.link?.close();
    this.link = null;
    for (const [id, p] of this.pending) {
      p.reject(new TransportError('disconnected', 'Connection lost'));
      this.pending.delete(id);
    }
  }

  private closeLink(): void {
    this.attempt++;
    this.reconnector.cancel();
    this.dropLink();
  }

  // ---- frames ----

  private onFrame(frame: RawFrame): void {
    const decoded = decodeEnvelope(frame.body, frame.id);
    if (!decoded) return;
    const { message, requestId } = decoded;
    if (requestId) this.confirm(requestId);
    if (!this.resume.accept(message.id, frame.id)) return;
    // Our own publication, back on a single channel: it confirmed the send, the store has it already.
    if (message.clientId && this.own.has(message.clientId)) return;
    this.events.emit('message', message);
  }

  private confirm(clientId: string): void {
    const p = this.pending.get(clientId);
    if (!p) return;
    this.pending.delete(clientId);
    p.resolve({ confirmed: true });
  }

  private confirmUpTo(count: number, confirmed = true): void {
    for (const [id, p] of this.pending) {
      if (p.ping > count) continue;
      this.pending.delete(id);
      p.resolve({ confirmed });
    }
  }

  private async post(frame: string): Promise<SendReceipt> {
    const status = await postFrame(this.fetch, this.url({ token: this.token }).href, frame);
    if (status >= 200 && status < 300) return { confirmed: true };
    // nchan's 403 to a POST carries no CORS headers, so a refusal looks like a network failure
    // (status 0); the reconnect's probe tells them apart.
    if (status === 0 || status >= 500) {
      if (this.link instanceof EventLink) {
        this.dropLink();
        this.retry('network');
      }
      throw new TransportError('disconnected', 'Could not publish');
    }
    throw new TransportError('refused', `nchan refused the message (HTTP ${status})`, { status });
  }

  // ---- state ----

  private get fetch(): typeof fetch {
    return this.options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  private get heartbeat(): Heartbeat {
    const h = this.options.storage.get('heartbeat');
    return h === 'yes' || h === 'no' ? h : 'unknown';
  }

  private url(query: ChannelQuery): URL {
    return channelUrl(
      this.options.server,
      this.options.channelPath ?? '/chat/{id}',
      this.conversationId,
      query,
    );
  }

  private resumeFrom(): string | undefined {
    const last = this.resume.lastId;
    return last === undefined ? undefined : resumeId(last);
  }

  private rememberOwn(clientId: string): void {
    this.own.add(clientId);
    if (this.own.size > MAX_OWN) this.own.delete(this.own.values().next().value as string);
  }

  private newConversation(): string {
    this.conversationId = randomId();
    this.options.storage.set('conversation', this.conversationId);
    return this.conversationId;
  }
}

export const createNchanAdapter = (options: NchanOptions) => new NchanAdapter(options);
