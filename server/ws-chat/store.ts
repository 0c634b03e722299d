/**
 * In-memory state of the ws-chat module: customers, tokens, conversations and their history.
 * Like the seed's own server it keeps everything in memory; the caps below and server/limits.ts
 * (customers, tokens by count and age, history bytes) keep a demo server from growing without bound.
 */
import { randomUUID } from 'node:crypto';
import { BoundedMap, LIMITS, type Limits } from '../limits';
import type { Channel, ServerFrame, TokenRequest } from './frames';

/** Messages kept per conversation (oldest dropped first). */
export const MAX_HISTORY = 500;
/** clientMessageIds remembered per conversation for dedupe (oldest forgotten first). */
export const MAX_DEDUPE_IDS = 1000;

export interface Customer {
  readonly id: string;
  readonly channelId: string;
  name: string;
  channel: Channel;
  /** One conversation per customer, created on the first message. */
  conversationId?: string;
}

export interface Conversation {
  readonly id: string;
  readonly customerId: string;
  readonly messages: ServerFrame[];
  /** Visitor messages accepted so far: 0 means the bot still has to greet. */
  visitorMessages: number;
  /** clientMessageId → the echo sent for it, so a resend gets the same frame back. */
  readonly accepted: Map<string, ServerFrame>;
  /** Characters of content kept in `messages`, for the history bound. */
  bytes: number;
}

export class ChatStore {
  /** The least recently active customer goes first, with its conversation. */
  private readonly customers: BoundedMap<Customer>;
  private readonly byChannelId = new Map<string, string>();
  private readonly tokens: BoundedMap<string>;
  private readonly conversations = new Map<string, Conversation>();

  constructor(limits: Partial<Limits> = {}) {
    const l = { ...LIMITS, ...limits };
    this.customers = new BoundedMap<Customer>({
      maxEntries: l.customers,
      maxBytes: l.historyBytes,
      sizeOf: (c) => (c.conversationId ? (this.conversations.get(c.conversationId)?.bytes ?? 0) : 0),
      onEvict: (_id, c) => {
        if (this.byChannelId.get(c.channelId) === c.id) this.byChannelId.delete(c.channelId);
        if (c.conversationId) this.conversations.delete(c.conversationId);
      },
    });
    this.tokens = new BoundedMap<string>({ maxEntries: l.tokens, maxAgeMs: l.tokenAgeMs });
  }
  /** Texts of accepted visitor messages, newest last, bounded (tests count deliveries). */
  private readonly accepted: string[] = [];

  /**
   * Find or create the customer of `channelId` and issue a NEW token; earlier tokens stay valid
   * (seed 001, Q3). The latest name and channel win, so a visitor who renamed themselves shows so.
   */
  issueToken(request: TokenRequest): { customer: Customer; token: string } {
    const knownId = this.byChannelId.get(request.channelId);
    let customer = knownId === undefined ? undefined : this.customers.get(knownId);
    if (customer) {
      customer.name = request.name;
      customer.channel = request.channel;
      this.customers.set(customer.id, customer); // active again: the last to be forgotten
    } else {
      customer = {
        id: randomUUID(),
        channelId: request.channelId,
        name: request.name,
        channel: request.channel,
      };
      this.customers.set(customer.id, customer);
      this.byChannelId.set(customer.channelId, customer.id);
    }
    const token = `cust_${randomUUID()}`;
    this.tokens.set(token, customer.id);
    return { customer, token };
  }

  customer(id: string): Customer | undefined {
    return this.customers.get(id);
  }

  customerForToken(token: string | null | undefined): Customer | undefined {
    if (!token) return undefined;
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.customers.get(id);
  }

  /** Invalidate every issued token (customers and history stay). */
  revokeAllTokens(): void {
    this.tokens.clear();
  }

  /** The customer's conversation, created on first use. */
  conversationOf(customer: Customer): Conversation {
    if (!this.customers.has(customer.id)) {
      // Forgotten (a bound) while its socket stayed open: known again, so nothing is kept unbounded.
      this.customers.set(customer.id, customer);
      this.byChannelId.set(customer.channelId, customer.id);
    }
    const existing = customer.conversationId ? this.conversations.get(customer.conversationId) : undefined;
    if (existing) return existing;
    const conversation: Conversation = {
      id: randomUUID(),
      customerId: customer.id,
      messages: [],
      visitorMessages: 0,
      accepted: new Map(),
      bytes: 0,
    };
    this.conversations.set(conversation.id, conversation);
    customer.conversationId = conversation.id;
    return conversation;
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** Store a bot or agent frame. */
  append(conversation: Conversation, frame: ServerFrame): void {
    conversation.messages.push(frame);
    conversation.bytes += frame.content.length;
    if (conversation.messages.length > MAX_HISTORY)
      conversation.bytes -= conversation.messages.shift()?.content.length ?? 0;
    this.customers.resized(conversation.customerId);
  }

  visitorTexts(): string[] {
    return [...this.accepted];
  }

  /** Store a visitor frame, remembering its clientMessageId (when it has one) for dedupe. */
  appendVisitor(conversation: Conversation, frame: ServerFrame, clientMessageId: string | undefined): void {
    this.append(conversation, frame);
    conversation.visitorMessages += 1;
    this.accepted.push(frame.content);
    if (this.accepted.length > MAX_HISTORY * 20) this.accepted.shift();
    if (clientMessageId === undefined) return;
    conversation.accepted.set(clientMessageId, frame);
    if (conversation.accepted.size > MAX_DEDUPE_IDS) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = conversation.accepted.keys().next().value;
      if (oldest !== undefined) conversation.accepted.delete(oldest);
    }
  }
}
