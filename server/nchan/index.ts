/**
 * The nchan module of the reference server (seed 004, PROTOCOLS.md §5). nginx + nchan carry the
 * chat; this module is the application behind them:
 * - `POST /nchan/token` `{conversation}` → `{token}`: what a site's backend answers the widget's
 *   `data-token-url`. The token is an HMAC of the conversation id, valid for that conversation only.
 * - `GET /nchan/auth`: nchan's `nchan_authorize_request` hook. nginx passes the original URI; the
 *   hook answers 204 for a valid token (after the bot subscribed to the conversation) or 403.
 * - the demo bot (`bot.ts`), subscribed over WebSocket and publishing by POST.
 * nginx itself is started beside the server (`nginx.ts`, `testing.ts`, `npm start`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerPreflight, applyCors, isRecord, readJsonBody, sendJson, sendText } from '../http';
import { LIMITS } from '../limits';
import type { ProtocolModule, ServerOptions, TestHooks } from '../types';
import { createVisitorFeed } from '../visitor-feed';
import { type Layout, NchanBot } from './bot';

export const NCHAN = 'nchan';

export interface NchanModule extends ProtocolModule {
  readonly name: typeof NCHAN;
  readonly bot: NchanBot;
  /** Tells the module (and its bot) where nginx listens. */
  useNginx(url: string): void;
  /** Makes the authorize hook answer 403 for this conversation from now on (tests of refusal). */
  refuse(conversationId: string): void;
  /** Authorize-hook calls so far (tests: a 403 is final, nothing retries it). */
  readonly hookCalls: ReadonlyArray<{ path: string; allowed: boolean }>;
  /** `say(conversationId, text)` publishes a bot message to a conversation of the `/chat/` layout. */
  readonly testing: TestHooks;
}

/** Which locations of our nginx config serve which layout (see config.ts). */
const CONVERSATION_PATH = /^\/(chat|single|single-bare)\/([\w-]{1,64})$/;
const BOT_PATH = /^\/bot\/(sub|pub|pub-single)\/[\w-]{1,80}$/;
const CONVERSATION_ID = /^[\w-]{1,64}$/;

export function createNchanModule(options: ServerOptions = {}): NchanModule {
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  const secret = randomBytes(32);
  const botSecret = randomBytes(18).toString('base64url');
  const refused = new Set<string>();
  const hookCalls: Array<{ path: string; allowed: boolean }> = [];
  const limits = { ...LIMITS, ...options.limits };
  const feed = createVisitorFeed();
  let said = 0;
  const bot = new NchanBot({
    secret: botSecret,
    log,
    maxConversations: limits.conversations,
    maxFramesPerConversation: limits.eventsPerSession,
    answers: options.bot !== false,
    heard: feed.heard,
    ...(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs }),
  });

  const tokenFor = (conversationId: string) =>
    createHmac('sha256', secret).update(conversationId).digest('base64url').slice(0, 32);

  function sameText(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  async function issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    applyCors(res);
    const body = await readJsonBody(req, res, 4096);
    const conversation = body.ok && isRecord(body.value) ? body.value.conversation : undefined;
    if (typeof conversation !== 'string' || !CONVERSATION_ID.test(conversation)) {
      sendJson(res, 400, { error: 'conversation must be 1-64 letters, digits, _ or -' });
      return;
    }
    sendJson(res, 200, { token: tokenFor(conversation) });
  }

  async function authorize(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const original = new URL(String(req.headers['x-original-uri'] ?? ''), 'http://nginx');
    const token = original.searchParams.get('token') ?? '';
    const path = original.pathname;
    const conversation = CONVERSATION_PATH.exec(path);
    let allowed = false;
    if (BOT_PATH.test(path)) {
      allowed = sameText(token, botSecret);
    } else if (conversation) {
      const [, location = '', id = ''] = conversation;
      allowed = !refused.has(id) && sameText(token, tokenFor(id));
      if (allowed) {
        const layout: Layout = location === 'chat' ? 'split' : 'single';
        // The bot listens before the visitor may speak; a bot that cannot must not lock the visitor out.
        await bot.watch(layout, id).catch((error: unknown) => log(`nchan: ${String(error)}`));
      }
    }
    hookCalls.push({ path, allowed });
    if (hookCalls.length > limits.eventsPerSession) hookCalls.shift(); // tests read the latest
    log(`nchan: authorize ${path} ${allowed ? 'allowed' : 'refused'}`);
    if (allowed) {
      res.writeHead(204).end();
    } else {
      sendText(res, 403, 'Forbidden');
    }
  }

  return {
    name: NCHAN,
    bot,
    hookCalls,
    useNginx: (url) => bot.useNginx(url),
    refuse: (conversationId) => void refused.add(conversationId),
    async handle(req, res, url) {
      if (url.pathname === '/nchan/token') {
        if (req.method === 'OPTIONS') answerPreflight(res);
        else if (req.method === 'POST') await issueToken(req, res);
        else sendText(res, 405, 'Use POST');
        return true;
      }
      if (url.pathname === '/nchan/auth') {
        await authorize(req, res);
        return true;
      }
      return false;
    },
    attach() {},
    dropConnections: () => bot.dropConnections(),
    // The visitors' sockets end at nginx, not here: tests count them on the client side.
    openSockets: () => 0,
    visitorTexts: () => [...bot.accepted],
    async close() {
      bot.close();
    },
    testing: {
      onVisitorMessage: feed.onVisitorMessage,
      say(conversationId, text) {
        // Published with retries (nginx may be restarting); nchan buffers it for a visitor who is away.
        bot
          .say('split', conversationId, text)
          .catch((error: unknown) => log(`nchan: testing.say lost a message: ${String(error)}`));
        said += 1;
        return `said-${said}`;
      },
    },
  };
}
