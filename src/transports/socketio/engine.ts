/**
 * Engine.IO over one WebSocket: the URL, the open packet and the heartbeat. Nothing else.
 *
 * WebSocket only, on purpose: no long-polling fallback and no upgrade. Every browser the widget
 * supports has WebSocket, and polling would double the size of this client. A network that blocks
 * WebSocket (some corporate proxies) therefore cannot reach a Socket.IO backend through this client.
 *
 * The heartbeat runs in opposite directions in the two generations (PROTOCOLS.md, section 2):
 * - EIO 3: the client sends `2` every pingInterval and expects `3` within pingTimeout;
 * - EIO 4: the server sends `2`, the client answers `3` at once, and a link that brings no ping
 *   within pingInterval + pingTimeout is dead.
 * Either way a dead link is noticed by our own timer, not by the browser's TCP timeout.
 */
import { isObj, num, str } from '../../core/guards';
import { log } from '../../core/log';

/**
 * Handler properties checked bivariantly (the method-signature trick of React's typings), so both
 * the browser's WebSocket and the `ws` package's class, with their richer event types, fit.
 */
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The part of the WebSocket API we use. */
export interface WebSocketLike {
  /** 1 is OPEN; anything else refuses `send` (the browser logs an error and drops the frame). */
  readonly readyState: number;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code?: number }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

/** Injectable clock for tests; the default uses the global timers, looked up at call time. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
  /** Milliseconds on the same clock as the timers (to notice a timer that fired late). */
  now(): number;
}
export const globalTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** A timer this much (or half its delay) behind its time fired on a busy main thread. */
const LATE_MS = 1000;

/** WebSocket.OPEN, without relying on a global WebSocket (Node tests inject one). */
const OPEN = 1;

export type Eio = 3 | 4;

export interface Handshake {
  sid: string;
  pingInterval: number;
  pingTimeout: number;
  /** EIO 4 only: the largest frame the server accepts (it closes the link on a larger one). */
  maxPayload?: number;
}

/**
 * `{base}{path}?EIO=…&transport=websocket&{query}` with http(s) turned into ws(s). The caller's
 * query cannot override EIO or transport.
 */
export function engineUrl(base: string, path: string, eio: Eio, query: Record<string, string> = {}): string {
  const url = new URL(base);
  url.protocol = url.protocol.replace(/^http/, 'ws');
  url.pathname = path;
  url.search = new URLSearchParams({ ...query, EIO: String(eio), transport: 'websocket' }).toString();
  return url.href;
}

/** Decodes the body of an open packet (`0{…}`); null when it is not a usable handshake. */
export function decodeHandshake(body: string): Handshake | null {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObj(raw)) return null;
  const sid = str(raw.sid, 256);
  const pingInterval = num(raw.pingInterval);
  const pingTimeout = num(raw.pingTimeout);
  if (!sid || !pingInterval || !pingTimeout) return null;
  const hs: Handshake = { sid, pingInterval, pingTimeout };
  const maxPayload = num(raw.maxPayload);
  if (maxPayload) hs.maxPayload = maxPayload;
  return hs;
}

export interface EngineCallbacks {
  open(hs: Handshake): void;
  /** The payload of one Engine.IO message packet (`4…`), i.e. a Socket.IO packet. */
  message(data: string): void;
  /** Called once, whoever closed. */
  close(reason: string): void;
}

export class Engine {
  private readonly ws: WebSocketLike;
  private hs: Handshake | null = null;
  /** One slot is enough: EIO 3 alternates "next ping" and "pong due"; EIO 4 has only "ping due". */
  private timer: unknown;
  private closed = false;

  constructor(
    url: string,
    private readonly eio: Eio,
    WS: WebSocketCtor,
    private readonly timers: Timers,
    private readonly cb: EngineCallbacks,
  ) {
    this.ws = new WS(url);
    this.ws.onmessage = (ev) => this.onFrame(ev.data);
    this.ws.onclose = (ev) => this.close(`transport close${ev.code ? ` (${ev.code})` : ''}`);
    this.ws.onerror = () => this.close('transport error');
  }

  /**
   * Sends one Engine.IO message packet; false when the link is not open (closing counts: the frame
   * would be dropped while looking sent) or the frame is too big.
   */
  send(data: string): boolean {
    if (this.closed || !this.hs || this.ws.readyState !== OPEN) return false;
    if (this.hs.maxPayload && data.length + 1 > this.hs.maxPayload) {
      log.warn(`socket.io: dropped a ${data.length}-byte packet over the server's maxPayload`);
      return false;
    }
    this.ws.send(`4${data}`);
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.clear(this.timer);
    // Keep no-op handlers rather than null: the `ws` package throws on an unhandled 'error' event
    // when a socket still connecting is closed.
    const noop = () => {};
    this.ws.onmessage = this.ws.onclose = this.ws.onerror = noop;
    try {
      this.ws.close();
    } catch {
      // Already closed or never opened: nothing to do.
    }
    this.cb.close(reason);
  }

  private arm(ms: number, fn: () => void): void {
    this.timers.clear(this.timer);
    this.timer = this.timers.set(fn, ms);
  }

  private schedulePing(hs: Handshake): void {
    this.arm(hs.pingInterval, () => {
      if (this.ws.readyState === OPEN) this.ws.send('2');
      this.armDeadline(hs.pingTimeout);
    });
  }

  private expectPing(hs: Handshake): void {
    this.armDeadline(hs.pingInterval + hs.pingTimeout);
  }

  /**
   * The heartbeat's deadline. A deadline that fires late means the main thread was busy (a long
   * render, a frozen tab): the frame that would have met it may be waiting in the queue behind
   * this timer, so the link gets the same time again before it counts as dead. A busy page must
   * not cost a healthy link (and with it acknowledgements in flight).
   */
  private armDeadline(ms: number, graced = false): void {
    const due = this.timers.now() + ms;
    this.arm(ms, () => {
      const late = this.timers.now() - due > Math.max(LATE_MS, ms / 2);
      if (late && !graced) this.armDeadline(ms, true);
      else this.close('ping timeout');
    });
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') {
      // Binary Socket.IO packets are not supported (TWIN sends JSON only): say so and go on.
      log.warn('socket.io: ignored a binary frame (not supported)');
      return;
    }
    const body = data.slice(1);
    const { hs } = this;
    switch (data[0]) {
      case '0': {
        const next = decodeHandshake(body);
        if (!next || hs) {
          this.close('bad handshake');
          return;
        }
        this.hs = next;
        if (this.eio === 3) this.schedulePing(next);
        else this.expectPing(next);
        this.cb.open(next);
        return;
      }
      case '1':
        this.close('transport close');
        return;
      case '2':
        if (hs && this.eio === 4) {
          if (this.ws.readyState === OPEN) this.ws.send('3');
          this.expectPing(hs);
        }
        return;
      case '3':
        if (hs && this.eio === 3) this.schedulePing(hs);
        return;
      case '4':
        if (hs) this.cb.message(body);
        return;
      default:
      // `6` (noop) and anything unknown: nothing to do.
    }
  }
}
