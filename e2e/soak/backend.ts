/**
 * The reference server as the soak uses it: the demo bot silent (the soak answers), state kept
 * across restarts on the same port, and one feed of visitor messages whichever server instance
 * took them in. With nginx + nchan in front (`front: 'nchan'`), the widget talks to nginx through a
 * proxy that makes the drops, a restart is nginx's (the application behind it keeps running), and
 * the page comes through both.
 */
import { type ReferenceServerOptions, startServer } from '../../server/index';
import { startNchanFront } from '../../server/nchan/front';
import type { RunningNginx } from '../../server/nchan/nginx';
import type { ProtocolModule, RunningServer, ServerState, TestHooks } from '../../server/types';
import { type DropProxy, startDropProxy } from './proxy';
import type { SoakTransport } from './transports';

export interface VisitorArrival {
  conversation: string;
  text: string;
  /** The server recognised it as a resend and did not store it again (a seed backend would have). */
  repeat: boolean;
}

export class SoakBackend {
  private readonly state: ServerState = {};
  private server: RunningServer | null = null;
  private port = 0;
  private stopUpdates: (() => void) | null = null;
  /** Every visitor message any instance received, in order. */
  readonly arrivals: VisitorArrival[] = [];
  /** The hooks of the last instance: they keep working on the kept state after it stopped. */
  private hooks: TestHooks | null = null;
  /** `front: 'nchan'` only. */
  private nginx: RunningNginx | null = null;
  private proxy: DropProxy | null = null;

  constructor(
    private readonly transport: SoakTransport,
    private readonly onArrival: (arrival: VisitorArrival) => void,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.proxy?.port ?? this.port}`;
  }

  get running(): boolean {
    return this.nginx ? this.nginx.running : this.server !== null;
  }

  async start(): Promise<void> {
    if (this.nginx) return this.nginx.start();
    await this.startServer();
    if (this.transport.front !== 'nchan' || !this.server) return;
    const nginx = await startNchanFront(this.server);
    this.nginx = nginx;
    this.proxy = await startDropProxy(() => nginx.port);
  }

  private async startServer(): Promise<void> {
    const options: ReferenceServerOptions = {
      replyDelayMs: 0,
      ...this.transport.server,
      // The whole conversation is counted: a session keeps 500 events by default (server/limits.ts).
      limits: { eventsPerSession: 10_000, ...this.transport.server?.limits },
      bot: false,
      state: this.state,
      port: this.port,
    };
    const server = await startServer(options);
    this.server = server;
    this.port = server.port;
    const hooks = server.modules.get(this.transport.module)?.testing;
    if (!hooks) throw new Error(`the ${this.transport.module} module has no test hooks (server/types.ts)`);
    this.hooks = hooks;
    this.stopUpdates = hooks.onVisitorMessage((conversation, text, repeat) => {
      const arrival = { conversation, text, repeat };
      this.arrivals.push(arrival);
      this.onArrival(arrival);
    });
  }

  /** A deployment's restart: answers being written are finished, sockets are cut. */
  async stop(): Promise<void> {
    if (this.nginx) return this.nginx.stop();
    const server = this.server;
    this.server = null;
    this.stopUpdates?.();
    await server?.close({ graceful: true });
  }

  /** Every live connection cut at once, as a lost network would (no close frame). */
  drop(): void {
    if (this.proxy) this.proxy.drop();
    else this.server?.dropConnections();
  }

  /** A bot message, written now when the server runs, stored for later delivery anyway. */
  say(conversation: string, text: string): void {
    this.hooks?.say(conversation, text);
  }

  module(): ProtocolModule | undefined {
    return this.server?.modules.get(this.transport.module);
  }

  async close(): Promise<void> {
    await this.proxy?.close();
    await this.nginx?.close();
    this.nginx = null;
    await this.stop();
  }
}
