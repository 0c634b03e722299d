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
  let operatorId: string | undefined;

  function handle(raw: unknown): void {
    const current = session.current;
    const frame = parseFrame(raw);
    if (!current || !frame) return;
    if (isEnvelope(frame)) {
      const event = decodeEnvelope(frame, (id) => agents.get(id));
      if (event) onEvent(event, current);
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
        if (message.author.kind === 'visitor') {
          const clientId = sent.match(message.id, message.text, message.attachments?.length ?? 0);
          if (clientId) message.clientId = clientId;
        }
        events.emit('message', message);
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
    if (agentId && agentId !== operatorId) {
      operatorId = agentId;
      const name = agents.get(agentId);
      events.emit('operator', { operator: { kind: 'operator', id: agentId, ...(name ? { name } : {}) } });
    }
    if (!ended) return;
    // The session is over: the next message needs a new one, which reset() gets.
    session.endConversation();
    events.emit('sessionEnded', { reason: 'closed' });
  }

  return {
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const raw of waiting) handle(raw);
    },
    drop: () => {
      held = null;
    },
    forgetOperator: () => {
      operatorId = undefined;
    },
    frame: (raw) => {
      const frame = parseFrame(raw);
      if (!frame) return;
      if (held && !(isEnvelope(frame) && (frame.event === 'ping' || frame.event === 'error'))) {
        held.push(raw);
        return;
      }
      handle(raw);
    },
  };
}
