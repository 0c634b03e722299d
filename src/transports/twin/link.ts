/**
 * One session's Socket.IO link: the TWIN event names on one side, decoded callbacks on the other.
 * `close()` detaches it first, so a link being let go of never reports again.
 */
import { log } from '../../core/log';
import type { TypingChange } from '../../core/types';
import { type ConnectError, SocketIoClient, type SocketIoOptions } from '../socketio';
import * as wire from './protocol';

export interface LinkHandlers {
  connect(): void;
  reconnecting(delayMs: number): void;
  /** Only fatal errors: the client retries the others by itself. */
  refused(error: ConnectError): void;
  /** A message-event payload (or one of the operator event), undecoded: the adapter dedupes first. */
  payload(raw: unknown): void;
  typing(change: TypingChange): void;
  read(messageId: string): void;
  operatorLoggedOut(): void;
}

export interface LinkOptions extends Omit<SocketIoOptions, 'query'> {
  operatorEvent: string;
}

export class TwinLink {
  private readonly socket: SocketIoClient;
  private detached = false;

  constructor(sessionId: string, options: LinkOptions, h: LinkHandlers) {
    const socket = new SocketIoClient({ ...options, query: { key: sessionId } });
    this.socket = socket;
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (!this.detached) fn(...args);
      };
    socket.on('connect', live(h.connect));
    socket.on(
      'reconnect_attempt',
      live(({ delayMs }) => h.reconnecting(delayMs)),
    );
    socket.on(
      'connect_error',
      live((e) => {
        if (e.fatal) h.refused(e);
      }),
    );
    socket.onEvent(wire.EVENTS.message, live(h.payload));
    if (options.operatorEvent !== wire.EVENTS.message) socket.onEvent(options.operatorEvent, live(h.payload));
    socket.onEvent(
      wire.EVENTS.typing,
      live((raw) => h.typing(wire.decodeTyping(raw))),
    );
    socket.onEvent(
      wire.EVENTS.read,
      live((raw) => {
        const read = wire.decodeRead(raw);
        if (read) h.read(read.messageId);
      }),
    );
    socket.onEvent(
      wire.EVENTS.operatorStatus,
      live((raw) => {
        // No domain event carries presence (core/types): log it, and end a logged-out operator's typing.
        const status = wire.decodeOperatorStatus(raw);
        if (status) log.debug(`twin: operator ${status.loggedOut ? 'logged out' : `is ${status.status}`}`);
        if (status?.loggedOut) h.operatorLoggedOut();
      }),
    );
    socket.connect();
  }

  /** The network or the tab came back: skip the Socket.IO client's reconnection delay. */
  retryNow(): void {
    if (!this.detached) this.socket.retryNow();
  }

  /** The machine slept: replace a link that may be dead although it looks open. */
  dropLink(reason: string): void {
    if (!this.detached) this.socket.dropLink(reason);
  }

  /** `messageReceived` for one message id. */
  acknowledge(id: string): void {
    this.socket.emit(wire.EVENTS.received, wire.encodeReceived(id));
  }

  /**
   * Detaches at once and closes now or, with `lingerMs`, a moment later: socket.io 2.x servers
   * dispatch an event on the next tick and drop it when its socket closed meanwhile, so closing
   * right after acknowledging the TERMINAL message lost that acknowledgement (measured on 2.5.1).
   */
  close(lingerMs = 0): void {
    this.detached = true;
    if (lingerMs > 0) setTimeout(() => this.socket.disconnect(), lingerMs);
    else this.socket.disconnect();
  }
}
