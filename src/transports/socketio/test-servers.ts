/**
 * Test helpers (Node only, never bundled): real socket.io 2.5.1 and 4.8.4 servers on 127.0.0.1,
 * a TCP proxy that can silently stop forwarding (a dead link without a close), fake timers and a
 * fake WebSocket for unit tests, and condition waits (no fixed sleeps).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Socket as TcpSocket, connect as tcpConnect } from 'node:net';
import ioV2 from 'socket.io-v2';
import { Server as IoV4 } from 'socket.io-v4';
import type { Timers } from './engine';

export type Flavor = 'v2' | 'v4' | 'v4-eio3';

/** The part of a server-side socket the tests use; v2 and v4 sockets both fit. */
export interface ServerSocket {
  readonly connected: boolean;
  emit(event: string, ...args: unknown[]): boolean;
  disconnect(close?: boolean): unknown;
}

export interface IoTestServer {
  readonly url: string;
  readonly port: number;
  /** Sockets that completed CONNECT, in order. */
  readonly sockets: ServerSocket[];
  /** Every `hello` event received, with its arguments. */
  readonly hellos: unknown[][];
  /** Heartbeat packets received: `ping` from EIO 3 clients, `pong` from EIO 4 clients. */
  heartbeats: number;
  /** Abrupt stop: destroys every TCP connection, then closes. */
  stop(): Promise<void>;
}

export interface IoServerOptions {
  port?: number;
  pingInterval?: number;
  pingTimeout?: number;
  /** A middleware refuses CONNECT for `?key=<this>` (CONNECT_ERROR). */
  rejectKey?: string;
}

export async function startIoServer(flavor: Flavor, options: IoServerOptions = {}): Promise<IoTestServer> {
  const http: HttpServer = createServer();
  const tcp = new Set<TcpSocket>();
  http.on('connection', (s: TcpSocket) => {
    tcp.add(s);
    s.once('close', () => tcp.delete(s));
  });
  const common = {
    path: '/socket.io/',
    serveClient: false,
    pingInterval: options.pingInterval ?? 25_000,
    pingTimeout: options.pingTimeout ?? 5000,
  };
  const io =
    flavor === 'v2'
      ? ioV2(common).attach(http, common)
      : new IoV4(http, { ...common, allowEIO3: flavor === 'v4-eio3' });
  const state = { sockets: [] as ServerSocket[], hellos: [] as unknown[][], heartbeats: 0 };

  type Next = (err?: Error) => void;
  type Sock = {
    handshake: { query: Record<string, unknown> };
    conn: { on(e: 'packet', fn: (p: { type: string }) => void): void };
    on(e: string, fn: (...a: never[]) => void): void;
  } & ServerSocket;
  const use = io.use.bind(io) as unknown as (fn: (s: Sock, next: Next) => void) => void;
  use((socket, next) => {
    if (options.rejectKey && socket.handshake.query.key === options.rejectKey)
      next(new Error('unknown session'));
    else next();
  });
  const onConnection = (socket: Sock) => {
    state.sockets.push(socket);
    socket.conn.on('packet', (p) => {
      if (p.type === 'ping' || p.type === 'pong') state.heartbeats += 1;
    });
    socket.on('hello', (...args: unknown[]) => state.hellos.push(args));
    socket.on('sum', (a: number, b: number, ack: (r: number) => void) => ack(a + b));
  };
  (io.on as unknown as (e: 'connection', fn: (s: Sock) => void) => void).call(io, 'connection', onConnection);

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      for (const s of tcp) s.destroy();
      // Both generations close the attached http server from io.close().
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  });
}

/** A TCP proxy in front of `port`; `blackhole()` stops forwarding both ways without closing. */
export async function startProxy(port: number) {
  const sockets = new Set<TcpSocket>();
  let dead = false;
  const server = createTcpServer((client) => {
    const upstream = tcpConnect(port, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!dead) to.write(chunk);
      });
      from.on('error', () => {});
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    blackhole() {
      dead = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Manual clock for unit tests: `advance(ms)` runs what falls due, in order. */
export class FakeTimers implements Timers {
  private time = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    this.seq += 1;
    this.due.set(this.seq, { at: this.time + ms, fn });
    return this.seq;
  }
  clear(id: unknown): void {
    this.due.delete(id as number);
  }
  now(): number {
    return this.time;
  }
  get pending(): number {
    return this.due.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.due.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
  }
  /**
   * A busy main thread: the clock moves `ms` while nothing runs, then what fell due runs late,
   * timers first (the order the browser does not promise either way).
   */
  stall(ms: number): void {
    this.time += ms;
    this.advance(0);
  }
}

/** A WebSocket stand-in: records what is sent, lets the test deliver frames and closes. */
export class FakeWebSocket {
  static last: FakeWebSocket | null = null;
  readonly sent: string[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  /** 1 OPEN; `closing()` sets 2, as a close handshake under way does. */
  readyState = 1;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  /** The close handshake started (the server said goodbye); `onclose` has not fired yet. */
  closing(): void {
    this.readyState = 2;
  }
  /** Server → client frame. */
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
  /** The link drops. */
  drop(code = 1006): void {
    this.onclose?.({ code });
  }
}

/** Condition waits (polling, never a fixed sleep): the reference server's helper. */
export { waitFor as until } from '../../../server/test-helpers';
