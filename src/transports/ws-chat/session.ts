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

export interface CustomerSession {
  readonly store: SessionStore;
  readonly current: Session | null;
  /** Configured, else found for this backend, else guessed from the stored session. */
  readonly generation: Generation | undefined;
  /** The stored session when it is good for the generation; a new token otherwise. */
  usable(): Promise<Session | null>;
  /**
   * Asks for a token (one call at a time), keeping the conversation when the server still knows
   * the customer. Resolves null after reporting the failure (`later` for the network, `fatal` for a
   * refusal).
   */
  renew(): Promise<Session | null>;
  /** The flat server named the conversation in a frame: later messages carry it. */
  setConversation(id: string): void;
  /** The conversation ended or was left: the customer stays, the next message needs a new one. */
  endConversation(): void;
  /** Logout: the token, the conversation and the visitor id go; what was learnt of the backend stays. */
  forget(): void;
}

/** (A closure rather than a class: every ws-chat visitor downloads this, and locals minify best.) */
export function createSession(
  options: WsChatOptions,
  api: WsChatApi,
  sent: SentLog,
  failures: TokenFailures,
): CustomerSession {
  const store = new SessionStore(options.storage);
  let current = store.load();
  let call: Promise<Session | null> | null = null;

  const save = (s: Session) => {
    current = s;
    store.save(s);
  };

  function generation(): Generation | undefined {
    const configured = options.protocol;
    if (configured && configured !== 'auto') return configured;
    return store.generation ?? (current ? (current.sessionId ? 'envelope' : 'flat') : undefined);
  }

  /** `auto`: a token answer with a session id means the current generation. False when it cannot work. */
  function detect(hasSession: boolean): boolean {
    const configured = options.protocol;
    if (configured && configured !== 'auto') {
      if (configured === 'flat' || hasSession) return true;
    } else if (hasSession) {
      store.generation = 'envelope';
      return true;
    } else if (store.generation !== 'envelope') {
      store.generation = 'flat';
      return true;
    }
    log.error('the server wants event envelopes but its token answer names no session (data-protocol)');
    failures.fatal(wsError('config', 'The server answered without a chat session', true));
    return false;
  }

  async function request(): Promise<Session | null> {
    let token: Awaited<ReturnType<WsChatApi['token']>>;
    try {
      token = await api.token({
        name: options.name,
        channel: options.channel,
        visitorId: store.visitorId(options.channelId),
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
      if (e.fatal) failures.fatal(e);
      else failures.later();
      return null;
    }
    if (!detect(token.sessionId !== undefined)) return null;
    const previous = current?.customerId === token.customerId ? current : null;
    if (!previous) sent.clear(); // another customer: nothing written before is theirs
    const conversationId = previous?.conversationId;
    save({
      customerId: token.customerId,
      token: token.token,
      ...(conversationId ? { conversationId } : {}),
      ...(token.sessionId ? { sessionId: token.sessionId } : {}),
    });
    return current;
  }

  const renew = () => {
    call ??= request().finally(() => {
      call = null;
    });
    return call;
  };

  return {
    store,
    get current() {
      return current;
    },
    get generation() {
      return generation();
    },
    usable: () =>
      current && (generation() !== 'envelope' || current.sessionId) ? Promise.resolve(current) : renew(),
    renew,
    setConversation(id) {
      if (!current || current.conversationId === id) return;
      current.conversationId = id;
      store.save(current);
    },
    endConversation() {
      if (current) save({ customerId: current.customerId, token: current.token });
    },
    forget() {
      current = null;
      store.forgetVisitor();
    },
  };
}
