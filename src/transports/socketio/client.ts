/**
 * The Socket.IO socket (default namespace `/`) and its manager in one small class: CONNECT rules of
 * both protocol revisions, events and acks both ways, a queue for what is emitted before CONNECT,
 * and reconnection with the shared backoff unless the caller disconnected on purpose.
 *
 * Differences from socket.io-client worth knowing (all documented in TRANSPORTS.md (the twin section)):
 * - WebSocket only (see engine.ts), default namespace only, no binary packets.
 * - The generation is configured (`eio`), never sniffed: a 2.x server ignores `EIO=4`, and a 4.x
 *   server refuses `EIO=3` unless `allowEIO3`. An EIO 4 client that meets a 2.x server notices the
 *   sid-less CONNECT and fails with a clear error instead of waiting for a ping that never comes.
 * - A server-side disconnect (`41`) is retried like a lost link: for TWIN it usually means the
 *   session closed, and the retry then meets a CONNECT_ERROR (`44`), which stops the loop.
 */
import { Backoff, type BackoffOptions } from '../../core/backoff';
import { Emitter } from '../../core/emitter';
import { isObj, str } from '../../core/guards';
import { log } from '../../core/log';
import { type Eio, Engine, engineUrl, globalTimers, type Timers, type WebSocketCtor } from './engine';
import {
  ACK,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  decodePacket,
  EVENT,
  encodePacket,
  type Packet,
} from './parser';

export interface SocketIoOptions {
  /** Server origin, http(s) or ws(s), e.g. `https://tcl.twin24.ai`. */
  url: string;
  /** Engine.IO path. Default `/socket.io/`. */
  path?: string;
  /** Extra query parameters (TWIN: `{ key: sessionId }`). Never logged. */
  query?: Record<string, string>;
  /** 3 for Socket.IO 2.x servers, 4 for 3.x/4.x. Default 4. */
  eio?: Eio;
  /** EIO 4 only: payload of the CONNECT packet (`40{auth}`). */
  auth?: Record<string, unknown>;
  /** Default `globalThis.WebSocket`; Node tests pass the `ws` package's class. */
  WebSocket?: WebSocketCtor;
  /** Reconnect after a lost link. Default true. */
  reconnection?: boolean;
  /** Reconnection delays. Default: 1 s start, 30 s cap, jitter (core/backoff). */
  backoff?: BackoffOptions;
  /** Milliseconds from opening the socket to CONNECT before the attempt counts as failed. Default 20000. */
  timeoutMs?: number;
  timers?: Timers;
  /** Events kept while not connected; the oldest are dropped beyond it. Default 100. */
  maxQueue?: number;
}

export interface ConnectError {
  message: string;
  /**
   * `refused`: the server answered CONNECT_ERROR (e.g. a middleware rejected the query);
   * `protocol`: wrong Engine.IO generation or no WebSocket; `transport`: the attempt failed.
   */
  code: 'refused' | 'protocol' | 'transport';
  /** True when retrying cannot help (refused, protocol): reconnection stopped. */
  fatal: boolean;
}

export interface SocketIoClientEvents {
  connect: undefined;
  disconnect: string;
  connect_error: ConnectError;
  /** A reconnection attempt was scheduled `delayMs` from now. */
  reconnect_attempt: { attempt: number; delayMs: number };
}

type Fn = (...args: unknown[]) => void;

export class SocketIoClient {
  private readonly control = new Emitter<SocketIoClientEvents>();
  private readonly events = new Emitter<Record<string, unknown[]>>();
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly eio: Eio;
  private engine: Engine | null = null;
  /** Connect timeout or reconnection delay: never both at once. */
  private timer: unknown;
  private active = false;
  private isConnected = false;
  private queue: string[] = [];
  private readonly acks = new Map<number, Fn>();
  private nextAckId = 0;

  constructor(private readonly opts: SocketIoOptions) {
    this.eio = opts.eio ?? 4;
    this.timers = opts.timers ?? globalTimers;
    this.backoff = new Backoff(opts.backoff);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Lifecycle events: connect, disconnect(reason), connect_error(err), reconnect_attempt. */
  on<K extends keyof SocketIoClientEvents>(
    event: K,
    fn: (value: SocketIoClientEvents[K]) => void,
  ): () => void {
    return this.control.on(event, fn);
  }

  /** A server event. When the server asked for an ack, the last argument is the ack function. */
  onEvent(name: string, fn: Fn): () => void {
    return this.events.on(name, (args) => fn(...args));
  }

  /** Starts connecting (idempotent). */
  connect(): void {
    if (this.active) return;
    this.active = true;
    this.open();
  }

  /** Closes and stops reconnecting (idempotent). Queued events are dropped. */
  disconnect(): void {
    this.active = false;
    this.queue = [];
    this.timers.clear(this.timer);
    if (this.isConnected) this.engine?.send(encodePacket(DISCONNECT));
    this.engine?.close('io client disconnect');
  }

  /**
   * Emits an event; a function as the last argument asks the server for an ack. Before CONNECT, and
   * while a link is closing, the event waits in the queue: a 4.x server closes the link on an event
   * that precedes CONNECT, and a closing socket drops what it is given.
   */
  emit(event: string, ...args: unknown[]): void {
    const last = args[args.length - 1];
    let id: number | undefined;
    if (typeof last === 'function') {
      args.pop();
      id = this.nextAckId++;
      this.acks.set(id, last as Fn);
    }
    const packet = encodePacket(EVENT, [event, ...args], id);
    // A link that is closing refuses the write: the event waits for the next link like one emitted
    // before CONNECT, instead of being dropped while looking sent.
    if (this.isConnected && this.engine?.send(packet)) return;
    if (this.queue.length >= (this.opts.maxQueue ?? 100)) {
      this.queue.shift();
      log.warn('socket.io: send queue full, dropped the oldest event');
    }
    this.queue.push(packet);
  }

  /**
   * The network or the tab came back: skip a reconnection delay that is running (nothing happens
   * while connected or while an attempt is under way).
   */
  retryNow(): void {
    if (!this.active || this.engine || this.isConnected) return;
    this.timers.clear(this.timer);
    this.open();
  }

  /** The machine slept: a link that looks open is probably dead. Close it; reconnection follows. */
  dropLink(reason: string): void {
    this.engine?.close(reason);
  }

  private open(): void {
    const { opts } = this;
    const url = engineUrl(opts.url, opts.path ?? '/socket.io/', this.eio, opts.query);
    const WS = opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketCtor | undefined);
    if (!WS) {
      this.fail('WebSocket is not available', 'protocol');
      return;
    }
    this.arm(opts.timeoutMs ?? 20_000, () => this.engine?.close('timeout'));
    this.engine = new Engine(url, this.eio, WS, this.timers, {
      // EIO 4 servers wait for the client's CONNECT; EIO 3 servers send theirs unasked.
      open: () => {
        if (this.eio === 4) this.engine?.send(encodePacket(CONNECT, opts.auth));
      },
      message: (data) => this.onPacket(data),
      close: (reason) => this.onClose(reason),
    });
  }

  private arm(ms: number, fn: () => void): void {
    this.timers.clear(this.timer);
    this.timer = this.timers.set(fn, ms);
  }

  private onPacket(text: string): void {
    const p = decodePacket(text);
    if (!p) {
      log.warn('socket.io: dropped a malformed, oversized or binary packet');
    } else if (p.nsp !== '/') {
      // Other namespaces are not ours.
    } else if (p.type === CONNECT) {
      this.onConnect(p.data);
    } else if (p.type === DISCONNECT) {
      this.engine?.close('io server disconnect');
    } else if (p.type === EVENT) {
      this.onEventPacket(p);
    } else if (p.type === ACK) {
      const fn = this.acks.get(p.id ?? -1);
      this.acks.delete(p.id ?? -1);
      fn?.(...(Array.isArray(p.data) ? p.data : []));
    } else if (p.type === CONNECT_ERROR) {
      // EIO 3 sends a string, EIO 4 `{ message, data }`.
      const d = p.data;
      this.fail(str(d, 500) ?? (isObj(d) ? str(d.message, 500) : undefined) ?? 'connect error', 'refused');
    }
  }

  private onConnect(data: unknown): void {
    if (this.isConnected) return;
    if (this.eio === 4 && !(isObj(data) && str(data.sid))) {
      // A 2.x server connects `/` by itself with a bare `40`: it speaks EIO 3 and will never ping.
      this.fail('the server speaks Engine.IO 3 (Socket.IO 2.x): configure eio 3', 'protocol');
      return;
    }
    this.timers.clear(this.timer);
    this.isConnected = true;
    this.backoff.reset();
    // Flush before telling listeners, so what they emit on `connect` follows what was queued.
    const queued = this.queue;
    this.queue = [];
    for (const packet of queued) this.engine?.send(packet);
    this.control.emit('connect', undefined);
  }

  private onEventPacket(p: Packet): void {
    const data = p.data;
    if (!Array.isArray(data) || typeof data[0] !== 'string') {
      log.warn('socket.io: dropped an event without a name');
      return;
    }
    const [name, ...args] = data as [string, ...unknown[]];
    const { id } = p;
    if (id !== undefined) {
      const engine = this.engine;
      let done = false;
      // An ack belongs to this link: after a reconnect the server no longer waits for it.
      args.push((...reply: unknown[]) => {
        if (done || engine !== this.engine) return;
        done = true;
        engine?.send(encodePacket(ACK, reply, id));
      });
    }
    this.events.emit(name, args);
  }

  /** An error retrying cannot fix: report it and stop. */
  private fail(message: string, code: ConnectError['code']): void {
    this.active = false;
    this.control.emit('connect_error', { message, code, fatal: true });
    this.engine?.close('connect error');
  }

  private onClose(reason: string): void {
    const wasConnected = this.isConnected;
    this.engine = null;
    this.isConnected = false;
    this.acks.clear();
    this.timers.clear(this.timer);
    if (wasConnected) this.control.emit('disconnect', reason);
    else if (this.active)
      this.control.emit('connect_error', { message: reason, code: 'transport', fatal: false });
    if (!this.active) return;
    if (this.opts.reconnection === false) {
      this.active = false;
      return;
    }
    const delayMs = this.backoff.next();
    this.arm(delayMs, () => this.open());
    this.control.emit('reconnect_attempt', { attempt: this.backoff.attempts, delayMs });
  }
}
