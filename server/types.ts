/**
 * The reference backend is one HTTP server with one module per protocol. Each module handles its
 * own REST routes and attaches its own WebSocket / Socket.IO endpoints to the shared server.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Limits } from './limits';

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
  /** Hooks for fault tests and the soak (scripts/soak.ts); every module that can be soaked has them. */
  readonly testing?: TestHooks;
}

/**
 * What a fault test needs to know without guessing or sleeping: the server says what it accepted and
 * sends what the test asks, at the moment the test asks.
 */
export interface TestHooks {
  /**
   * Runs for every visitor message the module received, in order. `repeat`: the module recognised
   * it as a resend of one it already stored (by an id the seed protocol does not have) and did not
   * store it again; a backend built from the seed alone would have. Returns the unsubscribe.
   */
  onVisitorMessage(fn: VisitorListener): () => void;
  /**
   * Sends a bot message to a conversation now: stored (for history or redelivery) and written to
   * every live socket of it. Returns the message's id.
   */
  say(conversation: string, text: string): string;
}

export type VisitorListener = (conversation: string, text: string, repeat: boolean) => void;

/**
 * Module state that outlives one server (tests that restart the server "keeping its state"): pass
 * the same object to every `startServer` call; each module keeps its store under its name.
 */
export type ServerState = Record<string, unknown>;

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
  /** `npm start` only: the port of the nginx + nchan demo in front of this server. */
  nchanPort?: number;
  /** False: the demo bot stays silent (the soak answers through `testing.say`). Default true. */
  bot?: boolean;
  /** Keep module state here, across restarts (see ServerState). */
  state?: ServerState;
  /** Tighter (or looser) caps than server/limits.ts's LIMITS, e.g. for tests of the bounds. */
  limits?: Partial<Limits>;
  /**
   * With it, a visitor's user id (ws-chat `userId`, TWIN `clientExternalId`) is accepted only with
   * `userHash` = HMAC-SHA256(secret, id) in hex (server/identity.ts). Without it, ids are taken as given.
   */
  identitySecret?: string;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly modules: ReadonlyMap<string, ProtocolModule>;
  dropConnections(): void;
  /**
   * Stops the server. `graceful`: HTTP requests already being handled get their answer first (a
   * deployment's restart); otherwise every connection is cut at once (a crash).
   */
  close(options?: { graceful?: boolean }): Promise<void>;
}
