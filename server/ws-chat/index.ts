/**
 * The ws-chat protocol module: customer tokens over REST, chat over `/ws/chat`, the demo bot
 * answering. It plays either generation of that product (PROTOCOLS.md §1): `envelope`, what its
 * current server speaks (the default, and what the demo uses), or `flat`, the seed's frames.
 * Wiring only; the parts live in frames.ts / envelope.ts (wire), flat-chat.ts / envelope-chat.ts
 * (behaviour), store.ts, sockets.ts, routes.ts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createBot } from '../bot';
import type { ProtocolModule, RunningServer, ServerOptions, TestHooks, VisitorListener } from '../types';
import { envelopeBotSays, onEnvelopeText } from './envelope-chat';
import { flatBotSays, onFlatText } from './flat-chat';
import { type Generation, handleRoutes } from './routes';
import { SocketHub } from './sockets';
import { ChatStore } from './store';

export const WS_CHAT = 'ws-chat';
export type { Generation } from './routes';

export interface WsChatOptions extends ServerOptions {
  /** Server ping period; a socket that did not pong since the previous ping is terminated. Default 25000. */
  pingIntervalMs?: number;
  /** Which generation of the product to play. Default `envelope` (its current server). */
  wsChatProtocol?: Generation;
  /**
   * Flat generation: dedupe resends by `metadata.clientMessageId` (default true). False plays a
   * backend built from the seed, which does not know that field and stores every frame it gets.
   */
  wsChatClientIds?: boolean;
  /**
   * Flat generation: echo a visitor's frame to the socket that sent it (default true). The seed's
   * guide never promises that echo; false plays a backend that sends it to the customer's other
   * sockets only (tests of delivery without confirmation).
   */
  wsChatEcho?: boolean;
}

export interface WsChatModule extends ProtocolModule {
  readonly name: typeof WS_CHAT;
  readonly generation: Generation;
  readonly state: ChatStore;
  /**
   * Invalidate every token issued so far and close their sockets with 4001 "unauthorized", as a
   * server that expires tokens would (tests of token refresh). Customers and history survive.
   */
  revokeTokens(): void;
  /** Conversations by id: `say(conversationId, text)` sends a bot message. */
  readonly testing: TestHooks;
}

/** Close code sent by `revokeTokens()`. */
export const CLOSE_UNAUTHORIZED = 4001;

export function createWsChatModule(options: WsChatOptions = {}): WsChatModule {
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  const generation = options.wsChatProtocol ?? 'envelope';
  // A restart "keeping state" hands the previous module's store over (ServerState).
  const kept = options.state?.[WS_CHAT];
  const store = kept instanceof ChatStore ? kept : new ChatStore(options.limits);
  if (options.state) options.state[WS_CHAT] = store;
  const bot = createBot(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs });
  const visitorListeners = new Set<VisitorListener>();
  const hub: SocketHub = new SocketHub({
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    authenticate: (token) => store.customerForToken(token),
    onText: (customer, ws, text, origin) => {
      const ctx = {
        store,
        hub,
        bot,
        log,
        botOn: options.bot !== false,
        heard: (conversationId: string, content: string, repeat: boolean) => {
          for (const fn of visitorListeners) fn(conversationId, content, repeat);
        },
      };
      if (generation === 'envelope') onEnvelopeText(ctx, customer, ws, text, origin);
      else
        onFlatText(
          { ...ctx, clientIds: options.wsChatClientIds ?? true, echo: options.wsChatEcho ?? true },
          customer,
          ws,
          text,
        );
    },
    log,
  });

  return {
    name: WS_CHAT,
    generation,
    state: store,
    handle: (req: IncomingMessage, res: ServerResponse, url: URL) =>
      handleRoutes(req, res, url, { store, generation, identitySecret: options.identitySecret }),
    attach: (server: Server) => hub.attach(server),
    dropConnections: () => hub.terminateAll(),
    openSockets: () => hub.count(),
    visitorTexts: () => store.visitorTexts(),
    revokeTokens() {
      store.revokeAllTokens();
      hub.closeAll(CLOSE_UNAUTHORIZED, 'unauthorized');
    },
    async close() {
      bot.close();
      await hub.close();
    },
    testing: {
      onVisitorMessage(fn) {
        visitorListeners.add(fn);
        return () => visitorListeners.delete(fn);
      },
      say(conversationId, text) {
        const conversation = store.conversation(conversationId);
        const customer = conversation && store.customer(conversation.customerId);
        if (!conversation || !customer) throw new Error('no such conversation');
        const says = generation === 'envelope' ? envelopeBotSays : flatBotSays;
        return says({ store, hub }, customer, conversation, text);
      },
    },
  };
}

/** The ws-chat module of a running server, typed (throws if it is not registered). */
export function getWsChatModule(server: Pick<RunningServer, 'modules'>): WsChatModule {
  const module = server.modules.get(WS_CHAT);
  if (!module || !('revokeTokens' in module)) throw new Error('the ws-chat module is not registered');
  return module as WsChatModule;
}
