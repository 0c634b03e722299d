/**
 * A GO-POSTOFFICE router that behaves as the real one does (docs/protocols.md; observed on the router
 * built from its public source), traps included, so the widget is tested against them:
 * - one connection per `clientID`; `startTime` (else the current second) must be strictly larger
 *   than the one recorded for that clientID while an entry exists, or the handshake gets 409;
 * - a newer connection closes the older one abruptly (no close frame: 1006 at the client);
 * - the disconnect cleanup of the real router panics, so the entry and its startTime stay behind
 *   after a close (hence 409s after a clean close for a client that sends no startTime); a failed
 *   delivery to such a dead entry removes the entry but not its startTime;
 * - 503 over `maxConnections` (checked first), 400 without clientID; the token is not checked
 *   (unless `checkToken` is given, for tests of a deployment that does);
 * - frames are relayed unchanged to `to` (a string or an array); `from` is not verified; non-JSON
 *   frames, frames without `to` and frames for offline mailboxes are dropped silently;
 * - a WebSocket ping frame goes before every delivered frame; idle connections are never timed out.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export interface RouterOptions {
  /** The socket endpoint's path (the real router serves `/ws`). */
  path: string;
  maxConnections: number;
  /** When given, a handshake whose `token` fails it gets 401. The real router checks nothing. */
  checkToken?: (token: string | null) => boolean;
  /**
   * Mailboxes remembered (entry and startTime). The real router keeps every one for good; ours
   * forgets the oldest not connected beyond this (limits.ts), so made-up clientIDs cannot grow it.
   */
  maxMailboxes?: number;
  log(line: string): void;
}

/** Where the router delivers a mailbox's frames: a socket, or an in-process service (the demo bot). */
interface Mailbox {
  /** False when the mailbox is dead (the router then forgets it). */
  deliver(raw: string): boolean;
  /** The abrupt close of an evicted connection. */
  evict(): void;
  /** True while connected (the bot's mailbox always is). */
  open(): boolean;
}

export interface RouterStats {
  delivered: number;
  dropped: number;
  evicted: number;
  refused: Record<number, number>;
}

const MAX_FRAME_BYTES = 1024 * 1024;

export class Router {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly clients = new Map<string, Mailbox>();
  private readonly times = new Map<string, number>();
  private connections = 0;
  private closed = false;
  readonly stats: RouterStats = { delivered: 0, dropped: 0, evicted: 0, refused: {} };

  constructor(private readonly options: RouterOptions) {}

  attach(server: Server): void {
    // Only our path: other modules listen to the same event for theirs.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== this.options.path) return;
      socket.on('error', () => socket.destroy());
      this.handshake(req, socket, head, url);
    });
  }

  private handshake(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const id = url.searchParams.get('clientID') ?? '';
    const ts = startTimeOf(url.searchParams.get('startTime'));
    const refusal = this.refusal(url, id, ts);
    if (refusal) {
      this.refuse(socket, ...refusal);
      return;
    }
    const old = this.clients.get(id);
    if (old) {
      old.evict();
      this.clients.delete(id);
      this.times.delete(id);
      this.stats.evicted += 1;
      this.options.log('postoffice: evicted the older connection of a mailbox');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(id, ws, ts));
  }

  /** The real router's checks, in its order: connection limit, token, clientID, startTime. */
  private refusal(url: URL, id: string, ts: number): [number, string, string] | null {
    if (this.closed || this.connections >= this.options.maxConnections)
      return [503, 'Service Unavailable', 'Connection limit reached'];
    if (this.options.checkToken && !this.options.checkToken(url.searchParams.get('token')))
      return [401, 'Unauthorized', 'Unauthorized'];
    if (!id) return [400, 'Bad Request', 'Client ID is required'];
    const recorded = this.clients.has(id) ? this.times.get(id) : undefined;
    if (recorded !== undefined && recorded >= ts)
      return [409, 'Conflict', 'Connection rejected: newer connection exists'];
    return null;
  }

  private adopt(id: string, ws: WebSocket, ts: number): void {
    this.connections += 1;
    this.clients.set(id, {
      deliver(raw) {
        if (ws.readyState !== ws.OPEN) return false;
        ws.ping();
        ws.send(raw);
        return true;
      },
      evict: () => ws.terminate(),
      open: () => ws.readyState === ws.OPEN,
    });
    this.times.set(id, ts);
    this.forgetOldMailboxes();
    this.options.log(`postoffice: connected (${this.connections} open)`);
    // binaryType is 'nodebuffer': one Buffer per frame. Binary frames are relayed like text ones.
    ws.on('message', (data: RawData) => this.route(String(data)));
    ws.on('error', () => {});
    ws.on('close', () => {
      this.connections -= 1;
      // The real router's cleanup panics here: its entry and startTime stay. So do ours.
    });
  }

  /** An in-process mailbox (the demo bot). Nobody can take it over: its startTime is the largest. */
  register(id: string, deliver: (raw: string) => void): void {
    this.clients.set(id, {
      deliver: (raw) => {
        deliver(raw);
        return true;
      },
      evict: () => {},
      open: () => true,
    });
    this.times.set(id, Number.MAX_SAFE_INTEGER);
  }

  /** Beyond `maxMailboxes`, the least recently connected ids not connected now are forgotten. */
  private forgetOldMailboxes(): void {
    const max = this.options.maxMailboxes;
    if (max === undefined) return;
    for (const id of this.times.keys()) {
      if (this.times.size <= max) return;
      if (this.clients.get(id)?.open()) continue;
      this.times.delete(id);
      this.clients.delete(id);
    }
  }

  /** Relays a frame, as the router does with every frame any mailbox sends. */
  route(raw: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      this.stats.dropped += 1;
      return;
    }
    const to = typeof frame === 'object' && frame !== null ? (frame as { to?: unknown }).to : undefined;
    if (to === undefined) {
      this.stats.dropped += 1;
      return;
    }
    for (const target of Array.isArray(to) ? to : [to]) this.deliver(String(target), raw);
  }

  private deliver(target: string, raw: string): void {
    const mailbox = this.clients.get(target);
    if (mailbox?.deliver(raw)) {
      this.stats.delivered += 1;
      return;
    }
    // A dead entry is forgotten, its startTime is not (as in the real router).
    if (mailbox) this.clients.delete(target);
    this.stats.dropped += 1;
  }

  /** The startTime recorded for a mailbox (tests of the 409 rule). */
  recordedStartTime(id: string): number | undefined {
    return this.times.get(id);
  }

  /** Open sockets right now (dead entries are not counted). */
  get openConnections(): number {
    return this.connections;
  }

  /** Sockets open now. */
  count(): number {
    return this.wss.clients.size;
  }

  /** Abrupt drop of every socket, as a lost network: the router keeps the entries. */
  dropConnections(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  close(): Promise<void> {
    this.closed = true;
    this.dropConnections();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private refuse(socket: Duplex, code: number, status: string, body: string): void {
    this.stats.refused[code] = (this.stats.refused[code] ?? 0) + 1;
    this.options.log(`postoffice: refused a handshake with ${code}`);
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${code} ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${body.length + 1}\r\n\r\n${body}\n`,
    );
  }
}

/** Go's `strconv.ParseInt` with the error ignored: anything but an integer is 0. */
function startTimeOf(param: string | null): number {
  if (param === null || param === '') return Math.floor(Date.now() / 1000);
  return /^[+-]?\d{1,18}$/.test(param) ? Number(param) : 0;
}
