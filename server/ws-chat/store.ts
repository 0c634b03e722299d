/**
 * In-memory state of the ws-chat module: customers, tokens, conversations (the envelope generation
 * calls them sessions) and their messages, and uploaded files. Messages are kept in one neutral
 * shape and rendered per generation (frames.ts for the flat one, envelope.ts for the current one).
 * Like the seed's own server it keeps everything in memory; the caps below and server/limits.ts
 * (customers, tokens by count and age, history bytes, uploads) keep a demo server from growing
 * without bound. A test may hand the same store to a restarted server (ServerState), which then
 * behaves like a server that keeps its database across restarts.
 */
import { randomUUID } from 'node:crypto';
import { BoundedMap, LIMITS, type Limits } from '../limits';
import type { Channel } from './frames';

/** Visitor texts remembered for the tests' delivery counts (oldest forgotten first). */
const MAX_ACCEPTED_TEXTS = 10_000;
/** clientMessageIds remembered per conversation for dedupe (oldest forgotten first). */
export const MAX_DEDUPE_IDS = 1000;

export type SenderType = 'USER' | 'AGENT' | 'AI' | 'SYSTEM' | 'TOOL';

export interface StoredAttachment {
  id: string;
  type: 'IMAGE' | 'FILE';
  url: string;
  name: string;
  sizeKb: number;
}

/** One message, whichever generation wrote it. */
export interface StoredMessage {
  id: string;
  senderType: SenderType;
  /** The customer's id, the bot's id or an agent's id. */
  senderId: string;
  senderName?: string;
  text: string;
  attachments: StoredAttachment[];
  /** ISO 8601, UTC. */
  createdAt: string;
  /** Flat generation: the frame's free-form metadata, echoed back as it came. */
  metadata?: Record<string, unknown>;
}

export interface Customer {
  readonly id: string;
  /** The visitor's stable id: `channelId` (flat) or `channelUserId` (envelope). */
  readonly visitorId: string;
  name: string;
  channel: Channel;
  email?: string;
  phone?: string;
  metadata?: Record<string, unknown>;
  /** The open conversation, created on the first message (flat) or by the token call (envelope). */
  conversationId?: string;
  /** Every conversation of the customer, the closed ones included (forgotten with the customer). */
  readonly conversationIds: string[];
}

export type SessionStatus = 'OPEN' | 'CLOSED';

export interface Conversation {
  readonly id: string;
  readonly customerId: string;
  readonly messages: StoredMessage[];
  /** Visitor messages accepted so far: 0 means the bot still has to greet. */
  visitorMessages: number;
  /** clientMessageId → the message stored for it, so a resend gets the same answer back. */
  readonly accepted: Map<string, StoredMessage>;
  status: SessionStatus;
  /** The agent who took the conversation over, if one did. */
  primaryAgentId?: string;
  /** Characters of text kept in `messages`, for the history bound. */
  bytes: number;
}

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface VisitorIdentity {
  visitorId: string;
  name: string;
  channel: Channel;
  email?: string;
  phone?: string;
  metadata?: Record<string, unknown>;
}

export class ChatStore {
  /** The least recently active customer goes first, with its conversations. */
  private readonly customers: BoundedMap<Customer>;
  private readonly byVisitorId = new Map<string, string>();
  private readonly tokens: BoundedMap<string>;
  private readonly conversations = new Map<string, Conversation>();
  /** Uploads and the bot's files, bounded by count, bytes and age. */
  readonly files: BoundedMap<StoredFile>;

  constructor(limits: Partial<Limits> = {}) {
    const l = { ...LIMITS, ...limits };
    this.historyBytes = l.historyBytes;
    this.messagesPerConversation = l.messagesPerConversation;
    this.customers = new BoundedMap<Customer>({
      maxEntries: l.customers,
      maxBytes: l.historyBytes,
      sizeOf: (c) => this.conversationsOf(c).reduce((n, conversation) => n + conversation.bytes, 0),
      onEvict: (_id, c) => {
        if (this.byVisitorId.get(c.visitorId) === c.id) this.byVisitorId.delete(c.visitorId);
        for (const conversation of this.conversationsOf(c)) this.conversations.delete(conversation.id);
      },
    });
    this.tokens = new BoundedMap<string>({ maxEntries: l.tokens, maxAgeMs: l.tokenAgeMs });
    this.files = new BoundedMap<StoredFile>({
      maxEntries: l.uploads,
      maxAgeMs: l.uploadAgeMs,
      maxBytes: l.uploadBytes,
      sizeOf: (f) => f.bytes.length,
    });
  }
  /** Texts of accepted visitor messages, newest last, bounded (tests count deliveries). */
  private readonly accepted: string[] = [];
  private acceptedBytes = 0;
  private readonly historyBytes: number;
  /** Messages kept per conversation (LIMITS.messagesPerConversation). */
  private readonly messagesPerConversation: number;

  /**
   * Find or create the customer of `visitorId` and issue a NEW token; earlier tokens stay valid
   * (seed 001, Q3). The latest name, channel and contact details win.
   */
  issueToken(identity: VisitorIdentity): { customer: Customer; token: string } {
    const knownId = this.byVisitorId.get(identity.visitorId);
    let customer = knownId === undefined ? undefined : this.customers.get(knownId);
    if (!customer) {
      customer = {
        id: randomUUID(),
        visitorId: identity.visitorId,
        name: identity.name,
        channel: identity.channel,
        conversationIds: [],
      };
      this.byVisitorId.set(customer.visitorId, customer.id);
    }
    this.customers.set(customer.id, customer); // active again: the last to be forgotten
    customer.name = identity.name;
    customer.channel = identity.channel;
    if (identity.email !== undefined) customer.email = identity.email;
    if (identity.phone !== undefined) customer.phone = identity.phone;
    if (identity.metadata !== undefined) customer.metadata = identity.metadata;
    const token = `cust_${randomUUID()}`;
    this.tokens.set(token, customer.id);
    return { customer, token };
  }

  customerForToken(token: string | null | undefined): Customer | undefined {
    if (!token) return undefined;
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.customers.get(id);
  }

  customer(id: string): Customer | undefined {
    return this.customers.get(id);
  }

  /** Invalidate every issued token (customers and history stay). */
  revokeAllTokens(): void {
    this.tokens.clear();
  }

  /** The customer's open conversation, created on first use (and after the last one closed). */
  conversationOf(customer: Customer): Conversation {
    if (!this.customers.has(customer.id)) {
      // Forgotten (a bound) while its socket stayed open: known again, so nothing is kept unbounded.
      this.customers.set(customer.id, customer);
      this.byVisitorId.set(customer.visitorId, customer.id);
    }
    const existing = customer.conversationId ? this.conversations.get(customer.conversationId) : undefined;
    if (existing && existing.status === 'OPEN') return existing;
    const conversation: Conversation = {
      id: randomUUID(),
      customerId: customer.id,
      messages: [],
      visitorMessages: 0,
      accepted: new Map(),
      status: 'OPEN',
      bytes: 0,
    };
    this.conversations.set(conversation.id, conversation);
    customer.conversationId = conversation.id;
    customer.conversationIds.push(conversation.id);
    return conversation;
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  visitorTexts(): string[] {
    return [...this.accepted];
  }

  /** Every conversation, oldest first (tests read what the server stored). */
  allConversations(): Conversation[] {
    return [...this.conversations.values()];
  }

  /** Store a message (any sender). */
  append(conversation: Conversation, message: StoredMessage): void {
    conversation.messages.push(message);
    conversation.bytes += message.text.length;
    const old =
      conversation.messages.length > this.messagesPerConversation ? conversation.messages.shift() : undefined;
    // A message the dedupe map still holds stays in memory: its text still counts.
    if (old && ![...conversation.accepted.values()].includes(old)) conversation.bytes -= old.text.length;
    this.customers.resized(conversation.customerId);
  }

  private conversationsOf(customer: Customer): Conversation[] {
    return customer.conversationIds.flatMap((id) => this.conversations.get(id) ?? []);
  }

  /** Store a visitor message, remembering its clientMessageId (when it has one) for dedupe. */
  appendVisitor(
    conversation: Conversation,
    message: StoredMessage,
    clientMessageId: string | undefined,
  ): void {
    this.append(conversation, message);
    conversation.visitorMessages += 1;
    this.accepted.push(message.text);
    this.acceptedBytes += message.text.length;
    while (this.accepted.length > MAX_ACCEPTED_TEXTS || this.acceptedBytes > this.historyBytes)
      this.acceptedBytes -= this.accepted.shift()?.length ?? 0;
    if (clientMessageId === undefined) return;
    conversation.accepted.set(clientMessageId, message);
    if (conversation.accepted.size > MAX_DEDUPE_IDS) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = conversation.accepted.keys().next().value;
      const gone = oldest === undefined ? undefined : conversation.accepted.get(oldest);
      if (oldest !== undefined) conversation.accepted.delete(oldest);
      // Out of the history already, its text was still counted for the dedupe map (issue 8).
      if (gone && !conversation.messages.includes(gone)) {
        conversation.bytes -= gone.text.length;
        this.customers.resized(conversation.customerId);
      }
    }
  }

  addFile(name: string, contentType: string, bytes: Buffer): StoredFile {
    const file: StoredFile = { id: randomUUID(), name, contentType, bytes };
    this.files.set(file.id, file);
    return file;
  }
}

/** A new message with a fresh id and the current time. */
export function newMessage(
  fields: Omit<StoredMessage, 'id' | 'createdAt' | 'attachments'> & {
    attachments?: StoredAttachment[];
  },
): StoredMessage {
  return { id: randomUUID(), createdAt: new Date().toISOString(), attachments: [], ...fields };
}
