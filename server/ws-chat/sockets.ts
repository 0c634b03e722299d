/**
 * The `/ws/chat` endpoint: token check at the handshake, one set of sockets per customer, and a
 * server-side ping so dead links are noticed (the flat generation defines no app-level heartbeat;
 * the envelope generation's `ping` event is answered by the module, not here).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { requestOrigin } from '../http';
import { rawToString, refuse } from '../ws';
import type { Customer } from './store';

export const WS_PATH = '/ws/chat';
/** Frames above this are refused by `ws` itself (close 1009); content has its own 8 KB limit. */
const MAX_FRAME_BYTES = 64 * 1024;

export interface SocketHubOptions {
  pingIntervalMs: number;
  /** The customer a token belongs to, or undefined to refuse the handshake with 401. */
  authenticate(token: string | null): Customer | undefined;
  /** A text frame from a visitor's socket; `origin` is the one the socket connected to. */
  onText(customer: Customer, socket: WebSocket, text: string, origin: string): void;
  log(line: string): void;
}

export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly byCustomer = new Map<string, Set<WebSocket>>();
  /** Sockets that answered the last ping (or are new since then). */
  private readonly alive = new WeakSet<WebSocket>();
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SocketHubOptions) {}

  attach(server: Server): void {
    // Only our path: other modules (Socket.IO) listen to the same event for their own paths,
    // so anything else is left untouched, neither answered nor destroyed.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== WS_PATH && url.pathname !== `${WS_PATH}/`) return;
      socket.on('error', () => socket.destroy());
      if (this.closed) return refuse(socket, '503 Service Unavailable');
      const customer = this.options.authenticate(url.searchParams.get('token'));
      if (!customer) {
        this.options.log(`ws-chat: refused ${WS_PATH} (unknown token)`); // never the token itself
        return refuse(socket, '401 Unauthorized');
      }
      const origin = requestOrigin(req, 'http://127.0.0.1');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws, customer, origin));
    });
    this.pingTimer = setInterval(() => this.pingAll(), this.options.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Sockets open now. */
  count(): number {
    return this.wss.clients.size;
  }

  private adopt(ws: WebSocket, customer: Customer, origin: string): void {
    let sockets = this.byCustomer.get(customer.id);
    if (!sockets) {
      sockets = new Set();
      this.byCustomer.set(customer.id, sockets);
    }
    sockets.add(ws);
    this.alive.add(ws);
    this.options.log(`ws-chat: connected (${this.wss.clients.size} open)`);

    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return this.options.log('ws-chat: ignored a binary frame');
      this.options.onText(customer, ws, rawToString(data), origin);
    });
    ws.on('error', (error) => this.options.log(`ws-chat: socket error: ${error.message}`));
    ws.on('close', () => {
      sockets.delete(ws);
      if (sockets.size === 0 && this.byCustomer.get(customer.id) === sockets)
        this.byCustomer.delete(customer.id);
    });
  }

  /** Terminate sockets that did not answer the previous ping, ping the others. */
  private pingAll(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        this.options.log('ws-chat: no pong since the last ping, terminating');
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  /**
   * Send to every open socket of a customer (all their tabs see the same conversation), except
   * `skip`: the envelope generation does not echo a message to the socket that sent it.
   */
  broadcast(customerId: string, frame: unknown, skip?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const ws of this.byCustomer.get(customerId) ?? []) {
      if (ws !== skip && ws.readyState === WebSocket.OPEN) ws.send(text);
    }
  }

  sendTo(ws: WebSocket, frame: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  /** Abrupt drop, as a network failure would look: no close frame. */
  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** Polite close with a code the client can act on (4001 = get a new token). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.wss.clients) ws.close(code, reason);
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pingTimer);
    this.terminateAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
