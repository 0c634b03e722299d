/**
 * The visitor as the server knows them: the customer token and the conversation (flat) or chat
 * session (envelope) it belongs to, kept across reloads; the token call, one at a time; and which
 * generation the backend speaks, configured (`data-protocol`) or found from the token answer and
 * remembered for this backend.
 */
import { log } from '../../core/log';
import type { TransportError } from '../../core/types';
import type { WsChatApi } from './api';
import { wsError } from './errors';
import type { WsChatOptions } from './options';
import type { Generation } from './protocol';
import type { SentLog } from './sent-log';
import { type Session, SessionStore } from './session-store';

/** What the adapter does when a token call fails. */
export interface TokenFailures {
  /** A refusal no retry fixes. */
  fatal(error: TransportError): void;
  /** The server could not be reached: try again later. */
  later(): void;
}

export class CustomerSession {
  readonly store: SessionStore;
  #current: Session | null;
  #call: Promise<Session | null> | null = null;

  readonly #options: WsChatOptions;
  readonly #api: WsChatApi;
  readonly #sent: SentLog;
  readonly #failures: TokenFailures;

  constructor(options: WsChatOptions, api: WsChatApi, sent: SentLog, failures: TokenFailures) {
    this.#options = options;
    this.#api = api;
    this.#sent = sent;
    this.#failures = failures;
    this.store = new SessionStore(options.storage);
    this.#current = this.store.load();
  }

  get current(): Session | null {
    return this.#current;
  }

  /** Configured, else found for this backend, else guessed from the stored session. */
  get generation(): Generation | undefined {
    const configured = this.#options.protocol;
    if (configured && configured !== 'auto') return configured;
    const s = this.#current;
    return this.store.generation ?? (s ? (s.sessionId ? 'envelope' : 'flat') : undefined);
  }

  /** The stored session when it is good for the generation; a new token otherwise. */
  usable(): Promise<Session | null> {
    const s = this.#current;
    return s && (this.generation !== 'envelope' || s.sessionId) ? Promise.resolve(s) : this.renew();
  }

  /**
   * Asks for a token (one call at a time), keeping the conversation when the server still knows the
   * customer. Resolves null after reporting the failure (`later` for the network, `fatal` for a refusal).
   */
  renew(): Promise<Session | null> {
    this.#call ??= this.#request().finally(() => {
      this.#call = null;
    });
    return this.#call;
  }

  /** The flat server named the conversation in a frame: later messages carry it. */
  setConversation(id: string): void {
    const s = this.#current;
    if (!s || s.conversationId === id) return;
    s.conversationId = id;
    this.store.save(s);
  }

  /** The conversation ended or was left: the customer stays, the next message needs a new one. */
  endConversation(): void {
    if (!this.#current) return;
    const { customerId, token } = this.#current;
    this.#current = { customerId, token };
    this.store.save(this.#current);
  }

  /** Logout: the token, the conversation and the visitor id go; what was learnt of the backend stays. */
  forget(): void {
    this.#current = null;
    this.store.forgetVisitor();
  }

  async #request(): Promise<Session | null> {
    const options = this.#options;
    let token: Awaited<ReturnType<WsChatApi['token']>>;
    try {
      token = await this.#api.token({
        name: options.name,
        channel: options.channel,
        visitorId: this.store.visitorId(options.channelId),
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
      if (e.fatal) this.#failures.fatal(e);
      else this.#failures.later();
      return null;
    }
    if (!this.#detect(token.sessionId !== undefined)) return null;
    const previous = this.#current?.customerId === token.customerId ? this.#current : null;
    if (!previous) this.#sent.clear(); // another customer: nothing written before is theirs
    const conversationId = previous?.conversationId;
    this.#current = {
      customerId: token.customerId,
      token: token.token,
      ...(conversationId ? { conversationId } : {}),
      ...(token.sessionId ? { sessionId: token.sessionId } : {}),
    };
    this.store.save(this.#current);
    return this.#current;
  }

  /** `auto`: a token answer with a session id means the current generation. False when it cannot work. */
  #detect(hasSession: boolean): boolean {
    const configured = this.#options.protocol;
    if (configured && configured !== 'auto') {
      if (configured === 'flat' || hasSession) return true;
    } else if (hasSession) {
      this.store.generation = 'envelope';
      return true;
    } else if (this.store.generation !== 'envelope') {
      this.store.generation = 'flat';
      return true;
    }
    log.error('the server wants event envelopes but its token answer names no session (data-protocol)');
    this.#failures.fatal(wsError('config', 'The server answered without a chat session', true));
    return false;
  }
}
