/**
 * socket.io 2.5.1 ships no typings. This is the small part the TWIN module and the client tests use,
 * installed under the npm alias `socket.io-v2`.
 */
declare module 'socket.io-v2' {
  import type { Server as HttpServer } from 'node:http';

  export interface ServerOptionsV2 {
    path?: string;
    serveClient?: boolean;
    pingInterval?: number;
    pingTimeout?: number;
    /** engine.io: leave upgrades on other paths alone (another module serves them). */
    destroyUpgrade?: boolean;
    transports?: string[];
    cookie?: boolean | string;
  }

  /** The engine.io 3 connection under a socket. */
  export interface EngineSocketV2 {
    readonly protocol?: number;
    close(): void;
    on(event: 'packet', fn: (packet: { type: string; data?: unknown }) => void): void;
  }

  export interface SocketV2 {
    readonly id: string;
    readonly connected: boolean;
    readonly handshake: { query: Record<string, string | undefined> };
    readonly conn: EngineSocketV2;
    emit(event: string, ...args: unknown[]): boolean;
    on(event: string, fn: (...args: never[]) => void): this;
    join(room: string): this;
    disconnect(close?: boolean): this;
  }

  export interface ServerV2 {
    on(event: 'connection', fn: (socket: SocketV2) => void): this;
    use(fn: (socket: SocketV2, next: (err?: Error) => void) => void): this;
    to(room: string): { emit(event: string, ...args: unknown[]): boolean };
    attach(server: HttpServer, options?: ServerOptionsV2): this;
    /** Also closes the attached http server. */
    close(fn?: () => void): void;
    readonly engine: { close(): void; readonly clientsCount: number };
    readonly sockets: { sockets: Record<string, SocketV2> };
  }

  const createServer: (options?: ServerOptionsV2) => ServerV2;
  export default createServer;
}
