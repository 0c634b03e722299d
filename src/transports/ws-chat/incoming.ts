/**
 * What arrives on the socket, in either generation, as the transport's events. Frames are held
 * back while the gap fill runs, so the history lands first (answers to our own frames, `ping` and
 * `error`, are needed meanwhile and pass). A flat echo confirms a send; envelope events become
 * messages (the visitor's own from another tab or device recognised), typing, the bot working, the
 * operator and the end of a session, and refusals of a send.
 */
import type { Emitter } from '../../core/emitter';
import { log } from '../../core/log';
import type { TransportEvents } from '../types';
import type { EchoConfirmations, PingConfirmations } from './confirm';
import { wsError } from './errors';
import { isEnvelope, parseFrame } from './protocol';
import { decodeEnvelope, type EnvelopeEvent } from './protocol-envelope';
import { decodeFlatFrame } from './protocol-flat';
import type { SentLog } from './sent-log';
import type { CustomerSession } from './session';
import type { Session } from './session-store';

/** How the open link confirms what was written on it. */
export interface Confirmations {
  pings: PingConfirmations;
  echoes: EchoConfirmations;
}

export interface InboxParts {
  session: CustomerSession;
  sent: SentLog;
  /** Agent id → name, learnt from history items (live events carry no names). */
  agents: Map<string, string>;
  events: Emitter<TransportEvents>;
  /** The current link's confirmations; null while no link is open. */
  confirmations(): Confirmations | null;
  /** An INVALID_FORMAT answer: true when it was the server refusing our flat frames (handled). */
  refusedFlat(): boolean;
  /** Asks the history for agents' names (into `agents`); resolves when it has or gave up. */
  learnNames?(): Promise<void>;
}

export interface Inbox {
  /** A new link opened: hold what the others say until `release`. */
  hold(): void;
  /** The gap is filled: what was held is applied, in order, and frames pass from now on. */
  release(): void;
  /** The link is gone: what it held is dropped with it (the next gap fill brings it). */
  drop(): void;
  /** A new conversation, or another visitor: the operator must be announced again. */
  forgetOperator(): void;
  frame(raw: unknown): void;
}

/** (A closure rather than a class: every ws-chat visitor downloads this, and locals minify best.) */
export function createInbox(parts: InboxParts): Inbox {
  const { session, sent, agents, events, confirmations, refusedFlat } = parts;
  /** Live frames held back while the gap fill runs; null when they pass. */
  let held: unknown[] | null = null;
  /** Frames waiting, in order, while the history is asked for an agent's name; null when none waits. */
  let naming: unknown[] | null = null;
  /** Agents looked up once: a backend that never names them costs one call each, not one per message. */
  const looked = new Set<string>();
  let operatorId: string | undefined;
  /** The operator was announced with a name (else the first named message of theirs announces it). */
  let operatorNamed = false;

  /** Holds this frame and the ones after it until the history named the agent (or did not). */
  function lookUp(id: string, raw: unknown, learn: () => Promise<void>): void {
    looked.add(id);
    const queue = [raw];
    naming = queue;
    void learn().then(() => {
      if (naming !== queue) return; // the link dropped meanwhile: the next gap fill brings these
      naming = null;
      for (const r of queue) deliver(r);
    });
  }

  function deliver(raw: unknown): void {
    if (naming) naming.push(raw);
    else handle(raw);
  }

  function handle(raw: unknown): void {
    const current = session.current;
    const frame = parseFrame(raw);
    if (!current || !frame) return;
    if (isEnvelope(frame)) {
      const event = decodeEnvelope(frame, (id) => agents.get(id));
      if (!event) return;
      // An agent's message we cannot name yet: the history can (their join names nobody: it comes
      // before they wrote anything).
      const agent =
        event.type === 'message' && event.message.author.kind === 'operator' && event.message.author.id;
      if (agent && !agents.has(agent) && !looked.has(agent) && parts.learnNames)
        lookUp(agent, raw, parts.learnNames);
      else onEvent(event, current);
      return;
    }
    const decoded = decodeFlatFrame(frame, current.customerId);
    if (!decoded) return;
    if (decoded.conversationId) session.setConversation(decoded.conversationId);
    const { message } = decoded;
    if (message.clientId) {
      sent.forget(message.clientId);
      confirmations()?.echoes.echoed(message.clientId, { id: message.id, at: message.at, confirmed: true });
    }
    events.emit('message', message);
  }

  function onEvent(event: EnvelopeEvent, current: Session): void {
    if (
      'sessionId' in event &&
      event.sessionId &&
      current.sessionId &&
      event.sessionId !== current.sessionId
    ) {
      log.debug('ws-chat: an event of another session');
      return;
    }
    switch (event.type) {
      case 'pong':
        confirmations()?.pings.answered();
        return;
      case 'error':
        if (event.code === 'INVALID_FORMAT' && refusedFlat()) return;
        if (confirmations()?.pings.refused(wsError('refused', event.message, true))) return;
        log.warn(`the server reported an error (${event.code})`);
        return;
      case 'message': {
        const { message } = event;
        const { author } = message;
        if (author.kind === 'visitor') {
          const clientId = sent.match(message.id, message.text, message.attachments?.length ?? 0);
          if (clientId) message.clientId = clientId;
        }
        events.emit('message', message);
        // The operator joined before we knew their name: their first named message tells it.
        if (
          operatorId &&
          author.kind === 'operator' &&
          author.id === operatorId &&
          author.name &&
          !operatorNamed
        )
          announce(operatorId);
        return;
      }
      case 'typing': {
        const name = event.agentId ? agents.get(event.agentId) : undefined;
        events.emit('typing', {
          on: event.on,
          author: {
            kind: 'operator',
            ...(event.agentId ? { id: event.agentId } : {}),
            ...(name ? { name } : {}),
          },
        });
        return;
      }
      case 'working':
        events.emit('typing', { on: event.on, author: { kind: 'bot' } });
        return;
      case 'session':
        onSession(event.agentId, event.ended);
        return;
    }
  }

  function onSession(agentId: string | undefined, ended: boolean): void {
    if (agentId && agentId !== operatorId) announce(agentId);
    if (!ended) return;
    // The session is over: the next message needs a new one, which reset() gets.
    session.endConversation();
    events.emit('sessionEnded', { reason: 'closed' });
  }

  function announce(agentId: string): void {
    operatorId = agentId;
    const name = agents.get(agentId);
    operatorNamed = name !== undefined;
    events.emit('operator', { operator: { kind: 'operator', id: agentId, ...(name ? { name } : {}) } });
  }

  return {
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const raw of waiting) deliver(raw);
    },
    drop: () => {
      held = null;
      naming = null;
    },
    forgetOperator: () => {
      operatorId = undefined;
      operatorNamed = false;
    },
    frame: (raw) => {
      const frame = parseFrame(raw);
      if (!frame) return;
      // Answers to our own frames are needed at once; everything else keeps its order.
      if (isEnvelope(frame) && (frame.event === 'ping' || frame.event === 'error')) handle(raw);
      else if (held) held.push(raw);
      else deliver(raw);
    },
  };
}
