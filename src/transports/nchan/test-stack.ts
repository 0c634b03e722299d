/**
 * Test support for the nchan adapter: the reference server with nginx + nchan in front of it (real
 * processes on 127.0.0.1, OS-assigned ports), adapters wired to Node's `ws`, and a small
 * EventSource for Node (which has none), so the fallback runs against the real server too.
 */
import { afterAll, beforeAll } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { startServer } from '../../../server/index';
import { nchanModuleOf, startNchanFront } from '../../../server/nchan/front';
import type { NchanModule } from '../../../server/nchan/index';
import type { RunningNginx } from '../../../server/nchan/nginx';
import type { RunningServer } from '../../../server/types';
import { Backoff } from '../../core/backoff';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import type { IncomingMessage, StatusChange, TransportError } from '../../core/types';
import { NchanAdapter, type NchanOptions } from './adapter';

export interface NchanStack {
  server: RunningServer;
  nginx: RunningNginx;
  module: NchanModule;
  /** nginx's base URL: what `data-server` is. */
  url: string;
  tokenUrl: string;
  close(): Promise<void>;
}

export async function startNchanStack(): Promise<NchanStack> {
  const server = await startServer({ replyDelayMs: 0 });
  try {
    const nginx = await startNchanFront(server);
    return {
      server,
      nginx,
      module: nchanModuleOf(server),
      url: nginx.url,
      tokenUrl: `${nginx.url}/nchan/token`,
      async close() {
        await nginx.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * One stack for the whole test file (started before the first test, closed after the last):
 * returns a getter, since the stack exists only once `beforeAll` ran.
 */
export function useNchanStack(): () => NchanStack {
  let stack: NchanStack | undefined;
  beforeAll(async () => {
    stack = await startNchanStack();
  }, 30_000);
  afterAll(() => stack?.close());
  return () => {
    if (!stack) throw new Error('the nchan stack is not running');
    return stack;
  };
}

/** Node's `ws`, remembering every socket so a test can cut one (a lost network, not a close). */
export class TrackedWebSocket extends NodeWebSocket {
  static readonly all: TrackedWebSocket[] = [];
  /** Raw frames received by every tracked socket (PONGs excluded). */
  static readonly frames: string[] = [];
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    TrackedWebSocket.all.push(this);
    this.on('message', (data) => {
      const text = data.toString();
      if (text !== 'PONG') TrackedWebSocket.frames.push(text);
    });
  }
  static last(): TrackedWebSocket | undefined {
    return TrackedWebSocket.all.at(-1);
  }
}

export interface AdapterProbe {
  adapter: NchanAdapter;
  storage: KeyValueStore;
  messages: IncomingMessage[];
  statuses: StatusChange[];
  errors: TransportError[];
}

export function nchanAdapter(stack: NchanStack, extra: Partial<NchanOptions> = {}): AdapterProbe {
  const storage = extra.storage ?? memoryStore();
  const adapter = new NchanAdapter({
    server: stack.url,
    tokenUrl: stack.tokenUrl,
    WebSocket: TrackedWebSocket as unknown as typeof WebSocket,
    EventSource: NodeEventSource as unknown as typeof EventSource,
    backoff: new Backoff({ baseMs: 100, capMs: 400 }),
    ...extra,
    storage,
  });
  const probe: AdapterProbe = { adapter, storage, messages: [], statuses: [], errors: [] };
  adapter.on('message', (m) => probe.messages.push(m));
  adapter.on('status', (s) => probe.statuses.push(s));
  adapter.on('error', (e) => probe.errors.push(e));
  return probe;
}

/**
 * Just enough of EventSource for the adapter: open/message/error handlers, named events, `close()`,
 * `lastEventId`. No automatic retry (the adapter never relies on it).
 */
export class NodeEventSource {
  static readonly all: NodeEventSource[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  readyState = 0;
  private readonly abort = new AbortController();
  private readonly listeners = new Map<string, Array<(ev: MessageEvent) => void>>();

  constructor(readonly url: string) {
    NodeEventSource.all.push(this);
    void this.run();
  }

  addEventListener(type: string, fn: (ev: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  close(): void {
    this.readyState = 2;
    this.abort.abort();
  }

  /** Cuts the stream as a lost network would (the error handler runs). */
  drop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    try {
      const res = await fetch(this.url, {
        headers: { Accept: 'text/event-stream' },
        signal: this.abort.signal,
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.readyState = 1;
      this.onopen?.(new Event('open'));
      const decoder = new TextDecoder();
      let buffer = '';
      let id = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            const [field = '', ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length === 0) continue;
          const ev = new MessageEvent(event, { data: data.join('\n'), lastEventId: id });
          if (event === 'message') this.onmessage?.(ev);
          for (const fn of this.listeners.get(event) ?? []) fn(ev);
        }
      }
      throw new Error('stream ended');
    } catch {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.onerror?.(new Event('error'));
    }
  }
}
