/**
 * The demo bot on nchan: it subscribes to a conversation's visitor channel over WebSocket (as any
 * backend behind nchan would) and publishes its replies by HTTP POST to the widget's channel.
 * The authorize hook calls `watch()` before it lets a widget in, so the bot listens before the
 * visitor can say anything; nothing else tells the bot that a conversation exists.
 */
import { WebSocket } from 'ws';
import { BOT_NAME, botReplies, createBot } from '../bot';
import { LIMITS } from '../limits';
import { botFrame, parseVisitorFrame, splitMetaFrame } from './frames';

/** Our split pair (`/chat/{id}`) or seed 004's single channel (`/single/{id}`, `/single-bare/{id}`). */
export type Layout = 'split' | 'single';

export interface NchanBotOptions {
  /** Secret the authorize hook accepts on the bot's own locations. */
  secret: string;
  replyDelayMs?: number;
  log?: (line: string) => void;
  /** False: it takes visitor messages but answers none (the soak answers through `say`). */
  answers?: boolean;
  /** Told of every visitor message; `repeat`: one it took already (same `x-request-id`). */
  heard?: (conversationId: string, text: string, repeat: boolean) => void;
  /**
   * Conversations the bot follows (each an upstream subscription), the least recently joined
   * dropped first, and the frames it keeps of each (limits.ts). Anyone can get a token for a
   * conversation id, so without these made-up ids would open sockets to nginx without end.
   */
  maxConversations?: number;
  maxFramesPerConversation?: number;
}

interface Conversation {
  /** Visitor messages answered, by client message id: a message published twice is answered once. */
  answered: Set<string>;
  /** Every visitor frame the bot saw, repeats included (tests read it). */
  seen: string[];
}

const SUBSCRIBE_TIMEOUT_MS = 10_000;
const PUBLISH_ATTEMPTS = 6;

export class NchanBot {
  private nginx: string | undefined;
  private readonly sockets = new Map<string, { ws: WebSocket; ready: Promise<void> }>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly replies;
  private closed = false;

  constructor(private readonly options: NchanBotOptions) {
    this.replies = createBot(
      options.replyDelayMs === undefined ? {} : { replyDelayMs: options.replyDelayMs },
    );
  }

  /** Where nginx listens; the bot can do nothing before it knows. */
  useNginx(url: string): void {
    this.nginx = url.replace(/\/+$/, '');
  }

  /** Subscribes to the conversation's visitor channel unless already subscribed; resolves when open. */
  watch(layout: Layout, conversationId: string): Promise<void> {
    const nginx = this.nginx;
    if (!nginx || this.closed) return Promise.reject(new Error('the nchan bot has no nginx to talk to'));
    const channel = layout === 'split' ? `${conversationId}_up` : conversationId;
    const existing = this.sockets.get(channel);
    if (existing) {
      this.sockets.delete(channel); // joined again: the last to be dropped
      this.sockets.set(channel, existing);
      return existing.ready;
    }
    const ws = new WebSocket(
      `${nginx.replace(/^http/, 'ws')}/bot/sub/${channel}?token=${this.options.secret}`,
      ['ws+meta.nchan'],
    );
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('the nchan bot could not subscribe in time'));
      }, SUBSCRIBE_TIMEOUT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('close', () => {
        clearTimeout(timer);
        reject(new Error('the nchan bot subscription closed'));
      });
    });
    ready.catch(() => {});
    ws.on('error', () => {}); // `close` follows and forgets the socket
    ws.on('close', () => {
      // nginx restarted or dropped us: the next widget connection (through the hook) subscribes again.
      if (this.sockets.get(channel)?.ws === ws) this.sockets.delete(channel);
    });
    ws.on('message', (data) => this.onFrame(layout, conversationId, data.toString()));
    this.sockets.set(channel, { ws, ready });
    this.dropOldest(this.sockets, (old) => old.ws.terminate());
    return ready;
  }

  /** Texts of the visitor messages taken (each request id once), oldest first, bounded. */
  readonly accepted: string[] = [];

  /** Visitor frames seen for a conversation, in order, repeats included. */
  seen(conversationId: string): readonly string[] {
    return this.conversations.get(conversationId)?.seen ?? [];
  }

  /** Publishes a bot message to the widget's channel (tests use it to fill the buffer). */
  say(layout: Layout, conversationId: string, text: string, requestId = ''): Promise<void> {
    return this.publish(layout, conversationId, botFrame(requestId, text, BOT_NAME));
  }

  /** Closes every subscription (nginx going away, tests). */
  dropConnections(): void {
    for (const { ws } of this.sockets.values()) ws.terminate();
    this.sockets.clear();
  }

  close(): void {
    this.closed = true;
    this.replies.close();
    this.dropConnections();
  }

  private onFrame(layout: Layout, conversationId: string, frame: string): void {
    const visitor = parseVisitorFrame(splitMetaFrame(frame)?.body ?? frame);
    // Not the visitor's (our own replies on a single channel, a PING on a heartbeat-less one): ignore.
    if (!visitor) return;
    let conversation = this.conversations.get(conversationId);
    if (!conversation) {
      conversation = { answered: new Set(), seen: [] };
      this.conversations.set(conversationId, conversation);
      this.dropOldest(this.conversations, () => {});
    }
    conversation.seen.push(visitor.requestId);
    const frames = this.options.maxFramesPerConversation ?? LIMITS.eventsPerSession;
    if (conversation.seen.length > frames) conversation.seen.shift();
    if (conversation.answered.size > frames)
      conversation.answered.delete(conversation.answered.values().next().value ?? '');
    const repeat = conversation.answered.has(visitor.requestId);
    this.options.heard?.(conversationId, visitor.text, repeat);
    if (repeat) return;
    const first = conversation.answered.size === 0;
    conversation.answered.add(visitor.requestId);
    if (this.accepted.length >= 10_000) this.accepted.shift();
    this.accepted.push(visitor.text);
    if (this.options.answers === false) return;
    this.replies.respond(conversationId, botReplies({ text: visitor.text, first }), (text) => {
      this.publish(layout, conversationId, botFrame(visitor.requestId, text, BOT_NAME)).catch(
        (error: unknown) =>
          this.options.log?.(
            `nchan bot: a reply was lost: ${error instanceof Error ? error.message : error}`,
          ),
      );
    });
  }

  /** Drops the oldest entries of `map` beyond `maxConversations`. */
  private dropOldest<V>(map: Map<string, V>, drop: (value: V) => void): void {
    const max = this.options.maxConversations ?? LIMITS.conversations;
    for (const [key, value] of map) {
      if (map.size <= max) return;
      map.delete(key);
      drop(value);
    }
  }

  /** POSTs to nginx, retrying for a few seconds: nginx may be restarting. */
  private async publish(layout: Layout, conversationId: string, frame: string): Promise<void> {
    const path = layout === 'split' ? `/bot/pub/${conversationId}_down` : `/bot/pub-single/${conversationId}`;
    let lastError = '';
    for (let attempt = 0; attempt < PUBLISH_ATTEMPTS && !this.closed; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      try {
        const res = await fetch(`${this.nginx}${path}?token=${this.options.secret}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: frame,
        });
        await res.arrayBuffer();
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
        if (res.status < 500) break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    throw new Error(`publish failed: ${lastError}`);
  }
}
