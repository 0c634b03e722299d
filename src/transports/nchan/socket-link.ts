/**
 * One WebSocket to an nchan channel with the `ws+meta.nchan` subprotocol, and its heartbeat.
 *
 * `PING` → `PONG` does two jobs. Keep-alive: a PING every `pingMs`, and a PONG missing after
 * `pongTimeoutMs` means the link is dead (browsers show no WebSocket pings to scripts, and TCP can
 * take minutes to notice). Confirmation: nginx handles a socket's frames in order, so the PONG to a
 * PING written right after a message proves nchan took that message; `write()` returns the number
 * of the PING whose PONG confirms it.
 *
 * Only locations with `nchan_websocket_client_heartbeat PING PONG` answer; elsewhere a PING is
 * published like a message (seed 004's own config). So the first PING is a probe: a PONG proves the
 * heartbeat, our PING coming back as a message (single channel) or no answer at all means there is
 * none, and the link stops pinging. The adapter remembers the answer per backend.
 */

import { closeQuietly } from '../close-quietly';
import { PING, PONG, type RawFrame, SUBPROTOCOL, splitFrame } from './protocol';

/** What this backend does with a PING: answers PONG, publishes it, or not known yet. */
export type Heartbeat = 'yes' | 'no' | 'unknown';

export interface SocketLinkHandlers {
  open(): void;
  frame(frame: RawFrame): void;
  /** `count` PONGs received so far: every write numbered up to it is confirmed. */
  pong(count: number): void;
  /** The heartbeat question was answered. */
  heartbeat(answer: 'yes' | 'no'): void;
  /** The socket closed (`opened` false: it never opened). Not called after `close()`. */
  closed(opened: boolean, code: number): void;
  /** A PING went unanswered on a backend known to answer: the link is dead. */
  dead(): void;
}

export interface SocketLinkOptions {
  url: string;
  WebSocket: typeof WebSocket;
  heartbeat: Heartbeat;
  pingMs: number;
  pongTimeoutMs: number;
}

export class SocketLink {
  private readonly ws: WebSocket;
  private heartbeat: Heartbeat;
  private pings = 0;
  private pongs = 0;
  private opened = false;
  private done = false;
  private interval: ReturnType<typeof setInterval> | undefined;
  private readonly deadlines = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly options: SocketLinkOptions,
    private readonly on: SocketLinkHandlers,
  ) {
    this.heartbeat = options.heartbeat;
    const ws = new options.WebSocket(options.url, SUBPROTOCOL);
    this.ws = ws;
    ws.onopen = () => {
      this.opened = true;
      this.on.open();
      if (this.heartbeat === 'no') return;
      this.ping();
      this.interval = setInterval(() => this.ping(), options.pingMs);
    };
    ws.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    ws.onclose = (ev: CloseEvent) => {
      if (this.done) return;
      this.stop();
      this.on.closed(this.opened, ev.code);
    };
    ws.onerror = () => {
      // `close` always follows and decides.
    };
  }

  get isOpen(): boolean {
    return this.opened && !this.done && this.ws.readyState === 1;
  }

  /**
   * Writes a frame. Returns the number of the PING whose PONG will confirm it, or 0 when this
   * backend has no heartbeat (nothing will confirm it but an echo or a reply).
   */
  write(frame: string): number {
    this.ws.send(frame);
    return this.heartbeat === 'no' ? 0 : this.ping();
  }

  /** Closes without calling `closed` (the adapter already knows). Idempotent. */
  close(): void {
    if (this.done) return;
    this.stop();
    closeQuietly(this.ws);
  }

  private stop(): void {
    this.done = true;
    clearInterval(this.interval);
    for (const t of this.deadlines) clearTimeout(t);
    this.deadlines.clear();
  }

  private ping(): number {
    if (!this.isOpen || this.heartbeat === 'no') return 0;
    const seq = ++this.pings;
    this.ws.send(PING);
    const timer = setTimeout(() => {
      this.deadlines.delete(timer);
      if (this.pongs >= seq || this.done) return;
      if (this.heartbeat === 'yes') this.on.dead();
      else this.learn('no');
    }, this.options.pongTimeoutMs);
    this.deadlines.add(timer);
    return seq;
  }

  private receive(data: unknown): void {
    if (data === PONG) {
      this.pongs++;
      if (this.heartbeat !== 'yes') this.learn('yes');
      this.on.pong(this.pongs);
      return;
    }
    const frame = splitFrame(data, this.ws.protocol === SUBPROTOCOL);
    if (!frame) return;
    if (frame.body === PING) {
      // Our PING, published and delivered back: this location has no heartbeat.
      if (this.heartbeat !== 'no') this.learn('no');
      return;
    }
    this.on.frame(frame);
  }

  private learn(answer: 'yes' | 'no'): void {
    this.heartbeat = answer;
    if (answer === 'no') {
      clearInterval(this.interval);
      for (const t of this.deadlines) clearTimeout(t);
      this.deadlines.clear();
    }
    this.on.heartbeat(answer);
  }
}
