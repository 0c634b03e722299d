/**
 * TWIN's Socket.IO endpoint at `/operator/socket.io/?key={sessionId}`, with the real socket.io
 * from npm: 2.5.1 (EIO 3, what TWIN documents) by default, 4.8.4 on request (optionally accepting
 * EIO 3 too). Unknown keys are refused by a middleware, so the client gets a CONNECT_ERROR it can
 * act on rather than an anonymous failed upgrade.
 */
import type { Server as HttpServer } from 'node:http';
import ioV2 from 'socket.io-v2';
import { Server as IoV4 } from 'socket.io-v4';

export const TWIN_SOCKET_PATH = '/operator/socket.io/';

export interface TwinSocketsOptions {
  generation: 2 | 4;
  allowEio3: boolean;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** True when the key names a live session. */
  accepts(key: string): boolean;
  /** A socket joined the session (after CONNECT). */
  onJoin(key: string, socket: TwinSocket): void;
  /** `messageReceived` arrived for the session. */
  onReceived(key: string, payload: unknown): void;
  log(line: string): void;
}

/** The part of a v2 or v4 server socket we use. */
export interface TwinSocket {
  emit(event: string, ...args: unknown[]): boolean;
  on(event: string, fn: (...args: never[]) => void): unknown;
  join(room: string): unknown;
  readonly handshake: { query: Record<string, unknown> };
  readonly conn: { close(): void };
}

interface AnyIo {
  use(fn: (socket: TwinSocket, next: (err?: Error) => void) => void): unknown;
  on(event: 'connection', fn: (socket: TwinSocket) => void): unknown;
  to(room: string): { emit(event: string, ...args: unknown[]): boolean };
  readonly engine: { close(): void; readonly clientsCount: number };
}

export class TwinSockets {
  private io: AnyIo | null = null;
  private readonly live = new Set<TwinSocket>();

  constructor(private readonly options: TwinSocketsOptions) {}

  attach(server: HttpServer): void {
    const o = this.options;
    const common = {
      path: TWIN_SOCKET_PATH,
      serveClient: false,
      pingInterval: o.pingIntervalMs,
      pingTimeout: o.pingTimeoutMs,
      // Engine.IO otherwise ends every upgrade it does not own after 1 s: ws-chat's /ws/chat too.
      destroyUpgrade: false,
    };
    const io = (o.generation === 2
      ? ioV2(common).attach(server, common)
      : new IoV4(server, { ...common, allowEIO3: o.allowEio3, cors: { origin: '*' } })) as unknown as AnyIo;
    io.use((socket, next) => {
      const key = socket.handshake.query.key;
      if (typeof key === 'string' && o.accepts(key)) next();
      else next(new Error('unknown session'));
    });
    io.on('connection', (socket) => {
      const key = socket.handshake.query.key as string;
      this.live.add(socket);
      socket.join(key);
      o.log(`twin: socket joined a session (${this.live.size} live)`);
      socket.on('messageReceived', (payload: unknown) => o.onReceived(key, payload));
      socket.on('disconnect', () => this.live.delete(socket));
      o.onJoin(key, socket);
    });
    this.io = io;
  }

  /** Emit to every socket of a session. */
  emit(key: string, event: string, payload: unknown): void {
    this.io?.to(key).emit(event, payload);
  }

  /** Engine.IO connections open now (whether or not they joined a session). */
  count(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  /** Close every connection at the Engine.IO level, as a lost network would (no `41` first). */
  drop(): void {
    for (const socket of this.live) socket.conn.close();
  }

  close(): void {
    this.drop();
    // Not io.close(): both generations would close the shared http server with it.
    this.io?.engine.close();
    this.io = null;
  }
}
