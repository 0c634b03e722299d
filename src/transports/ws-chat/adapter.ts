/**
 * The `ws-chat` adapter: a customer token over REST, then one WebSocket at `/ws/chat?token=`, in
 * either generation of that product (PROTOCOLS.md §1, TRANSPORTS.md): the seed's flat frames or the
 * current server's event envelopes, configured or detected and remembered per backend.
 *
 * This file is the connection's life: open (token, socket, gap fill, then live), drops, refusals,
 * the switch to envelopes. The parts: session.ts (token, conversation, generation), link.ts (one
 * socket), confirm.ts (how a send is confirmed and a dead link noticed), outgoing.ts and incoming.ts
 * (frames each way), history.ts (the gap fill), sent-log.ts, uploaded-files.ts and session-store.ts
 * (what survives a reload), protocol*.ts (the wire), the reconnector (when to try again).
 */

import { notConnected } from '../../core/errors';
import { log } from '../../core/log';
import type { IncomingMessage, OutgoingMessage, SendReceipt, TransportError } from '../../core/types';
import { TransportBase } from '../base';
import { Reconnector } from '../reconnector';
import type { Capabilities, OlderCursor, OlderPage, Transport, UploadOptions, UploadResult } from '../types';
import { WsChatApi } from './api';
import { EchoConfirmations, PingConfirmations } from './confirm';
import { linkLost, wsError } from './errors';
import { fetchMissed, type HistoryContext, learnAgentNames } from './history';
import { type Confirmations, createInbox, type Inbox } from './incoming';
import { Link } from './link';
import type { OlderHint } from './older';
import { CAPABILITIES, type WsChatOptions } from './options';
import { sendEnvelope, writeFlat } from './outgoing';
import { AUTH_CLOSE_CODES, socketUrl } from './protocol';
import { SentLog } from './sent-log';
import { type CustomerSession, createSession } from './session';
import { UploadedFiles } from './uploaded-files';

export type { WsChatOptions } from './options';

export class WsChatAdapter extends TransportBase implements Transport {
  readonly kind = 'ws-chat';
  readonly #session: CustomerSession;
  readonly #sent: SentLog;
  readonly #files: UploadedFiles;
  readonly #retry: Reconnector;
  readonly #history: HistoryContext;
  readonly #inbox: Inbox;
  #link: Link | null = null;
  /** The open link's confirmations (pings: envelope; echoes: flat). */
  #confirm: Confirmations | null = null;
  #opening = false;
  #wanted = false;
  /** The gap is filled and the outbox may send. */
  #ready = false;
  /** A fresh token was already tried after a refusal; the next refusal is final. */
  #refreshedToken = false;
  /** Flat frames written on this link, in case the server turns out to want envelopes. */
  #flatWritten: OutgoingMessage[] = [];
  /** Messages refused as flat whose send had resolved: re-sent once as envelopes after the switch. */
  #switchResends: OutgoingMessage[] = [];
  /** Where the last `loadOlder` answer ended in the history's pages. */
  #olderHint: OlderHint | undefined;
  /** Said once that older.ts could not be fetched. */
  #toldOlder = false;

  readonly #options: WsChatOptions;

  constructor(options: WsChatOptions) {
    super();
    this.#options = options;
    const { storage } = options;
    this.#sent = new SentLog(storage);
    this.#files = new UploadedFiles(storage);
    const api = new WsChatApi(options.server, options.fetch);
    this.#session = createSession(options, api, this.#sent, {
      fatal: (e) => this.#fail(e),
      later: () => this.#scheduleReconnect('network'),
    });
    const agents = new Map<string, string>();
    this.#history = { server: options.server, api, sessions: this.#session.store, sent: this.#sent, agents };
    this.#inbox = createInbox({
      session: this.#session,
      sent: this.#sent,
      agents,
      events: this.events,
      confirmations: () => this.#confirm,
      refusedFlat: () => this.#refusedFlat(),
      learnNames: () => {
        const current = this.#session.current;
        return current ? learnAgentNames(this.#history, current) : Promise.resolve();
      },
    });
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

  /**
   * Before anything is known, what the product's current server offers (a flat one is found at the
   * token call). A flat server known not to echo cannot confirm.
   */
  get capabilities(): Capabilities {
    const generation = this.#session.generation ?? 'envelope';
    const caps = CAPABILITIES[generation];
    return generation === 'flat' && this.#session.store.echoes === false
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
    const session = this.#session.current;
    const confirm = this.#confirm;
    if (!this.#ready || !link?.isOpen || !session || !confirm) return Promise.reject(notConnected());
    if (this.#session.generation === 'envelope')
      return sendEnvelope(message, session, confirm.pings, this.#sent, this.#files);
    // The gap fill found it at the server (its echo went with a drop): confirmed, not sent twice.
    const known = this.#sent.arrived(message.clientId);
    if (known) return Promise.resolve(known);
    if (!writeFlat(message, session, link, this.#sent)) return Promise.reject(notConnected());
    this.#flatWritten.push(message);
    return confirm.echoes.wait(message.clientId);
  }

  upload(file: Blob & { name?: string }, options: UploadOptions = {}): Promise<UploadResult> {
    return this.#upload(file, options, true);
  }

  /** The current generation's upload call (the flat one takes no files); a 401 gets one new token. */
  async #upload(
    file: Blob & { name?: string },
    options: UploadOptions,
    mayRenew: boolean,
  ): Promise<UploadResult> {
    const session = this.#session.current ?? (await this.#session.renew());
    if (!session) throw wsError('disconnected', 'Not connected');
    if (this.#session.generation === 'flat')
      throw wsError('refused', 'This server does not take files', true);
    // Its own chunk: most visitors never attach a file.
    const { uploadFile } = await import('./upload');
    const sent = await uploadFile(this.#options.server, this.#options.fetch, session.token, file, options);
    if ('unauthorized' in sent) {
      if (mayRenew && (await this.#session.renew())) return this.#upload(file, options, false);
      throw wsError('auth', 'The server refused the customer token', true);
    }
    this.#files.remember(sent.result.id, sent.wire);
    return sent.result;
  }

  /**
   * The history before `before` (older.ts, loaded the first time). A plain HTTP call with the stored token, so it works
   * in a tab that does not hold the connection too; a refused token gets one new token.
   */
  async loadOlder(before: OlderCursor | null): Promise<OlderPage> {
    for (let attempt = 0; attempt < 2; attempt++) {
      // From storage: another tab may have opened the session since this adapter was built.
      const session = this.#session.current ?? this.#session.store.load();
      const generation = this.#session.generation;
      if (!session || !generation) throw wsError('disconnected', 'No conversation yet');
      // Its own chunk: only a resumed conversation, or a visitor scrolling up, pages back.
      const { fetchOlder } = await import('./older').catch((err: unknown) => {
        if (!this.#toldOlder) log.error(`could not load earlier messages (${(err as Error).message})`);
        this.#toldOlder = true;
        throw wsError('network', 'Could not load earlier messages');
      });
      const result = await fetchOlder(this.#history, generation, session, before, this.#olderHint);
      if (result === 'unreadable') throw wsError('protocol', 'Unreadable history');
      if (result !== 'unauthorized') {
        if (result.hint) this.#olderHint = result.hint;
        return { messages: result.messages, more: result.more };
      }
      if (attempt === 0 && !(await this.#session.renew())) break;
    }
    throw wsError('auth', 'The server refused the customer token');
  }

  prefetchOlder(): void {
    import('./older').catch(() => undefined); // said when it is used
  }

  /** Logout: closes the link and forgets the visitor (token, conversation, id, what was sent). */
  forget(): void {
    this.disconnect();
    this.#session.forget();
    this.#inbox.forgetOperator();
    this.#sent.clear();
    this.#files.clear();
    this.#history.agents.clear();
    this.#olderHint = undefined;
  }

  /** Forgets the conversation (not the customer): the next message starts a new one. */
  reset(): void {
    this.#session.endConversation();
    this.#inbox.forgetOperator();
    if (this.#link) {
      // The current server opens a session with the token call: reconnecting gets the new one.
      this.#dropLink();
      void this.#open();
    }
  }

  // ---- the connection ----

  async #open(): Promise<void> {
    if (!this.#wanted || this.#link || this.#opening) return;
    this.#opening = true;
    try {
      this.setStatus({ status: this.#retry.attempts ? 'reconnecting' : 'connecting' });
      const session = await this.#session.usable();
      if (!session || !this.#wanted || this.#link) return;
      const Ctor = this.#options.WebSocket ?? globalThis.WebSocket;
      const link: Link = new Link(socketUrl(this.#options.server, session.token), Ctor, {
        open: () => void this.#onOpen(link),
        frame: (data) => this.#inbox.frame(data),
        close: (code, opened) => this.#onClose(code, opened),
      });
      this.#link = link;
    } finally {
      this.#opening = false;
    }
  }

  async #onOpen(link: Link): Promise<void> {
    this.#refreshedToken = false;
    this.#retry.succeeded();
    this.#inbox.hold();
    const watchdogMs = this.#options.watchdogMs ?? 8000;
    const dead = () => {
      log.warn('no answer from the server in time; reconnecting');
      this.#dropLink();
      this.#scheduleReconnect('silent');
    };
    const store = this.#session.store;
    const confirm: Confirmations = {
      pings: new PingConfirmations((text) => link.write(text), watchdogMs, dead),
      echoes: new EchoConfirmations(
        watchdogMs,
        { get: () => store.echoes, set: (v) => (store.echoes = v) },
        dead,
      ),
    };
    this.#confirm = confirm;
    const missed = await this.#fillGap(link);
    if (this.#link !== link) return; // the next link's fill brings them again
    missed.applied();
    for (const m of missed.messages) this.events.emit('message', m);
    await this.#resendSwitched(confirm.pings);
    if (this.#link !== link) return;
    this.#inbox.release();
    this.#ready = true;
    this.setStatus({ status: 'connected' });
    if (this.#session.generation === 'envelope')
      confirm.pings.startKeepAlive(this.#options.pingIntervalMs ?? 25_000);
  }

  /** History first (a 401 gets one new token), bounded in time so a slow call cannot hold the link. */
  async #fillGap(link: Link): Promise<{ messages: IncomingMessage[]; applied(): void }> {
    const generation = this.#session.generation;
    const none = { messages: [], applied: () => {} };
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = this.#session.current;
      if (!session || !generation || this.#link !== link) return none;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), (this.#options.watchdogMs ?? 8000) * 2);
      const result = await fetchMissed(this.#history, generation, session, abort.signal);
      clearTimeout(timer);
      if ('messages' in result) return result;
      if (attempt === 0 && !(await this.#session.renew())) return none;
    }
    return none;
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
    const fresh = await this.#session.renew();
    if (!fresh || !this.#wanted) return;
    this.#refreshedToken = true;
    void this.#open();
  }

  /**
   * An INVALID_FORMAT answer to our flat frames: the server speaks the current generation. Remember
   * that, get a session (a token call), and send each refused message again as an envelope, once:
   * those whose send had resolved are re-sent after the reconnect, the others fail with the link
   * and the store sends them again. False when the answer was not about our flat frames.
   */
  #refusedFlat(): boolean {
    if (!this.#flatWritten.length || this.#session.generation !== 'flat') return false;
    if (this.#options.protocol === 'flat') {
      log.error('the server refuses flat frames: set data-protocol="auto" or "envelope"');
      this.#fail(wsError('config', 'The server speaks another protocol generation', true));
      return true;
    }
    this.#session.store.generation = 'envelope';
    const waiting = new Set(this.#confirm?.echoes.waiting());
    this.#switchResends = this.#flatWritten.filter((m) => !waiting.has(m.clientId));
    this.#dropLink();
    void this.#open();
    return true;
  }

  async #resendSwitched(pings: PingConfirmations): Promise<void> {
    const session = this.#session.current;
    for (const message of this.#switchResends.splice(0)) {
      if (!session) return;
      await sendEnvelope(message, session, pings, this.#sent, this.#files).catch((e: TransportError) => {
        log.warn(`a message could not be sent again as an envelope (${e.code})`);
        this.events.emit('error', e);
      });
    }
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
    this.#inbox.drop();
    this.#flatWritten = [];
    this.#confirm?.pings.stop(linkLost());
    this.#confirm?.echoes.stop(linkLost());
    this.#confirm = null;
  }
}

export const createWsChatAdapter = (options: WsChatOptions) => new WsChatAdapter(options);
