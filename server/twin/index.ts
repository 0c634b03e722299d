/**
 * The TWIN protocol module (seed 002): REST sessions, messages and files, Socket.IO events, and
 * the demo bot. It keeps what it sent per session and redelivers what was not acknowledged when a
 * socket joins, which is what lets tests prove "acknowledged exactly once" across reconnects.
 * Wiring only; the parts live in store.ts, routes.ts, sockets.ts and bot.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBot } from '../bot';
import { isRecord } from '../http';
import { greetingPng } from '../png';
import type { ProtocolModule, ServerOptions, TestHooks, VisitorListener } from '../types';
import {
  avatarSvg,
  BOT_AVATAR_FILE_ID,
  type BotStep,
  DEMO_FILE_ID,
  DEMO_FILE_TEXT,
  GREETING_FILE_ID,
  OPERATORS,
  TWIN_GREETING,
  twinPlan,
} from './bot';
import { handleTwinRoutes, type PostAnswer } from './routes';
import { TwinSockets } from './sockets';
import { downloadUrl, type Session, TwinStore, type WireEvent } from './store';

export const TWIN = 'twin';
export const MESSAGE_EVENT = 'chatMessageCreatedEmit';

export interface TwinModuleOptions extends ServerOptions {
  /** Session lifetime in seconds. Default 1800. */
  twinTtlSeconds?: number;
  /** Engine.IO heartbeat. Defaults are socket.io's: 25000 / 5000 (2.x) or 20000 (4.x). */
  twinPingIntervalMs?: number;
  twinPingTimeoutMs?: number;
  /** Event carrying operator notices. Default `chatMessageCreatedEmit`, as the seed labels it. */
  twinOperatorEvent?: string;
}

export interface TwinModule extends ProtocolModule {
  readonly name: typeof TWIN;
  /** messageReceived counts per message id of a session (tests: each exactly once). */
  acks(sessionId: string): Map<string, number>;
  /** Ids of what the server sent over the socket for a session, in order. */
  sentIds(sessionId: string): string[];
  /** Ids of every session started so far. */
  sessionIds(): string[];
  /** What the visitor's session start carried (tests of name, clientExternalId, clientMetadata). */
  sessionStart(
    sessionId: string,
  ): { name: string; clientId: string; metadata: Record<string, string> } | undefined;
  /** Send every event of the session again, acknowledged or not (duplicate delivery). */
  redeliver(sessionId: string): void;
  /** Send one message event as given, kept for redelivery like any other (tests of hostile payloads). */
  inject(sessionId: string, payload: WireEvent): void;
  /** End a session server-side, as its ttl running out would. */
  expire(sessionId: string): void;
  /**
   * The next `count` acknowledgements are lost on the way in (as with a link dying under them);
   * returns a reading of how many were lost so far.
   */
  loseAcknowledgements(count: number): () => number;
  /**
   * Holds every session's bot plan at its next typing step until `release()`: the typing event goes
   * out, is sent again every `repeatMs` (widgets drop an indicator nothing renews, ours after 8 s),
   * and the steps behind it wait. Tests scan or inspect the typing state without a timing window.
   */
  holdAtTyping(repeatMs?: number): { release(): void };
  /**
   * Visitor posts are stored (and answered by the bot) as usual, but their HTTP answers wait until
   * `release()`: tests reload a page while its post is in flight, without a timing window. With
   * `{ head: true }` the status and headers go at once and only the body waits (a page that goes
   * away between the two has heard the 201 and not the message id).
   */
  holdPosts(options?: { head?: boolean }): { release(): void };
  /**
   * The next `count` visitor posts are stored (and answered by the bot) as usual, but their
   * connection is cut instead of answered, as a network lost after the request arrived: the
   * widget cannot know whether the server has the message. Chromium sends a request again by
   * itself when a connection it reused breaks before any answer (measured, a POST included), which
   * would store it twice with one fetch of the page: so a post that comes on a connection that
   * carried an earlier answer is cut before it is read (not stored, not counted), and the
   * browser's new attempt on a new connection is the one stored and cut. Returns how many were
   * stored and cut so far.
   */
  dropPostAnswers(count?: number): () => number;
  /** Conversations are sessions: `say(sessionId, text)` sends a bot message. */
  readonly testing: TestHooks;
}

const COLORS = ['#c05621', '#2f855a'];

export function createTwinModule(options: TwinModuleOptions = {}): TwinModule {
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  // A restart "keeping state" hands the previous module's store over (ServerState).
  const kept = options.state?.[TWIN];
  const store =
    kept instanceof TwinStore ? kept : new TwinStore(options.twinTtlSeconds ?? 1800, options.limits);
  if (options.state) options.state[TWIN] = store;
  const bot = createBot(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs });
  const visitorListeners = new Set<VisitorListener>();
  /** Acknowledgements still to be lost on the way, and lost so far (loseAcknowledgements). */
  let toLose = 0;
  let lost = 0;
  const operatorEvent = options.twinOperatorEvent ?? MESSAGE_EVENT;
  const generation = options.twinSocketIo ?? 2;
  let fallbackOrigin = 'http://127.0.0.1';

  // A raster picture: widgets (ours included) show SVG attachments as files, not inline images.
  store.addFile('twin-demo.png', 'image/png', greetingPng(), false, GREETING_FILE_ID);
  store.addFile(
    'bot.svg',
    'image/svg+xml',
    Buffer.from(avatarSvg('B', '#2b6cb0')),
    false,
    BOT_AVATAR_FILE_ID,
  );
  store.addFile('parley-demo.txt', 'text/plain', Buffer.from(DEMO_FILE_TEXT), false, DEMO_FILE_ID);
  OPERATORS.forEach((o, i) => {
    store.addFile(
      `${o.id}.svg`,
      'image/svg+xml',
      Buffer.from(avatarSvg(o.name[0]!, COLORS[i]!)),
      false,
      o.avatarFile,
    );
  });

  const fileUrl = (s: Session, id: string) => downloadUrl(s.origin, id);
  const fileJson = (s: Session, id: string) => store.fileJson(store.file(id)!, s.origin);

  const sockets = new TwinSockets({
    generation,
    allowEio3: options.twinAllowEio3 ?? false,
    pingIntervalMs: options.twinPingIntervalMs ?? 25_000,
    pingTimeoutMs: options.twinPingTimeoutMs ?? (generation === 2 ? 5000 : 20_000),
    accepts: (key) => store.live(key) !== undefined,
    onJoin(key, socket) {
      // Whatever this session has not acknowledged yet (sent while no socket was there).
      const s = store.sessions.get(key);
      for (const { event, payload } of s?.sent ?? []) {
        if (!s?.acks.has(payload.id)) socket.emit(event, payload);
      }
    },
    onReceived(key, payload) {
      if (toLose > 0) {
        toLose -= 1; // as if the link had died under it
        lost += 1;
        return;
      }
      const s = store.sessions.get(key);
      const data = isRecord(payload) && payload.action === 'chatMessageCreated' ? payload.data : undefined;
      if (s && isRecord(data) && typeof data.id === 'string') store.acknowledge(s, data.id);
    },
    log,
  });

  /** Store and emit one `chatMessageCreatedEmit`-like event. */
  function send(s: Session, event: string, payload: WireEvent): void {
    store.addSent(s, event, payload);
    sockets.emit(s.id, event, payload);
  }

  /** holdAtTyping(): the sessions typing now (with their repeat timers) and the steps held back. */
  let hold: { repeatMs: number; typing: Map<string, NodeJS.Timeout>; held: Array<() => void> } | null = null;
  /** holdPosts(): the answers to visitor posts not written yet (null: answer at once). */
  let heldPosts: { answers: PostAnswer[]; head: boolean } | null = null;
  /** dropPostAnswers(): posts still to store and cut, cut so far, and connections that answered. */
  let toCut = 0;
  let cut = 0;
  const answered = new WeakSet<object>();

  function run(s: Session, step: BotStep): void {
    if (s.ended) return;
    if (hold?.typing.has(s.id)) {
      hold.held.push(() => run(s, step));
      return;
    }
    const operator = s.operator;
    if (step.kind === 'typing') {
      const typing = () => sockets.emit(s.id, 'showTypingIndicatorEmit', { authorType: step.author });
      typing();
      if (hold) hold.typing.set(s.id, setInterval(typing, hold.repeatMs));
    } else if (step.kind === 'read') {
      sockets.emit(s.id, 'chatMessageReadEmit', { messageId: step.messageId });
    } else if (step.kind === 'assign') {
      s.operator = step.operator;
      send(s, operatorEvent, {
        id: randomUUID(),
        operatorId: step.operator.id,
        operatorName: step.operator.name,
        avatar: fileUrl(s, step.operator.avatarFile),
        ...(operator
          ? {
              previousOperatorId: operator.id,
              previousOperatorName: operator.name,
              previousOperatorAvatar: fileUrl(s, operator.avatarFile),
            }
          : {}),
      });
    } else {
      message(s, step);
      if (step.type === 'TERMINAL') s.ended = true;
    }
  }

  /** Store and emit one message of the bot (or of the assigned operator); returns its id. */
  function message(s: Session, step: Extract<BotStep, { kind: 'message' }>): string {
    const operator = s.operator;
    const byOperator = step.author === 'operator' && operator;
    const id = randomUUID();
    send(s, MESSAGE_EVENT, {
      id,
      authorId: byOperator ? operator.id : 'twin-bot',
      authorType: step.author,
      authorName: byOperator ? operator.name : 'TWIN bot',
      type: step.type ?? 'REGULAR',
      body: step.body,
      answers: step.answers ?? [],
      createdAt: new Date().toISOString(),
      sessionId: s.id,
      attachments: (step.fileIds ?? []).map((fileId) => fileJson(s, fileId)),
      actions: [],
      avatar: fileUrl(s, byOperator ? operator.avatarFile : BOT_AVATAR_FILE_ID),
    });
    return id;
  }

  const origin = (req: IncomingMessage) => {
    const host = req.headers.host;
    return host && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)
      ? `http://${host}`
      : fallbackOrigin;
  };

  return {
    name: TWIN,
    handle: (req, res, url) =>
      handleTwinRoutes(req, res, url, {
        store,
        origin,
        newId: randomUUID,
        identitySecret: options.identitySecret,
        answerPost(answer, cutIt) {
          if (toCut > 0) {
            toCut -= 1;
            cut += 1;
            cutIt();
          } else if (heldPosts) {
            if (heldPosts.head) answer.head();
            heldPosts.answers.push(answer);
          } else answer.all();
        },
        cutUnread: (req) => toCut > 0 && answered.has(req.socket),
        greeting: (s) => [
          {
            body: TWIN_GREETING,
            answers: ['help'],
            actions: [],
            attachments: [{ ...fileJson(s, GREETING_FILE_ID), sugestedExtension: 'png' }],
            authorType: 'bot',
          },
        ],
        onVisitorMessage(s, messageId, text, files) {
          for (const fn of visitorListeners) fn(s.id, text, false);
          if (options.bot === false) return;
          const steps = twinPlan({
            text,
            messageId,
            attachmentNames: files.map((f) => f.name),
            operator: s.operator,
          });
          bot.respond(s.id, steps, (step) => run(s, step));
        },
      }),
    attach(server: Server) {
      // A connection that finished an answer is one the browser may reuse (see dropPostAnswers).
      server.on('request', (req, res) => res.once('finish', () => answered.add(req.socket)));
      server.once('listening', () => {
        const address = server.address() as AddressInfo | null;
        if (address) fallbackOrigin = `http://127.0.0.1:${address.port}`;
      });
      sockets.attach(server);
    },
    dropConnections: () => sockets.drop(),
    openSockets: () => sockets.count(),
    visitorTexts: () => [...store.sessions.values()].flatMap((s) => s.visitorTexts),
    acks: (id) => new Map(store.sessions.get(id)?.acks),
    sentIds: (id) => (store.sessions.get(id)?.sent ?? []).map((e) => e.payload.id),
    sessionIds: () => [...store.sessions.keys()],
    sessionStart(id) {
      const s = store.sessions.get(id);
      return s && { name: s.name, clientId: s.clientId, metadata: { ...s.metadata } };
    },
    redeliver(id) {
      const s = store.sessions.get(id);
      for (const { event, payload } of s?.sent ?? []) sockets.emit(id, event, payload);
    },
    loseAcknowledgements(count) {
      toLose = count;
      lost = 0;
      return () => lost;
    },
    inject(id, payload) {
      const s = store.sessions.get(id);
      if (s) send(s, MESSAGE_EVENT, payload);
    },
    holdAtTyping(repeatMs = 1000) {
      const mine = { repeatMs, typing: new Map<string, NodeJS.Timeout>(), held: [] as Array<() => void> };
      hold = mine;
      return {
        release() {
          if (hold === mine) hold = null;
          for (const timer of mine.typing.values()) clearInterval(timer);
          for (const step of mine.held.splice(0)) step();
        },
      };
    },
    holdPosts({ head = false } = {}) {
      const mine = { answers: [] as PostAnswer[], head };
      heldPosts = mine;
      return {
        release() {
          if (heldPosts === mine) heldPosts = null;
          for (const answer of mine.answers.splice(0)) answer.all();
        },
      };
    },
    dropPostAnswers(count = 1) {
      toCut = count;
      cut = 0;
      return () => cut;
    },
    expire(id) {
      const s = store.sessions.get(id);
      if (s) s.ended = true;
    },
    async close() {
      if (hold) for (const timer of hold.typing.values()) clearInterval(timer);
      hold = null;
      for (const answer of heldPosts?.answers.splice(0) ?? []) answer.all();
      heldPosts = null;
      toCut = 0;
      bot.close();
      sockets.close();
    },
    testing: {
      onVisitorMessage(fn) {
        visitorListeners.add(fn);
        return () => visitorListeners.delete(fn);
      },
      say(sessionId, text) {
        const s = store.sessions.get(sessionId);
        if (!s) throw new Error('no such session');
        return message(s, { kind: 'message', author: 'bot', body: text });
      },
    },
  };
}
