/**
 * The reference backend is one HTTP server with one module per protocol. Each module handles its
 * own REST routes and attaches its own WebSocket / Socket.IO endpoints to the shared server.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ProtocolModule {
  readonly name: string;
  /** Handle an HTTP request; resolve true when this module answered it. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  /** Attach WebSocket or Socket.IO endpoints to the shared HTTP server. */
  attach(server: Server): void | Promise<void>;
  /** Drop every live connection without stopping the server (tests of reconnection). */
  dropConnections(): void;
  /** Connections open right now at the transport level (tests: no orphan sockets survive). */
  openSockets(): number;
  /** Texts of the visitor messages the module accepted, oldest first (tests: delivered once). */
  visitorTexts(): string[];
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Default 127.0.0.1. Tests never bind anything else. */
  host?: string;
  /** 0 lets the OS choose. */
  port?: number;
  /** Delay before the demo bot answers, in ms (tests of typing and ordering). */
  replyDelayMs?: number;
  /** Directory served as static files (demo pages, dist/parley.js). Default: the repo root. */
  root?: string;
  /** Socket.IO generation for the TWIN module: 2 (EIO 3, default) or 4. */
  twinSocketIo?: 2 | 4;
  /** With socket.io 4: accept EIO 3 clients too. */
  twinAllowEio3?: boolean;
  /** Print one line per request and connection. */
  verbose?: boolean;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly modules: ReadonlyMap<string, ProtocolModule>;
  dropConnections(): void;
  close(): Promise<void>;
}
