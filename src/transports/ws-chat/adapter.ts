/**
 * The `ws-chat` adapter: a customer token over REST, then one WebSocket at `/ws/chat?token=`, in
 * either generation of that product (PROTOCOLS.md §1, TRANSPORTS.md): the seed's flat frames or the
 * current server's event envelopes, configured or detected and remembered per backend.
 *
 * The parts: protocol*.ts (wire), api.ts (REST), link.ts (one socket), confirm.ts (how a send is
 * confirmed and a dead link noticed), history.ts (the gap fill), sent-log.ts and session-store.ts
 * (what survives a reload), the reconnector (when to try again).
 */

import { notConnected } from '../../core/errors';
import { log } from '../../core/log';
import type { IncomingMessage, OutgoingMessage, SendReceipt, TransportError } from '../../core/types';
import { TransportBase } from '../base';
import { Reconnector } from '../reconnector';
import type { Capabilities, Transport, UploadOptions, UploadResult } from '../types';
import { WsChatApi } from './api';
import { EchoConfirmations, PingConfirmations } from './confirm';
import { linkLost, wsError } from './errors';
import { fetchMissed, type HistoryContext } from './history';
import { Link } from './link';
import { CAPABILITIES, type WsChatOptions } from './options';
import { AUTH_CLOSE_CODES, type Generation, isEnvelope, parseFrame, socketUrl } from './protocol';
import {
  decodeEnvelope,
  type EnvelopeEvent,
  encodeSendMessage,
  type WireAttachment,
} from './protocol-envelope';
import { decodeFlatFrame, encodeFlatMessage } from './protocol-flat';
import { SentLog } from './sent-log';
import { type Session, SessionStore } from './session-store';
import { UploadedFiles } from './uploaded-files';

export type { WsChatOptions } from './options';

export class WsChatAdapter extends TransportBase implements Transport {
  readonly kind = 'ws-chat';
  readonly #sessions: SessionStore;
  readonly #sent: SentLog;
  readonly #files: UploadedFiles;
  readonly #api: WsChatApi;
  readonly #retry: Reconnector;
  readonly #history: HistoryContext;
  #session: Session | null;
  #tokenCall: Promise<Session | null> | null = null;
  #link: Link | null = null;
  #opening = false;
  #wanted = false;
  /** The gap is filled and the outbox may send. */
  #ready = false;
  /** Live frames held back while the gap fill runs, so history lands first. */
  #held: unknown[] | null = null;
  #pings: PingConfirmations | null = null;
  #echoes: EchoConfirmations | null = null;
  /** A fresh token was already tried after a refusal; the next refusal is final. */
  #refreshedToken = false;
  /** Flat frames written on this link, in case the server turns out to want envelopes. */
  #flatWritten: OutgoingMessage[] = [];
  /** Messages refused as flat whose send had resolved: re-sent once as envelopes after the switch. */
  #switchResends: OutgoingMessage[] = [];
  #operatorId: string | undefined;

  readonly #options: WsChatOptions;

  constructor(options: WsChatOptions) {
    super();
    this.#options = options;
    const { storage } = options;
    this.#sessions = new SessionStore(storage);
    this.#sent = new SentLog(storage);
    this.#files = new UploadedFiles(storage);
    this.#api = new WsChatApi(options.server, options.fetch);
    this.#session = this.#sessions.load();
    this.#history = {
      server: options.server,
      api: this.#api,
      sessions: this.#sessions,
      sent: this.#sent,
      agents: new Map(),
    };
    this.#retry = new Reconnector({
      attempt: () => void this.#open(),
      onSleep: () => {
        if (!this.#link) return;
        log.warn('the machine slept; replacing the connection');
        this.#dropLink();
        this.#scheduleReconnect('sleep');
      },
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    });
  }

  /** Configured, else found for this backend, else guessed from the stored session. */
  get #generation(): Generation | undefined {
    const configured = this.#options.protocol;
    if (configured && configured !== 'auto') return configured;
    return (
      this.#sessions.generation ??
      (this.#session ? (this.#session.sessionId ? 'envelope' : 'flat') : undefined)
    );
  }

  /**
   * Before anything is known, what the product's current server offers (a flat one is found at the
   * token call). A flat server known not to echo cannot confirm.
   */
  get capabilities(): Capabilities {
    const generation = this.#generation ?? 'envelope';
    const caps = CAPABILITIES[generation];
    return generation === 'flat' && this.#sessions.echoes === false
      ? { ...caps, deliveryConfirmation: false }
      : caps;
  }

  connect(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#retry.start();
    void this.#open();
  }

  disconnect(): void {
    if (!this.#wanted && this.currentStatus !== 'connected') return;
    this.#wanted = false;
    this.#retry.stop();
    this.#dropLink();
    this.setStatus({ status: 'disconnected' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const link = this.#link;
    const session = this.#session;
    if (!this.#ready || !link?.isOpen || !session) return Promise.reject(notConnected());
    return this.#generation === 'envelope'
      ? this.#sendEnvelope(message, session)
      : this.#sendFlat(message, link, session);
  }

  upload(file: Blob & { name?: string }, options: UploadOptions = {}): Promise<UploadResult> {
    return this.#uploadWithToken(file, options, true);
  }

  /** Logout: closes the link and forgets the visitor (token, conversation, id, what was sent). */
  forget(): void {
    this.disconnect();
    this.#session = null;
    this.#operatorId = undefined;
    this.#sessions.forgetVisitor();
    this.#sent.clear();
    this.#files.clear();
    this.#history.agents.clear();
  }

  /** Forgets the conversation (not the customer): the next message starts a new one. */
  reset(): void {
    if (this.#session) {
      const { customerId, token } = this.#session;
      this.#session = { customerId, token };
      this.#sessions.save(this.#session);
    }
    this.#operatorId = undefined;
    if (this.#link) {
      // The current server opens a session with the token call: reconnecting gets the new one.
      this.#dropLink();
      void this.#open();
    }
  }

  // ---- sending ----

  async #sendEnvelope(message: OutgoingMessage, session: Session): Promise<SendReceipt> {
    // The server knows no client ids: a message it already has is confirmed here, not sent twice.
    const known = this.#sent.arrived(message.clientId);
    if (known) return known.id ? { id: known.id, confirmed: true } : { confirmed: true };
    const attachments = (message.attachmentIds ?? [])
      .map((id) => this.#files.get(id))
      .filter((a): a is WireAttachment => a !== undefined);
    // Written down before the write: after a drop or a reload, the history tells whether it arrived.
    this.#sent.written(message.clientId, message.text, attachments.length, 'envelope');
    const frame = encodeSendMessage(message.clientId, session.sessionId ?? '', message.text, attachments);
    const confirmed = this.#pings?.send(frame);
    if (!confirmed) throw notConnected();
    try {
      await confirmed;
      this.#sent.confirm(message.clientId);
    } catch (err) {
      const e = err as TransportError;
      if (e.code !== 'disconnected') this.#sent.forget(message.clientId);
      throw e;
    }
    return { confirmed: true, at: Date.now() };
  }

  #sendFlat(message: OutgoingMessage, link: Link, session: Session): Promise<SendReceipt> {
    this.#sent.written(message.clientId, message.text, 0, 'flat');
    if (!link.write(encodeFlatMessage(message, session.customerId, session.conversationId))) {
      return Promise.reject(notConnected());
    }
    this.#flatWritten.push(message);
    return this.#echoes?.wait(message.clientId) ?? Promise.reject(notConnected());
  }

  // ---- connection ----

  async #open(): Promise<void> {
    if (!this.#wanted || this.#link || this.#opening) return;
    this.#opening = true;
    try {
      this.setStatus({ status: this.#retry.attempts ? 'reconnecting' : 'connecting' });
      const session = await this.#usableSession();
      if (!session || !this.#wanted || this.#link) return;
      const Ctor = this.#options.WebSocket ?? globalThis.WebSocket;
      const link: Link = new Link(socketUrl(this.#options.server, session.token), Ctor, {
        open: () => void this.#onOpen(link),
        frame: (data) => this.#onFrame(data),
        close: (code, opened) => this.#onClose(code, opened),
      });
      this.#link = link;
    } finally {
      this.#opening = false;
    }
  }

  /** The stored session when it is good for the generation; a new token otherwise. */
  async #usableSession(): Promise<Session | null> {
    const s = this.#session;
    if (s && (this.#generation !== 'envelope' || s.sessionId)) return s;
    return this.#newToken();
  }

  async #onOpen(link: Link): Promise<void> {
    this.#refreshedToken = false;
    this.#retry.succeeded();
    this.#held = [];
    const watchdogMs = this.#options.watchdogMs ?? 8000;
    const dead = () => {
      log.warn('no answer from the server in time; reconnecting');
      this.#dropLink();
      this.#scheduleReconnect('silent');
    };
    this.#pings = new PingConfirmations((text) => link.write(text), watchdogMs, dead);
    this.#echoes = new EchoConfirmations(
      watchdogMs,
      { get: () => this.#sessions.echoes, set: (v) => (this.#sessions.echoes = v) },
      dead,
    );
    const missed = await this.#fillGap(link);
    if (this.#link !== link) return;
    for (const m of missed) this.#emitMessage(m);
    await this.#resendSwitched();
    if (this.#link !== link) return;
    const held = this.#held ?? [];
    this.#held = null;
    for (const raw of held) this.#handleFrame(raw);
    this.#ready = true;
    this.setStatus({ status: 'connected' });
    if (this.#generation === 'envelope') this.#pings.startKeepAlive(this.#options.pingIntervalMs ?? 25_000);
  }

  /** History first (a 401 gets one new token), bounded in time so a slow call cannot hold the link. */
  async #fillGap(link: Link): Promise<IncomingMessage[]> {
    const generation = this.#generation;
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = this.#session;
      if (!session || !generation || this.#link !== link) return [];
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), (this.#options.watchdogMs ?? 8000) * 2);
      const result = await fetchMissed(this.#history, generation, session, abort.signal);
      clearTimeout(timer);
      if ('messages' in result) return result.messages;
      if (attempt === 0 && !(await this.#newToken())) return [];
    }
    return [];
  }

  #onClose(code: number, opened: boolean): void {
    this.#dropLink();
    if (!this.#wanted) return;
    if (!opened || AUTH_CLOSE_CODES.has(code)) void this.#onRefused(code, opened);
    else this.#scheduleReconnect('server-close');
  }

  /**
   * A handshake that failed, or an auth close. Browsers hide the HTTP status, so a refused token
   * and a server that is down (restarting) look the same: a token call tells them apart. If it
   * fails the server is away, and everything (token, conversation) is kept for the next attempt;
   * if it succeeds the next attempt uses the new token, still in the same conversation.
   */
  async #onRefused(code: number, opened: boolean): Promise<void> {
    if (this.#refreshedToken) {
      // The token endpoint just answered and the fresh token was refused too: waiting will not help.
      log.warn(
        `the server refused a fresh customer token (close ${code}${opened ? ' after open' : ' before open'})`,
      );
      this.#fail(wsError('auth', 'The server refused the customer token', true));
      return;
    }
    const fresh = await this.#newToken();
    if (!fresh || !this.#wanted) return;
    this.#refreshedToken = true;
    void this.#open();
  }

  /**
   * Asks for a token (one call at a time), keeping the conversation when the server still knows the
   * customer. Resolves null after reporting the failure (backoff for the network, `failed` for a refusal).
   */
  #newToken(): Promise<Session | null> {
    this.#tokenCall ??= this.#requestToken().finally(() => {
      this.#tokenCall = null;
    });
    return this.#tokenCall;
  }

  async #requestToken(): Promise<Session | null> {
    const options = this.#options;
    let token: Awaited<ReturnType<WsChatApi['token']>>;
    try {
      token = await this.#api.token({
        name: options.name,
        channel: options.channel,
        visitorId: this.#sessions.visitorId(options.channelId),
        ...(options.userId ? { userId: options.userId } : {}),
        ...(options.userId && options.userHash ? { userHash: options.userHash } : {}),
        ...(options.email ? { email: options.email } : {}),
        ...(options.phone ? { phone: options.phone } : {}),
        ...(options.metadata && Object.keys(options.metadata).length
          ? { metadata: { ...options.metadata } }
          : {}),
      });
    } catch (err) {
      const e = err as TransportError;
      if (e.fatal) this.#fail(e);
      else this.#scheduleReconnect('network');
      return null;
    }
    if (!this.#detect(token.sessionId !== undefined)) return null;
    const previous = this.#session?.customerId === token.customerId ? this.#session : null;
    if (!previous) this.#sent.clear(); // another customer: nothing written before is theirs
    const conversationId = previous?.conversationId;
    this.#session = {
      customerId: token.customerId,
      token: token.token,
      ...(conversationId ? { conversationId } : {}),
      ...(token.sessionId ? { sessionId: token.sessionId } : {}),
    };
    this.#sessions.save(this.#session);
    return this.#session;
  }

  /** `auto`: a token answer with a session id means the current generation. False when it cannot work. */
  #detect(hasSession: boolean): boolean {
    const configured = this.#options.protocol;
    if (configured && configured !== 'auto') {
      if (configured === 'flat' || hasSession) return true;
    } else if (hasSession) {
      this.#sessions.generation = 'envelope';
      return true;
    } else if (this.#sessions.generation !== 'envelope') {
      this.#sessions.generation = 'flat';
      return true;
    }
    log.error('the server wants event envelopes but its token answer names no session (data-protocol)');
    this.#fail(wsError('config', 'The server answered without a chat session', true));
    return false;
  }

  #fail(error: TransportError): void {
    this.#wanted = false;
    this.#retry.stop();
    this.#dropLink();
    this.events.emit('error', error);
    this.setStatus({ status: 'failed', reason: error.code });
  }

  #scheduleReconnect(reason: string): void {
    if (!this.#wanted) return;
    const delay = this.#retry.schedule();
    this.setStatus({ status: 'reconnecting', reason, retryInMs: delay });
  }

  /** Closes the current socket (if any); whatever waited for it fails as `disconnected`. */
  #dropLink(): void {
    this.#link?.close(4000, 'replaced');
    this.#link = null;
    this.#ready = false;
    this.#held = null;
    this.#flatWritten = [];
    this.#pings?.stop(linkLost());
    this.#echoes?.stop(linkLost());
    this.#pings = this.#echoes = null;
  }

  // ---- frames ----

  #onFrame(raw: unknown): void {
    const frame = parseFrame(raw);
    if (!frame) return;
    // Answers to our own frames are needed during the gap fill; what the others say waits for it.
    if (this.#held && !(isEnvelope(frame) && (frame.event === 'ping' || frame.event === 'error'))) {
      this.#held.push(raw);
      return;
    }
    this.#handleFrame(raw);
  }

  #handleFrame(raw: unknown): void {
    const session = this.#session;
    const frame = parseFrame(raw);
    if (!session || !frame) return;
    if (isEnvelope(frame)) {
      const event = decodeEnvelope(frame, (id) => this.#history.agents.get(id));
      if (event) this.#onEvent(event, session);
      return;
    }
    const decoded = decodeFlatFrame(frame, session.customerId);
    if (!decoded) return;
    if (decoded.conversationId && decoded.conversationId !== session.conversationId) {
      session.conversationId = decoded.conversationId;
      this.#sessions.save(session);
    }
    const { message } = decoded;
    if (message.clientId) {
      this.#sent.forget(message.clientId);
      this.#echoes?.echoed(message.clientId, { id: message.id, at: message.at, confirmed: true });
    }
    this.#emitMessage(message);
  }

  #onEvent(event: EnvelopeEvent, session: Session): void {
    if (
      'sessionId' in event &&
      event.sessionId &&
      session.sessionId &&
      event.sessionId !== session.sessionId
    ) {
      log.debug('ws-chat: an event of another session');
      return;
    }
    switch (event.type) {
      case 'pong':
        this.#pings?.answered();
        return;
      case 'error':
        this.#onServerError(event.code, event.message);
        return;
      case 'message': {
        const { message } = event;
        if (message.author.kind === 'visitor') {
          const clientId = this.#sent.match(message.id, message.text, message.attachments?.length ?? 0);
          if (clientId) message.clientId = clientId;
        }
        this.#emitMessage(message);
        return;
      }
      case 'typing': {
        const name = event.agentId ? this.#history.agents.get(event.agentId) : undefined;
        this.events.emit('typing', {
          on: event.on,
          author: {
            kind: 'operator',
            ...(event.agentId ? { id: event.agentId } : {}),
            ...(name ? { name } : {}),
          },
        });
        return;
      }
      case 'working':
        this.events.emit('typing', { on: event.on, author: { kind: 'bot' } });
        return;
      case 'session':
        this.#onSession(event.agentId, event.ended);
        return;
    }
  }

  #onSession(agentId: string | undefined, ended: boolean): void {
    if (agentId && agentId !== this.#operatorId) {
      this.#operatorId = agentId;
      const name = this.#history.agents.get(agentId);
      this.events.emit('operator', {
        operator: { kind: 'operator', id: agentId, ...(name ? { name } : {}) },
      });
    }
    if (!ended) return;
    // The session is over: the next message needs a new one, which reset() gets.
    if (this.#session) {
      const { customerId, token } = this.#session;
      this.#session = { customerId, token };
      this.#sessions.save(this.#session);
    }
    this.events.emit('sessionEnded', { reason: 'closed' });
  }

  #onServerError(code: string, message: string): void {
    if (code === 'INVALID_FORMAT' && this.#flatWritten.length && this.#generation === 'flat') {
      this.#switchToEnvelope();
      return;
    }
    if (this.#pings?.refused(wsError('refused', message, true))) return;
    log.warn(`the server reported an error (${code})`);
  }

  /**
   * The server refused a flat frame: it speaks the current generation. Remember that, get a session
   * (a token call), and send each refused message again as an envelope, once: those whose send had
   * resolved are re-sent here, the others are still queued by the store, which sends them again.
   */
  #switchToEnvelope(): void {
    if (this.#options.protocol === 'flat') {
      log.error('the server refuses flat frames: set data-protocol="auto" or "envelope"');
      this.#fail(wsError('config', 'The server speaks another protocol generation', true));
      return;
    }
    this.#sessions.generation = 'envelope';
    const waiting = new Set(this.#echoes?.waiting() ?? []);
    this.#switchResends = this.#flatWritten.filter((m) => !waiting.has(m.clientId));
    this.#dropLink();
    void this.#open();
  }

  async #resendSwitched(): Promise<void> {
    const session = this.#session;
    for (const message of this.#switchResends.splice(0)) {
      if (!session) return;
      await this.#sendEnvelope(message, session).catch((e: TransportError) => {
        log.warn(`a message could not be sent again as an envelope (${e.code})`);
        this.events.emit('error', e);
      });
    }
  }

  #emitMessage(message: IncomingMessage): void {
    this.events.emit('message', message);
  }

  // ---- uploads ----

  async #uploadWithToken(
    file: Blob & { name?: string },
    options: UploadOptions,
    mayRefresh: boolean,
  ): Promise<UploadResult> {
    const session = this.#session ?? (await this.#newToken());
    if (!session) throw wsError('disconnected', 'Not connected');
    if (this.#generation === 'flat') throw wsError('refused', 'This server does not take files', true);
    // Its own chunk: most visitors never attach a file.
    const { uploadFile } = await import('./upload');
    const sent = await uploadFile(this.#options.server, this.#options.fetch, session.token, file, options);
    if ('unauthorized' in sent) {
      if (mayRefresh && (await this.#newToken())) return this.#uploadWithToken(file, options, false);
      throw wsError('auth', 'The server refused the customer token', true);
    }
    this.#files.remember(sent.result.id, sent.wire);
    return sent.result;
  }
}

export const createWsChatAdapter = (options: WsChatOptions) => new WsChatAdapter(options);
