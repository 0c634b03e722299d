/**
 * The postoffice protocol module (seed 000): a GO-POSTOFFICE router at `/postoffice` (router.ts),
 * the demo bot as a mailbox on it (bot.ts), and `GET /postoffice/token`, standing in for the site's
 * own backend that hands the widget a router token (the app secret never reaches a page).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createBot } from '../bot';
import { applyCors, sendJson } from '../http';
import { BoundedMap, LIMITS, type Limits } from '../limits';
import type { ProtocolModule, RunningServer, ServerOptions, TestHooks } from '../types';
import { createVisitorFeed, keptState } from '../visitor-feed';
import { BOT_MAILBOX, botFrame, postofficeReplies, readVisitorFrame, replyFrame } from './bot';
import { Router } from './router';

export const POSTOFFICE = 'postoffice';
export const POSTOFFICE_PATH = '/postoffice';
export const POSTOFFICE_TOKEN_PATH = '/postoffice/token';

export interface PostofficeModuleOptions extends ServerOptions {
  /** Connection limit; the router's shipped config says 20. */
  postofficeMaxConnections?: number;
  /** Lifetime of the tokens `/postoffice/token` hands out, in seconds (default 3600). */
  postofficeTokenTtlS?: number;
  /** Refuse (401) handshakes without a live token. The real router checks nothing (default). */
  postofficeCheckToken?: boolean;
}

export interface PostofficeModule extends ProtocolModule {
  readonly name: typeof POSTOFFICE;
  readonly router: Router;
  /** Times `/postoffice/token` was called. */
  readonly tokenRequests: number;
  /** Invalidates every token handed out so far (tests of refresh with a checking router). */
  revokeTokens(): void;
  /** Conversations are the visitors' mailboxes: `say(clientId, text)` sends a bot message. */
  readonly testing: TestHooks;
}

/** What the bot remembers; a restart "keeping state" hands it to the next module (ServerState). */
class BotMemory {
  /** Visitor messages the bot took, by sender and message id, oldest first (bounded). */
  readonly accepted: BoundedMap<string>;
  readonly greeted = new Set<string>();
  constructor(limits: Limits) {
    this.accepted = new BoundedMap<string>({
      maxEntries: 10_000,
      maxBytes: limits.historyBytes, // a frame may be 1 MB: 10,000 of them would be 10 GB
      sizeOf: (text) => text.length,
    });
  }
}

export function createPostofficeModule(options: PostofficeModuleOptions = {}): PostofficeModule {
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  const ttlMs = (options.postofficeTokenTtlS ?? 3600) * 1000;
  const limits = { ...LIMITS, ...options.limits };
  const tokens = new BoundedMap<number>({ maxEntries: limits.tokens, maxAgeMs: ttlMs }); // token → expires
  let tokenRequests = 0;
  const live = (token: string | null) => {
    const expires = token ? tokens.get(token) : undefined;
    return expires !== undefined && expires > Date.now();
  };
  const router = new Router({
    path: POSTOFFICE_PATH,
    maxConnections: options.postofficeMaxConnections ?? 20,
    ...(options.postofficeCheckToken ? { checkToken: live } : {}),
    maxMailboxes: limits.mailboxes,
    log,
  });

  const { accepted, greeted } = keptState(
    options.state,
    POSTOFFICE,
    (v): v is BotMemory => v instanceof BotMemory,
    () => new BotMemory(limits),
  );
  const feed = createVisitorFeed();
  // The demo bot: greets each mailbox once (bounded memory), answers in order per mailbox.
  const bot = createBot(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs });
  router.register(BOT_MAILBOX, (raw) => {
    const frame = readVisitorFrame(raw);
    if (!frame) return;
    // The router confirms nothing, so a widget re-sends after a drop; the bot (not the router)
    // recognises a message id it already took and neither stores nor answers it twice.
    const key = `${frame.from}|${frame.id ?? Math.random()}`;
    const repeat = accepted.has(key);
    feed.heard(frame.from, frame.text, repeat);
    if (repeat) return;
    accepted.set(key, frame.text);
    if (options.bot === false) return;
    const first = !greeted.has(frame.from);
    if (first) {
      if (greeted.size >= 10_000) greeted.clear();
      greeted.add(frame.from);
    }
    bot.respond(frame.from, postofficeReplies(frame.text, first), (content) =>
      router.route(replyFrame(frame, content)),
    );
  });

  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname !== POSTOFFICE_TOKEN_PATH) return false;
    applyCors(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return true;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'GET only' });
      return true;
    }
    tokenRequests += 1;
    const now = Date.now();
    const token = randomUUID().replaceAll('-', '');
    tokens.set(token, now + ttlMs);
    // The shape of the router's own token call: expires in epoch ms, ttl in seconds.
    sendJson(res, 200, { token, expires: now + ttlMs, ttl: Math.round(ttlMs / 1000) });
    return true;
  }

  return {
    name: POSTOFFICE,
    router,
    get tokenRequests() {
      return tokenRequests;
    },
    revokeTokens: () => tokens.clear(),
    handle,
    attach: (server: Server) => router.attach(server),
    dropConnections: () => router.dropConnections(),
    openSockets: () => router.count(),
    visitorTexts: () => [...accepted.values()],
    async close() {
      bot.close();
      await router.close();
    },
    testing: {
      onVisitorMessage: feed.onVisitorMessage,
      say(mailbox, text) {
        // As the bot's own replies, minus `inReplyTo`: nothing the visitor sent is being answered.
        const id = randomUUID();
        router.route(botFrame(mailbox, text, id));
        return id;
      },
    },
  };
}

/** The postoffice module of a running server, typed (throws if it is not registered). */
export function getPostofficeModule(server: Pick<RunningServer, 'modules'>): PostofficeModule {
  const module = server.modules.get(POSTOFFICE);
  if (!module || !('router' in module)) throw new Error('the postoffice module is not registered');
  return module as PostofficeModule;
}
