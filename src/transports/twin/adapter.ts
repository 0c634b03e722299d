/**
 * The TWIN adapter (seed 002): start or resume a session over REST, receive over Socket.IO
 * (our websocket-only client, EIO 3 by default as TWIN documents python-socketio 4 / engineio 3),
 * send and upload over REST, and acknowledge every delivery of a message.
 */
import { Backoff } from '../../core/backoff';
import { toTransportError } from '../../core/errors';
import type { IncomingMessage, OutgoingMessage, SendReceipt } from '../../core/types';
import { TransportBase } from '../base';
import { Reconnector } from '../reconnector';
import type { ConnectError } from '../socketio';
import type { Capabilities, Transport, UploadOptions, UploadResult } from '../types';
import { TwinApi } from './api';
import { type FetchLike, transportError as fail } from './http';
import { TwinLink } from './link';
import { TWIN_CAPABILITIES, type TwinOptions } from './options';
import * as wire from './protocol';
import { SendAttempts } from './send-attempts';
import { expiresAt, SessionStore, type StoredSession } from './session-store';
import { TypingRelay } from './typing';
import { UnloadWatch, unloadSettled } from './unload';

export type { TwinOptions } from './options';

const MAX_REMEMBERED = 200;
/** How long a link stays open after the session ended (see TwinLink.close). */
const LINGER_MS = 1000;

class TwinTransport extends TransportBase implements Transport {
  readonly kind = 'twin';
  readonly capabilities: Capabilities = TWIN_CAPABILITIES;
  private readonly store: SessionStore;
  /** Posts handed to the network and not answered yet, in storage (see send-attempts.ts). */
  private readonly attempts: SendAttempts;
  /** Whether the page is going away, watched while a post is in flight (see unload.ts). */
  private readonly unload = new UnloadWatch();
  private readonly api: TwinApi;
  /** Retries a session start that failed, and wakes the link when the network or tab comes back. */
  private readonly reconnector: Reconnector;
  private readonly now: () => number;
  private session: StoredSession | null = null;
  /** The session came from storage and has not connected yet: a refusal means it expired. */
  private resumed = false;
  private starting: Promise<StoredSession> | null = null;
  private link: TwinLink | null = null;
  /** Wants a live link now (false after disconnect(), a fatal error or the session's end). */
  private active = false;
  /**
   * Set by disconnect() (and before the first connect()), cleared by connect(): send() refuses
   * while the caller keeps the adapter closed, but starts a new session after TERMINAL or expiry.
   */
  private closedByCaller = true;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly typing: TypingRelay;
  /** clientId → the send in flight or done, so a repeated send() never posts twice. */
  private readonly sends = new Map<string, Promise<SendReceipt>>();
  /** Server id → clientId of the visitor's messages, to mark their echoes. */
  private readonly echoes = new Map<string, string>();

  constructor(private readonly opts: TwinOptions) {
    super();
    this.store = new SessionStore(opts.storage);
    this.attempts = new SendAttempts(opts.storage);
    this.reconnector = new Reconnector({
      attempt: () => void this.open(),
      backoff: new Backoff(opts.backoff),
      onWake: () => this.link?.retryNow(),
      onSleep: () => this.link?.dropLink('slept'),
      ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    });
    this.now = opts.now ?? Date.now;
    const fetchFn: FetchLike = opts.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.api = new TwinApi(opts.server, opts.messagesServer ?? opts.server, fetchFn, this.now);
    this.typing = new TypingRelay((change) => this.events.emit('typing', change));
  }

  connect(): void {
    this.closedByCaller = false;
    if (this.active) return;
    this.active = true;
    this.reconnector.start();
    this.setStatus({ status: 'connecting' });
    void this.open();
  }

  disconnect(): void {
    this.closedByCaller = true;
    const wasActive = this.active;
    this.active = false;
    this.reconnector.stop();
    this.closeLink();
    if (wasActive) this.setStatus({ status: 'disconnected', reason: 'client' });
  }

  reset(): void {
    const closed = this.closedByCaller;
    this.disconnect();
    this.closedByCaller = closed; // the next send() may start the new session, as connect() would
    this.forgetSession();
  }

  /** Logout: close, and forget the session and what was sent and acknowledged in it. */
  forget(): void {
    this.disconnect();
    this.forgetSession();
    this.attempts.clear();
    this.sends.clear();
    this.echoes.clear();
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const known = this.sends.get(message.clientId);
    if (known) return known;
    // Confirmed before a reload (the store may not have saved "sent" in time): never post it again.
    const done = this.store.sent(message.clientId);
    if (done) return Promise.resolve({ ...done, confirmed: true });
    if (this.closedByCaller) return Promise.reject(fail('disconnected', 'not connected'));
    // A dying page posts nothing more: its post in flight may fail here although the browser
    // completes it, and a second post of the same message would arrive too.
    if (this.unload.leaving) return Promise.reject(fail('disconnected', 'the page is going away'));
    if (this.attempts.leftUnanswered(message.clientId, message.retries ?? 0)) {
      // Handed to the network, in this retry round, by a page that went away before the answer
      // came (a reload, a tab that held the connection): the browser finished that keepalive post,
      // so the server most likely has it, and nothing can ask. Never posted again without the
      // visitor: the store shows it "not confirmed", and its Retry (a later round) posts it. The
      // round lives in the store's own record, so no state of ours can get ahead of what it saved.
      return Promise.reject(
        fail(
          'unconfirmed',
          'the page that sent it closed or reloaded before the server confirmed it; it may have arrived',
        ),
      );
    }
    const sending = this.post(message);
    remember(this.sends, message.clientId, sending);
    sending.catch(() => this.sends.delete(message.clientId)); // a refused send may be retried
    return sending;
  }

  /** Within the session (started now if there is none): servers may refuse uploads from outside one. */
  async upload(file: Blob & { name?: string }, options?: UploadOptions): Promise<UploadResult> {
    const session = await this.ensureSession();
    return this.api.upload(session.id, file, options);
  }

  private async post(message: OutgoingMessage): Promise<SendReceipt> {
    // After TERMINAL or expiry there is no session: the visitor writing again starts one.
    const session = await this.ensureSession();
    if (!this.link) {
      this.setStatus({ status: 'connecting' });
      this.openLink(session);
    }
    // In storage before fetch is called (sendMessage calls it synchronously): a reload from here on
    // finds the attempt and does not post it again by itself.
    const { clientId } = message;
    this.attempts.begin(clientId, this.now(), message.retries ?? 0);
    const unwatch = this.unload.watch();
    try {
      const receipt = await this.api.sendMessage(session.id, message, () => {
        // A 2xx status: the server stored it. Recorded at once, before the body is read: a page
        // that goes away now never reads it (Chrome fails the read during pagehide), and the next
        // page must know the message arrived, not ask the visitor (or, failed, offer a Retry
        // that would store it twice: TWIN posts carry no id the server could dedupe by).
        this.store.recordSent(clientId, { at: this.now() });
        this.attempts.end(clientId);
      });
      if (receipt.id) {
        this.store.recordSent(clientId, receipt);
        remember(this.echoes, receipt.id, clientId);
      }
      await unloadSettled();
      return { ...receipt, confirmed: true };
    } catch (err) {
      const e = toTransportError(err);
      await unloadSettled();
      // An HTTP answer (refused, 5xx) ends the attempt: the store decides about a retry as for any
      // failed send. So does a failure without one on a page that stays: fetch cannot tell a
      // refused connection (a server restarting) from an answer cut on its way, and this page
      // posts it again when its outbox retries, so a reload before that must post it too (a record
      // left behind made the next page ask the visitor about a post that had never arrived: lost,
      // in the soak). Only a failure while the page goes away keeps it: Chrome fails the fetch of
      // a page that is navigating away while it completes the keepalive request, and the next
      // page finds it unanswered.
      if (e.status !== undefined || !this.unload.leaving) this.attempts.end(clientId);
      if (e.code !== 'not-found') throw e;
      // The server no longer knows the session: end it here too; a retry starts a new one.
      if (this.session?.id === session.id) this.endSession('expired');
      throw fail('session-ended', e.message);
    } finally {
      unwatch();
    }
  }

  /**
   * From connect() and its retries. The caller's wish decides whether a link opens: a session that
   * expired on the way (endSession clears `active`) is replaced, and the new one connects.
   */
  private async open(): Promise<void> {
    try {
      const session = await this.ensureSession();
      if (!this.closedByCaller && !this.link) this.openLink(session);
    } catch (err) {
      const e = toTransportError(err);
      if (this.closedByCaller) return;
      if (e.fatal) {
        // Only what retrying cannot fix is an error for the UI; the rest is `reconnecting`.
        this.events.emit('error', e);
        this.active = false;
        this.reconnector.stop();
        this.setStatus({ status: 'failed', reason: e.code === 'not-found' ? 'chat-not-found' : e.code });
        return;
      }
      const delay = this.reconnector.schedule();
      this.setStatus({ status: 'reconnecting', reason: e.code, retryInMs: delay });
    }
  }

  /** The live session, the stored one while its ttl lasts, or a new one (one start at a time). */
  private ensureSession(): Promise<StoredSession> {
    const now = this.now();
    if (this.session && expiresAt(this.session) <= now) this.endSession('expired');
    if (this.session) return Promise.resolve(this.session);
    const stored = this.store.load();
    if (stored && expiresAt(stored) > now) {
      this.session = stored;
      this.resumed = true;
      return Promise.resolve(stored);
    }
    this.starting ??= this.startSession().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startSession(): Promise<StoredSession> {
    const { chatId, name, clientExternalId, clientMetadata, userHash } = this.opts;
    const started = await this.api.startSession(
      chatId,
      name ?? 'Parley visitor',
      clientExternalId,
      clientMetadata,
      userHash,
    );
    const session: StoredSession = { id: started.id, startedAt: this.now(), ttl: started.ttlSeconds };
    this.store.forget();
    this.store.save(session);
    this.session = session;
    this.resumed = false;
    // The greeting arrives in this answer, before any socket event.
    for (const message of started.messages) this.events.emit('message', message);
    return session;
  }

  private openLink(session: StoredSession): void {
    const { opts } = this;
    this.active = true;
    this.reconnector.start();
    this.link = new TwinLink(
      session.id,
      {
        url: opts.server,
        path: opts.socketPath ?? '/operator/socket.io/',
        eio: opts.eio ?? 3,
        operatorEvent: opts.operatorEvent ?? wire.DEFAULT_OPERATOR_EVENT,
        ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
        ...(opts.backoff ? { backoff: opts.backoff } : {}),
      },
      {
        connect: () => {
          this.resumed = false;
          this.reconnector.succeeded();
          this.setStatus({ status: 'connected' });
        },
        reconnecting: (delayMs) =>
          this.setStatus({ status: 'reconnecting', reason: 'network', retryInMs: delayMs }),
        refused: (e) => this.onRefused(e),
        payload: (raw) => this.onPayload(raw),
        typing: (change) => this.typing.start(change),
        read: (messageId) => this.events.emit('read', { messageId }),
        operatorLoggedOut: () => this.typing.stop('operator'),
      },
    );
    // While live, the session ends on time by itself; otherwise ensureSession() checks the ttl.
    const left = Math.min(expiresAt(session) - this.now(), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      if (this.session === session) this.endSession('expired');
    }, left);
  }

  private onRefused(e: ConnectError): void {
    if (e.code === 'refused' && this.resumed) {
      // A stored session the server no longer knows: it expired there.
      this.endSession('expired');
      return;
    }
    const reason = e.code === 'refused' ? 'refused' : 'config';
    this.active = false;
    this.reconnector.stop();
    this.closeLink();
    this.events.emit('error', fail(reason, e.message, true));
    this.setStatus({ status: 'failed', reason });
  }

  /**
   * A message-event (or operator-event) payload: emitted once, and acknowledged only when it was
   * decoded and the store took it (otherwise the server keeps it and delivers it again). Every
   * later delivery of it is acknowledged again: the server redelivers what it has no
   * acknowledgement for, and an acknowledgement can die with the link that carried it (answering
   * only the first sight left such messages unacknowledged for good). After a reload a redelivery
   * is emitted again; the store knows every id it shows and drops it.
   */
  private onPayload(raw: unknown): void {
    const session = this.session;
    if (!session) return;
    const id = wire.payloadId(raw);
    if (id !== undefined && this.store.acknowledged(session.id, id)) {
      this.link?.acknowledge(id); // a redelivery, shown already
      return;
    }
    let taken = false;
    let terminal = false;
    if (wire.isOperatorNotice(raw)) {
      const change = wire.decodeOperatorChange(raw, this.opts.server);
      taken = change !== null && this.events.emit('operator', change);
    } else {
      const message = wire.decodeMessage(raw, this.now(), this.opts.server);
      taken = message !== null && this.emitMessage(message);
      terminal = message?.kind === 'terminal';
    }
    if (!taken || id === undefined) return;
    this.store.remember(session.id, id);
    this.link?.acknowledge(id);
    if (terminal) this.endSession('terminal');
  }

  /** True when every listener (the store) took it. */
  private emitMessage(message: IncomingMessage): boolean {
    const clientId = this.echoes.get(message.id);
    if (clientId) message.clientId = clientId;
    this.typing.stop(message.author.kind);
    return this.events.emit('message', message);
  }

  /** TERMINAL, expiry or a refused resume: tell the UI, forget the session, close the link. */
  private endSession(reason: 'terminal' | 'expired'): void {
    this.active = false;
    this.reconnector.stop();
    this.closeLink(LINGER_MS);
    this.forgetSession();
    this.events.emit('sessionEnded', { reason });
    this.setStatus({ status: 'disconnected', reason: 'session-ended' });
  }

  private forgetSession(): void {
    this.store.forget();
    this.session = null;
  }

  private closeLink(lingerMs = 0): void {
    clearTimeout(this.expiryTimer);
    this.typing.stop();
    this.link?.close(lingerMs);
    this.link = null;
  }
}

/** Map insertion with the oldest entries dropped beyond MAX_REMEMBERED. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value ?? '');
}

export function createTwinAdapter(options: TwinOptions): Transport {
  return new TwinTransport(options);
}
