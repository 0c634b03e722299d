/**
 * The ChatFAQ module (seed 003): plays ChatFAQ's WebSocket consumer at
 * `/back/ws/broker/{conversation}/{fsm}/[{sender}/]` with the demo FSM (fsm.ts) behind it, plus the
 * two HTTP routes its layers point at (a pre-signed upload target, a file to download).
 *
 * Like upstream it accepts the socket first and then closes it: 4000 when the FSM does not exist or
 * has no worker (reason with backticks, as upstream writes it), 3000 when authentication fails. It
 * checks the page Origin against its own host, keeps each conversation's state across reconnects
 * (the FSM state lives on the server), and sends error frames to every socket of a conversation.
 *
 * FSMs: `demo` (open), `private` (needs `?token=` equal to `chatfaqToken`), `offline` (defined, but
 * no bot worker connected); any other name does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { createBot } from '../bot';
import { answerPreflight, applyCors, requestOrigin, sendText } from '../http';
import { BoundedMap, LIMITS, type Limits } from '../limits';
import type { ProtocolModule, RunningServer, ServerOptions, TestHooks } from '../types';
import { createVisitorFeed, keptState } from '../visitor-feed';
import { rawToString, refuse } from '../ws';
import { type ClientFrame, errorFrame, parseClientFrame, stackFrames } from './frames';
import {
  DEMO_FILE_NAME,
  DEMO_FILE_TEXT,
  type FsmInput,
  fsmAnswer,
  fsmGreeting,
  UPLOAD_MAX_BYTES,
} from './fsm';

export const CHATFAQ = 'chatfaq';
const SOCKET_PATH = /^\/back\/ws\/broker\/([\w-]+)\/([\w-]+)\/(?:([\w-]+)\/)?$/;
const UPLOAD_PATH = /^\/back\/api\/uploads\/([\w.-]+)$/;
const DOWNLOAD_PATH = `/back/api/files/${DEMO_FILE_NAME}`;
const FSMS: Record<string, { auth: boolean; worker: boolean }> = {
  demo: { auth: false, worker: true },
  private: { auth: true, worker: true },
  offline: { auth: false, worker: false },
};

export interface ChatfaqModuleOptions extends ServerOptions {
  /** The token the `private` FSM accepts. Default `demo-token`. */
  chatfaqToken?: string;
}

interface Turn {
  id: number;
  human: boolean;
  /** What the visitor sent (human turns), kept to answer it again after a reset. */
  input?: FsmInput;
  takes: number;
}

interface Conversation {
  id: string;
  senderId?: string;
  sockets: Set<WebSocket>;
  log: Turn[];
  received: ClientFrame[];
  /** Stack ids of the visitor's stacks taken so far. */
  stackIds: Set<string>;
  metadata: unknown;
  /** What it holds, roughly (texts and metadata), for the bound on all conversations' bytes. */
  bytes: number;
}

export interface ChatfaqModule extends ProtocolModule {
  readonly name: typeof CHATFAQ;
  conversationIds(): string[];
  /** Every frame the visitor side sent in a conversation, parsed (heartbeats and resets included). */
  received(conversationId: string): ClientFrame[];
  /** The `metadata` query parameter the conversation started with. */
  metadata(conversationId: string): unknown;
  /** Open sockets of a conversation. */
  socketCount(conversationId: string): number;
  /** Send a raw frame to every socket of a conversation (tests: repeated, late and odd frames). */
  push(conversationId: string, frame: unknown): void;
  /** Close every socket with this code and reason (tests: the final closes and the other ones). */
  closeSockets(code: number, reason: string): void;
  /** `say(conversationId, text)` sends a bot message (one `message` stack). */
  readonly testing: TestHooks;
}

/** Conversations and stack ids; a restart "keeping state" hands them on (ServerState). */
class ConsumerState {
  // Bounded like every store of the reference server (limits.ts): anyone who reaches the socket
  // can start conversations, and a heartbeat every few seconds is a frame kept for the tests.
  readonly conversations: BoundedMap<Conversation>;
  nextId = 1;
  constructor(limits: Limits) {
    this.conversations = new BoundedMap<Conversation>({
      maxEntries: limits.conversations,
      maxBytes: limits.historyBytes,
      sizeOf: (c) => c.bytes,
    });
  }
}

export function createChatfaqModule(options: ChatfaqModuleOptions = {}): ChatfaqModule {
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const bot = createBot(options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs });
  const limits = { ...LIMITS, ...options.limits };
  const state = keptState(
    options.state,
    CHATFAQ,
    (v): v is ConsumerState => v instanceof ConsumerState,
    () => new ConsumerState(limits),
  );
  const { conversations } = state;
  const feed = createVisitorFeed();
  /** Pre-signed upload targets handed out, and what was uploaded to them. */
  const uploads = new BoundedMap<{ type: string; size?: number }>({
    maxEntries: limits.uploads,
    maxAgeMs: limits.uploadAgeMs,
  });
  let closed = false;

  function broadcast(c: Conversation, frame: unknown): void {
    const text = JSON.stringify(frame);
    for (const ws of c.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  /** Queue the frames of a turn; each one a reply delay after the previous, in order. */
  function answer(c: Conversation, stacks: ReturnType<typeof fsmGreeting>): void {
    if (options.bot === false) return; // the FSM's worker is silent: the test answers (testing.say)
    bot.respond(c.id, turnFrames(c, stacks), (frame) => broadcast(c, frame));
  }

  /** The frames of one bot turn, in order, each stack logged with its database id. */
  function turnFrames(c: Conversation, stacks: ReturnType<typeof fsmGreeting>): object[] {
    const groupId = randomUUID();
    return stacks.flatMap((stack, i) => {
      const id = state.nextId++;
      c.log.push({ id, human: false, takes: 0 });
      const ctx = { id, stackId: randomUUID(), groupId, last: i === stacks.length - 1 };
      return stackFrames(stack, c.senderId ? { ...ctx, senderId: c.senderId } : ctx, Date.now);
    });
  }

  function env(origin: string) {
    return {
      downloadUrl: `${origin}${DOWNLOAD_PATH}`,
      uploadTarget(ext: string) {
        const path = `upload-${randomUUID()}.${ext}`;
        uploads.set(path, { type: ext });
        return { url: `${origin}/back/api/uploads/${path}`, path };
      },
    };
  }

  function onFrame(c: Conversation, origin: string, text: string): void {
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      // Upstream answers a refused frame to the whole conversation, not only to its sender.
      broadcast(c, errorFrame(parsed.errors));
      return;
    }
    const frame = parsed.frame;
    // A stack id already taken is a resend (the widget could not know the first one arrived).
    // Upstream does not promise this; the reference server does, so "delivered once" is testable.
    if (frame.kind === 'message' && frame.stackId && c.stackIds.has(frame.stackId)) {
      feed.heard(c.id, frame.text, true);
      return;
    }
    keep(c, frame);
    if (frame.kind === 'message') feed.heard(c.id, frame.text, false);
    if (frame.kind === 'heartbeat') return;
    if (frame.kind === 'reset') {
      const at = c.log.findIndex((t) => t.id === frame.id);
      const asked =
        at === -1
          ? undefined
          : c.log
              .slice(0, at)
              .filter((t) => t.human)
              .pop();
      if (!asked?.input) {
        broadcast(c, errorFrame({ reset: [`No message ${frame.id} to run again`] }));
        return;
      }
      c.log.length = at;
      asked.takes += 1;
      answer(c, fsmAnswer({ ...asked.input, take: asked.takes }, env(origin)));
      return;
    }
    if (frame.stackId) c.stackIds.add(frame.stackId);
    if (c.stackIds.size > limits.eventsPerSession) c.stackIds.delete(c.stackIds.values().next().value ?? '');
    const input: FsmInput = {
      text: frame.text,
      files: frame.files.map((f) => ({ name: f.name, ...sizeOf(f.path) })),
      take: 1,
    };
    if (frame.answerId) input.answerId = frame.answerId;
    c.log.push({ id: state.nextId++, human: true, input, takes: 1 });
    answer(c, fsmAnswer(input, env(origin)));
  }

  /** Keeps a frame the visitor sent (tests read them), the oldest dropped beyond the bounds. */
  function keep(c: Conversation, frame: ClientFrame): void {
    c.received.push(frame);
    c.bytes += frameBytes(frame);
    while (c.received.length > limits.eventsPerSession) c.bytes -= frameBytes(c.received.shift()!);
    // A reset can run again only a turn still kept.
    if (c.log.length > limits.eventsPerSession) c.log.splice(0, c.log.length - limits.eventsPerSession);
    conversations.set(c.id, c); // active again: the last to be forgotten
  }

  const sizeOf = (path: string) => {
    const size = uploads.get(path)?.size;
    return size === undefined ? {} : { size };
  };

  function adopt(ws: WebSocket, req: IncomingMessage, url: URL, match: RegExpExecArray): void {
    const [, conversationId = '', fsmName = '', senderId] = match;
    const fsm = FSMS[fsmName];
    const metadata = parseMetadata(url.searchParams.get('metadata'));
    // Accepted first, refused after: that is how the upstream consumer does it.
    const refusal: [number, string] | undefined = !fsm
      ? [4000, `\`No FSM found with name ${fsmName}\``]
      : fsm.auth && url.searchParams.get('token') !== (options.chatfaqToken ?? 'demo-token')
        ? [3000, 'Authentication failed']
        : !fsm.worker
          ? [4000, `No RPC worker ${fsmName} connected`]
          : metadata === undefined
            ? [1011, 'metadata is not JSON']
            : undefined;
    if (refusal) {
      log(`chatfaq: closed a new socket with ${refusal[0]}`); // never the URL: it holds the token
      ws.close(...refusal);
      return;
    }
    const origin = requestOrigin(req, 'http://127.0.0.1');
    let c = conversations.get(conversationId);
    const fresh = !c;
    if (!c) {
      const bytes = JSON.stringify(metadata ?? null).length + conversationId.length;
      c = {
        id: conversationId,
        sockets: new Set(),
        log: [],
        received: [],
        stackIds: new Set(),
        metadata,
        bytes,
      };
      if (senderId) c.senderId = senderId;
      conversations.set(conversationId, c);
    }
    const conversation = c;
    conversation.sockets.add(ws);
    log(`chatfaq: connected to a conversation (${conversation.sockets.size} sockets)`);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) onFrame(conversation, origin, rawToString(data));
    });
    ws.on('error', () => {});
    ws.on('close', () => conversation.sockets.delete(ws));
    // A new conversation starts its FSM (the greeting); a known one continues where it was.
    if (fresh) answer(conversation, fsmGreeting());
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const upload = UPLOAD_PATH.exec(url.pathname);
    if (!upload && url.pathname !== DOWNLOAD_PATH) return false;
    if (req.method === 'OPTIONS') {
      answerPreflight(res);
      return true;
    }
    applyCors(res);
    if (!upload) serveDemoFile(req, res);
    else await receiveUpload(req, res, uploads.get(upload[1] ?? ''));
    return true;
  }

  return {
    name: CHATFAQ,
    handle,
    attach(server: Server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const match = SOCKET_PATH.exec(url.pathname);
        if (!match) return; // another module's path
        socket.on('error', () => socket.destroy());
        if (closed) return refuse(socket, '503 Service Unavailable');
        if (!originAllowed(req)) {
          log('chatfaq: refused a socket from another origin');
          return refuse(socket, '403 Forbidden');
        }
        wss.handleUpgrade(req, socket, head, (ws) => adopt(ws, req, url, match));
      });
    },
    dropConnections: () => {
      for (const ws of wss.clients) ws.terminate();
    },
    openSockets: () => wss.clients.size,
    visitorTexts: () =>
      [...conversations.values()].flatMap((c) =>
        c.received.flatMap((f) => (f.kind === 'message' ? [f.text] : [])),
      ),
    conversationIds: () => [...conversations.keys()],
    received: (id) => conversations.get(id)?.received ?? [],
    metadata: (id) => conversations.get(id)?.metadata,
    socketCount: (id) => conversations.get(id)?.sockets.size ?? 0,
    push(id, frame) {
      const c = conversations.get(id);
      if (c) broadcast(c, frame);
    },
    closeSockets(code, reason) {
      for (const ws of wss.clients) ws.close(code, reason);
    },
    testing: {
      onVisitorMessage: feed.onVisitorMessage,
      say(id, text) {
        const c = conversations.get(id);
        if (!c) throw new Error('no such conversation');
        const frames = turnFrames(c, [{ layers: [{ type: 'message', payload: { content: text } }] }]);
        for (const frame of frames) broadcast(c, frame);
        return String(c.log.at(-1)?.id);
      },
    },
    async close() {
      closed = true;
      bot.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Bytes a kept frame stands for, roughly: its text, and a little for the rest. */
const frameBytes = (f: ClientFrame) => 64 + (f.kind === 'message' ? f.text.length : 0);

function parseMetadata(raw: string | null): unknown {
  try {
    return JSON.parse(raw ?? '{}') as unknown;
  } catch {
    return undefined;
  }
}

function serveDemoFile(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'GET only');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Disposition': `attachment; filename="${DEMO_FILE_NAME}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : DEMO_FILE_TEXT);
}

/** A PUT to a pre-signed target: the bytes are counted, not kept (the demo only reports the size). */
async function receiveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  target: { size?: number } | undefined,
): Promise<void> {
  if (req.method !== 'PUT') return sendText(res, 405, 'PUT only');
  if (!target) return sendText(res, 404, 'No such upload target');
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > UPLOAD_MAX_BYTES) {
      res.setHeader('Connection', 'close');
      return sendText(res, 413, 'File too large');
    }
  }
  target.size = size;
  res.writeHead(200, { 'Content-Length': '0' });
  res.end();
}

/** The ChatFAQ module of a running server, typed (throws if it is not registered). */
export function getChatfaqModule(server: Pick<RunningServer, 'modules'>): ChatfaqModule {
  const module = server.modules.get(CHATFAQ);
  if (!module || !('push' in module)) throw new Error('the chatfaq module is not registered');
  return module as ChatfaqModule;
}

/**
 * Upstream checks the page Origin against its allowed hosts. Here: the server's own host, or
 * loopback. A client without an Origin (not a browser) is let through, as Django Channels does.
 */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).hostname;
    return (
      host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === hostOnly(req.headers.host)
    );
  } catch {
    return false;
  }
}

const hostOnly = (host: string | undefined) => (host ?? '').replace(/:\d+$/, '');
