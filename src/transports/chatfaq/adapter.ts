/**
 * The `chatfaq` adapter: one WebSocket per conversation at ChatFAQ's broker URL, MML both ways.
 *
 * - A conversation id is made here (upstream lets the client name it) and kept in storage, so a
 *   reload continues the conversation; `reset()` (Start a new conversation) makes a new one.
 * - Streamed answers become ONE message: `message` with `partial` on the first chunk, then
 *   `messageUpdated` with the text so far (replaced, never appended), the last one without `partial`.
 * - 3000 (authentication) and 4000 (no such FSM, no bot worker) are final: status `failed` with the
 *   server's reason as `detail`. Every other close reconnects through the shared Reconnector.
 * - ChatFAQ acknowledges nothing. After each message a probe (protocol.ts) makes the consumer
 *   answer: `send` resolves when it does (the message was taken) and rejects `disconnected` when the
 *   socket drops first, so the outbox sends it again after the reconnect. A server seen answering
 *   probes whose probe goes unanswered has a dead link: the socket is replaced. A server never seen
 *   answering is learned (`probes=no` in storage) and its sends resolve as written.
 */
import { Backoff, type BackoffOptions } from '../../core/backoff';
import { notConnected, TransportError } from '../../core/errors';
import { randomId } from '../../core/ids';
import { log } from '../../core/log';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';
import type { Author, IncomingMessage, OutgoingMessage, SendReceipt } from '../../core/types';
import { TransportBase } from '../base';
import { closeQuietly } from '../close-quietly';
import { Liveness } from '../postoffice/liveness';
import { Reconnector } from '../reconnector';
import type { Capabilities, Transport, UploadOptions, UploadResult } from '../types';
import {
  type BotStack,
  CLOSE_AUTH,
  CLOSE_NO_FSM,
  decodeFrame,
  encodeHeartbeat,
  encodeMessage,
  encodeProbe,
  encodeReset,
  probeIdOf,
  SEGMENT,
  socketUrl,
  type UploadedFile,
  type UploadTarget,
} from './protocol';
import { ChunkAssembler } from './streams';

export interface ChatfaqOptions {
  /** Back-end base URL (`data-server`); the socket is `{server}/back/ws/broker/…`. */
  server: string;
  /** FSM definition name (`data-fsm`). */
  fsm: string;
  /** The visitor's id on the back end (`data-sender-id`), the optional last path segment. */
  senderId?: string;
  /** Auth token (`data-token`), sent as the `token` query parameter. */
  token?: string;
  /** Read when a conversation starts (the object, not a copy: `Parley.setMetadata` may add to it). */
  metadata?: Readonly<Record<string, string>>;
  /** Already namespaced by the caller. */
  storage: KeyValueStore;
  WebSocket?: typeof WebSocket;
  /** For the PUT to a pre-signed upload URL. */
  fetch?: typeof fetch;
  backoff?: BackoffOptions;
  /** Period of `{"heartbeat": true}` while open (default 20000). */
  heartbeatMs?: number;
  /** How long the answer to a probe may take before the link counts as dead (default 8000). */
  probeTimeoutMs?: number;
  /** Sleep-detection period of the reconnector (default 5000). */
  tickMs?: number;
  now?: () => number;
}

const CAPABILITIES: Capabilities = {
  // Only when the bot asks (a `file_upload` layer), to the pre-signed URLs it gives.
  uploads: { onRequest: true },
  typingIn: false,
  typingOut: false,
  readReceipts: false,
  deliveryConfirmation: false,
  answers: true,
  resume: true,
  operators: false,
};

const BOT: Author = { kind: 'bot' };
/** Streamed answers' ids mapped to their database id, kept for `regenerate` (newest last). */
const ANSWER_IDS_MAX = 50;

export class ChatfaqTransport extends TransportBase implements Transport {
  readonly kind = 'chatfaq';
  readonly capabilities = CAPABILITIES;
  private readonly reconnector: Reconnector;
  private readonly now: () => number;
  private socket: WebSocket | null = null;
  /** This socket's probes, and its sends by client id (a resend on the same socket is not written twice). */
  private liveness: Liveness | null = null;
  private sends = new Map<string, Promise<SendReceipt>>();
  /** The current socket's probe went unanswered (set before the waiting sends hear of it). */
  private silent = false;
  private readonly probePrefix = randomId().slice(0, 8);
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private wanted = false;
  private conversationId: string | null;
  private streams = new ChunkAssembler();
  private answerIds: Array<[string, string]>;
  /** The targets of the bot's last request for a file, and what was uploaded (path → name). */
  private uploadTargets: UploadTarget[] = [];
  private readonly uploaded = new Map<string, string>();

  constructor(private readonly opts: ChatfaqOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.reconnector = new Reconnector({
      attempt: () => this.open(),
      backoff: new Backoff(opts.backoff),
      onSleep: () => this.dropSocket('slept'),
      ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    });
    const stored = opts.storage.get('conversation');
    this.conversationId = stored && SEGMENT.test(stored) ? stored : null;
    const ids = readJson(opts.storage, 'answers');
    this.answerIds = Array.isArray(ids)
      ? ids.filter((p): p is [string, string] => Array.isArray(p) && p.every((x) => typeof x === 'string'))
      : [];
  }

  connect(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.reconnector.start();
    this.open();
  }

  disconnect(): void {
    const was = this.wanted || this.socket !== null;
    this.wanted = false;
    this.reconnector.stop();
    this.closeSocket(1000, 'bye');
    if (was) this.setStatus({ status: 'disconnected', reason: 'client' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    const ws = this.socket;
    if (ws?.readyState !== 1) return Promise.reject(notConnected());
    const known = this.sends.get(message.clientId);
    if (known) return known;
    const files = (message.attachmentIds ?? []).flatMap((path): UploadedFile[] => {
      const name = this.uploaded.get(path);
      return name === undefined ? [] : [{ path, name }];
    });
    ws.send(encodeMessage(message, this.opts.senderId, files));
    const sent = this.taken(this.now());
    this.sends.set(message.clientId, sent);
    sent.catch(() => this.sends.delete(message.clientId)); // the outbox sends it again after a reconnect
    return sent;
  }

  /** Resolves once the consumer shows it took what was written before (see the header). */
  private taken(at: number): Promise<SendReceipt> {
    const probes = this.opts.storage.get('probes');
    if (probes === 'no' || !this.liveness) return Promise.resolve({ at, confirmed: false });
    return this.liveness.probe().then(
      () => ({ at, confirmed: true }),
      () => {
        if (this.silent && probes !== 'yes') return { at, confirmed: false }; // a server that never answers
        throw new TransportError('disconnected', 'The link dropped before the server took the message');
      },
    );
  }

  /**
   * A file the bot asked for: PUT to the pre-signed URL it gave for the file's extension. The result
   * id is the storage path, named in the `file_uploaded` layer of the message that follows.
   */
  async upload(file: Blob & { name?: string }, options: UploadOptions = {}): Promise<UploadResult> {
    const name = file.name || 'file';
    const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
    const target = this.uploadTargets.find((t) => t.ext === ext);
    if (!target) throw new TransportError('refused', `The bot did not ask for a .${ext || '?'} file`);
    if (target.maxBytes !== undefined && file.size > target.maxBytes)
      throw new TransportError('too-large', `${name} is larger than the bot takes`);
    const doFetch = this.opts.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await doFetch(target.url, {
        method: 'PUT',
        body: file,
        headers: { 'Content-Type': target.contentType ?? (file.type || 'application/octet-stream') },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw new TransportError('aborted', 'Upload cancelled');
      throw new TransportError('network', 'The file could not be sent', { cause: err });
    }
    if (!res.ok)
      throw new TransportError(
        res.status === 413 ? 'too-large' : 'refused',
        `Upload refused (HTTP ${res.status})`,
        { status: res.status },
      );
    options.onProgress?.(file.size, file.size);
    // One file per target: a pre-signed URL names one object.
    this.uploadTargets = this.uploadTargets.filter((t) => t !== target);
    this.uploaded.set(target.path, name);
    const result: UploadResult = { id: target.path, name, size: file.size };
    if (file.type) result.contentType = file.type;
    return result;
  }

  /** Start a new conversation: a new id, and a new socket if one was wanted. */
  reset(): void {
    this.forgetConversation();
    if (!this.wanted) return;
    this.closeSocket(1000, 'new conversation');
    this.reconnector.cancel();
    this.open();
  }

  /** Logout: close, and keep nothing of this conversation (ChatFAQ has no token of ours to drop). */
  forget(): void {
    this.disconnect();
    this.forgetConversation();
  }

  private forgetConversation(): void {
    this.conversationId = null;
    this.answerIds = [];
    this.uploadTargets = [];
    this.opts.storage.remove('conversation');
    this.opts.storage.remove('answers');
  }

  /** Asks the FSM to answer again from this (bot) message: `{"reset": id}` with its database id. */
  regenerate(messageId: string): boolean {
    const ws = this.socket;
    const dbId =
      this.answerIds.find(([id]) => id === messageId)?.[1] ?? (isDbId(messageId) ? messageId : null);
    if (ws?.readyState !== 1 || !dbId) return false;
    ws.send(encodeReset(dbId));
    return true;
  }

  // ---- connection ----

  private open(): void {
    if (!this.wanted || this.socket) return; // one socket at a time, whoever asks
    const { opts } = this;
    let conversationId = this.conversationId;
    if (!conversationId) {
      conversationId = randomId();
      this.conversationId = conversationId;
      opts.storage.set('conversation', conversationId);
    }
    // A retry already said `reconnecting` (with its delay) when it was scheduled.
    if (!this.reconnector.attempts) this.setStatus({ status: 'connecting' });
    const Ctor = opts.WebSocket ?? globalThis.WebSocket;
    const params = {
      conversationId,
      fsm: opts.fsm,
      ...(opts.senderId ? { senderId: opts.senderId } : {}),
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.metadata ? { metadata: opts.metadata } : {}),
    };
    let ws: WebSocket;
    try {
      ws = new Ctor(socketUrl(opts.server, params));
    } catch {
      // A URL the browser refuses (mixed content): waiting will not change it.
      this.fail(new TransportError('config', 'The chat server address cannot be used from this page'));
      return;
    }
    this.socket = ws;
    this.silent = false;
    this.liveness = new Liveness(this.probePrefix, {
      send: (id) => ws.send(encodeProbe(id)),
      onDead: () => this.onSilent(ws),
      periodMs: 0, // never started: only sends probe
      timeoutMs: opts.probeTimeoutMs ?? 8000,
    });
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.reconnector.succeeded();
      this.heartbeat = setInterval(() => ws.send(encodeHeartbeat()), opts.heartbeatMs ?? 20_000);
      this.setStatus({ status: 'connected' });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.socket === ws) this.onFrame(ev.data);
    };
    ws.onerror = () => {
      // `close` always follows and decides.
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.socket !== ws) return;
      this.detach();
      if (!this.wanted) return;
      if (ev.code === CLOSE_AUTH)
        this.fail(new TransportError('auth', 'Authentication failed', { status: ev.code }), ev.reason);
      else if (ev.code === CLOSE_NO_FSM)
        this.fail(
          new TransportError('not-found', 'No such FSM or no bot worker', { status: ev.code }),
          ev.reason,
        );
      else this.retry(`close-${ev.code}`);
    };
  }

  private retry(reason: string): void {
    const delay = this.reconnector.schedule();
    this.setStatus({ status: 'reconnecting', reason, retryInMs: delay });
  }

  /** Final: the visitor sees the server's reason (as text) and a retry button. */
  private fail(error: TransportError, detail?: string): void {
    this.wanted = false;
    this.reconnector.stop();
    this.events.emit('error', error);
    this.setStatus({ status: 'failed', reason: error.code, ...(detail ? { detail } : {}) });
  }

  /** A probe went unanswered on this socket. */
  private onSilent(ws: WebSocket): void {
    if (this.socket !== ws) return;
    this.silent = true;
    if (this.opts.storage.get('probes') === 'yes') {
      log.warn('the chatfaq server stopped answering; replacing the connection');
      this.dropSocket('silent');
    } else {
      this.opts.storage.set('probes', 'no');
    }
  }

  private dropSocket(reason: string): void {
    if (!this.socket) return;
    this.closeSocket(4001, reason);
    if (this.wanted) this.retry(reason);
  }

  private closeSocket(code: number, reason: string): void {
    const ws = this.socket;
    if (!ws) return;
    this.detach();
    closeQuietly(ws, code, reason);
  }

  /** Forget the socket; an answer cut off mid-stream is settled as it stands (nothing replays it). */
  private detach(): void {
    this.socket = null;
    clearInterval(this.heartbeat);
    this.liveness?.stop();
    this.liveness = null;
    this.sends.clear();
    for (const [stackId, text] of this.streams.cut()) {
      this.events.emit('messageUpdated', { id: streamId(stackId), text, at: this.now(), author: BOT });
    }
  }

  // ---- frames ----

  private onFrame(raw: unknown): void {
    const frame = decodeFrame(raw, this.now());
    if (!frame) return;
    if (frame.type === 'error') {
      const probe = probeIdOf(frame.detail);
      if (probe) {
        // Ours (or another tab's, which Liveness ignores by its prefix): the link works.
        if (this.liveness && probe.startsWith(`${this.probePrefix}:`)) this.opts.storage.set('probes', 'yes');
        this.liveness?.echo(probe);
        return;
      }
      // Sent to every socket of the conversation, so it may be about another tab's frame.
      log.warn(`the chatfaq server refused a frame (status ${frame.status})`, frame.detail);
      return;
    }
    const stack = frame.stack;
    for (const tag of stack.gtm) pushToDataLayer(tag);
    if (stack.uploads && !stack.fromVisitor) this.uploadTargets = stack.uploads;
    if (stack.fromVisitor) this.onVisitorStack(stack);
    else if (stack.streaming && stack.stackId) this.onChunk(stack, stack.stackId);
    else if (stack.text || stack.answers.length || stack.attachments.length || stack.uploads?.length) {
      this.events.emit('message', this.toMessage(stack, stack.id ?? `s:${stack.stackId ?? randomId()}`));
    }
    if (stack.close) this.endConversation();
  }

  private onChunk(stack: BotStack, stackId: string): void {
    const step = this.streams.accept(stackId, stack.text, stack.lastChunk);
    if (!step) return;
    const id = streamId(stackId);
    if (step.final && stack.id) this.rememberAnswer(id, stack.id);
    const message = this.toMessage({ ...stack, text: step.text }, id);
    if (!step.final) message.partial = true;
    this.events.emit(step.kind === 'start' ? 'message' : 'messageUpdated', message);
  }

  /** The visitor's own stack shown back (another tab of the same conversation): merged by client id. */
  private onVisitorStack(stack: BotStack): void {
    if (!stack.text) return; // tool results and other plumbing "from the human"
    const message: IncomingMessage = {
      id: stack.id ?? `v:${stack.stackId ?? randomId()}`,
      text: stack.text,
      at: stack.at,
      author: { kind: 'visitor' },
    };
    if (stack.stackId) message.clientId = stack.stackId;
    this.events.emit('message', message);
  }

  private toMessage(stack: BotStack, id: string): IncomingMessage {
    const message: IncomingMessage = { id, text: stack.text, at: stack.at, author: BOT };
    if (stack.answers.length) message.answers = stack.answers;
    if (stack.attachments.length) message.attachments = stack.attachments;
    if (stack.uploads?.length) {
      const max = Math.max(...stack.uploads.map((t) => t.maxBytes ?? 0));
      message.uploadRequest = {
        accept: stack.uploads.map((t) => `.${t.ext}`),
        ...(max > 0 ? { maxBytes: max } : {}),
      };
    }
    return message;
  }

  private rememberAnswer(id: string, dbId: string): void {
    this.answerIds = [...this.answerIds.filter(([k]) => k !== id), [id, dbId] as [string, string]].slice(
      -ANSWER_IDS_MAX,
    );
    writeJson(this.opts.storage, 'answers', this.answerIds);
  }

  /** A `close_conversation` layer: the composer goes away; the next message starts a new conversation. */
  private endConversation(): void {
    this.events.emit('sessionEnded', { reason: 'closed' });
    this.wanted = false;
    this.reconnector.stop();
    this.closeSocket(1000, 'conversation closed');
    this.forgetConversation();
    this.setStatus({ status: 'disconnected', reason: 'session-ended' });
  }
}

const streamId = (stackId: string) => `s:${stackId}`;
const isDbId = (id: string) => /^\d{1,15}$/.test(id);

/** A `gtm_tag` goes to Google Tag Manager when the page runs it (never creates a `dataLayer`). */
function pushToDataLayer(tag: Record<string, unknown>): void {
  const layer = (globalThis as { dataLayer?: unknown }).dataLayer;
  if (Array.isArray(layer)) layer.push(tag);
}

export const createChatfaqAdapter = (options: ChatfaqOptions) => new ChatfaqTransport(options);
