/**
 * Test support for the ws-chat adapter's integration tests: real reference servers on 127.0.0.1
 * (per generation), adapters wired to Node's `ws`, and cleanup that always runs.
 */
import { afterEach, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { type ReferenceServerOptions, startServer } from '../../../server/index';
import type { RunningServer, ServerState } from '../../../server/types';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { Backoff } from '../../core/backoff';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import type { IncomingMessage, StatusChange } from '../../core/types';
import { createChatStore } from '../../store/chat-store';
import { WsChatAdapter, type WsChatOptions } from './adapter';

export const GENERATIONS = ['flat', 'envelope'] as const;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

export async function server(options: ReferenceServerOptions = {}): Promise<RunningServer> {
  const s = await startServer({ replyDelayMs: 0, ...options });
  cleanups.push(() => s.close());
  return s;
}

/**
 * A server that can stop and come back on the same port, keeping its data (customers, tokens,
 * conversations), as a real server with a database does after a restart.
 */
export async function restartableServer(options: ReferenceServerOptions) {
  const kept: ServerState = {};
  let current = await server({ ...options, state: kept });
  const port = current.port;
  const state = getWsChatModule(current).state;
  return {
    get url() {
      return current.url;
    },
    get server() {
      return current;
    },
    state,
    stop: () => current.close(),
    async start() {
      current = await server({ ...options, port, state: kept });
    },
  };
}

export function adapter(
  url: string,
  storage: KeyValueStore = memoryStore(),
  extra: Partial<WsChatOptions> = {},
) {
  const a = new WsChatAdapter({
    server: url,
    name: 'Test visitor',
    channel: 'WEB',
    storage,
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
    ...extra,
  });
  cleanups.push(() => a.disconnect());
  const messages: IncomingMessage[] = [];
  const statuses: StatusChange[] = [];
  a.on('message', (m) => messages.push(m));
  a.on('status', (s) => statuses.push(s));
  return { a, messages, statuses, storage };
}

/** The adapter with the real store on top, as the widget runs it. */
export function widget(
  url: string,
  storage: KeyValueStore = memoryStore(),
  extra: Partial<WsChatOptions> = {},
) {
  const parts = adapter(url, storage, extra);
  const store = createChatStore({ transport: parts.a, storage });
  cleanups.push(() => store.dispose());
  return { ...parts, store };
}

export const until = (check: () => boolean, timeout = 15_000) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout, interval: 10 },
  );

/** The visitor's messages as the server stored them, oldest first (either generation's history). */
export function serverTexts(s: RunningServer, senderType: 'USER' | 'AI' | 'AGENT' = 'USER'): string[] {
  const state = getWsChatModule(s).state;
  const out: string[] = [];
  for (const c of state.allConversations()) {
    for (const m of c.messages) if (m.senderType === senderType) out.push(m.text);
  }
  return out;
}
