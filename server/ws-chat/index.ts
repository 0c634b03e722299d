/**
 * The ws-chat protocol module (seed 001): customer tokens over REST, chat over `/ws/chat`, the
 * demo bot answering. Wiring only; the parts live in frames.ts, store.ts, sockets.ts, routes.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { BOT_ID, BOT_NAME, botReplies, createBot } from '../bot';
import type { ProtocolModule, RunningServer, ServerOptions, TestHooks, VisitorListener } from '../types';
import { parseClientFrame, type ServerFrame } from './frames';
import { handleRoutes } from './routes';
import { SocketHub } from './sockets';
import { ChatStore, type Conversation, type Customer } from './store';

export const WS_CHAT = 'ws-chat';

export interface WsChatOptions extends ServerOptions {
  /** Server ping period; a socket that did not pong since the previous ping is terminated. Default 25000. */
  pingIntervalMs?: number;
}

export interface WsChatModule extends ProtocolModule {
  readonly name: typeof WS_CHAT;
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
  // A restart "keeping state" hands the previous module's store over (ServerState).
  const kept = options.state?.[WS_CHAT];
  const store = kept instanceof ChatStore ? kept : new ChatStore(options.limits);
  if (options.state) options.state[WS_CHAT] = store;
  const bot = createBot(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs });
  const visitorListeners = new Set<VisitorListener>();
  const hub = new SocketHub({
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    authenticate: (token) => store.customerForToken(token),
    onText,
    log,
  });

  function onText(customer: Customer, ws: WebSocket, text: string): void {
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      // The seed has no error frame: log, ignore, keep the socket open.
      log(`ws-chat: ignored a frame: ${parsed.error}`);
      return;
    }
    const { content, metadata, clientMessageId } = parsed.value;
    // The token decides who speaks and where: the frame's senderId/conversationId are not trusted.
    const conversation = store.conversationOf(customer);

    const known = clientMessageId === undefined ? undefined : conversation.accepted.get(clientMessageId);
    if (known) {
      // A resend after a lost echo: confirm again with the same frame, but store and answer once.
      hub.sendTo(ws, known);
      for (const fn of visitorListeners) fn(conversation.id, content, true);
      return;
    }

    const first = conversation.visitorMessages === 0;
    const echo: ServerFrame = {
      channel: customer.channel,
      conversationId: conversation.id,
      senderId: customer.id,
      content,
      timestamp: new Date().toISOString(),
      ...(metadata === undefined ? {} : { metadata }),
      id: randomUUID(),
    };
    store.appendVisitor(conversation, echo, clientMessageId);
    hub.broadcast(customer.id, echo);
    for (const fn of visitorListeners) fn(conversation.id, content, false);
    if (options.bot === false) return;
    bot.respond(conversation.id, botReplies({ text: content, first }), (reply) =>
      botSays(customer, conversation, reply),
    );
  }

  /** Store a bot frame and send it to the customer's live sockets; returns its id. */
  function botSays(customer: Customer, conversation: Conversation, content: string): string {
    const frame: ServerFrame = {
      channel: customer.channel,
      conversationId: conversation.id,
      senderId: BOT_ID,
      senderName: BOT_NAME,
      content,
      timestamp: new Date().toISOString(),
      id: randomUUID(),
    };
    store.append(conversation, frame);
    hub.broadcast(customer.id, frame);
    return frame.id;
  }

  return {
    name: WS_CHAT,
    handle: (req: IncomingMessage, res: ServerResponse, url: URL) => handleRoutes(req, res, url, store),
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
        return botSays(customer, conversation, text);
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
