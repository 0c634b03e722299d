/**
 * The envelope generation's chat, as PROTOCOLS.md §1 describes the product's current server:
 * `sendMessage` is stored and broadcast to the session's OTHER participants (never echoed to the
 * socket that sent it), a refused frame comes back as an `error` event, `ping` is answered with an
 * event named `ping`, anything else with a WARN notification. The demo bot answers as AI (with
 * `workflowStatus` while it works); a few extra commands show the other events.
 */
import type { WebSocket } from 'ws';
import { BOT_ID, BOT_NAME, type Bot, botReplies } from '../bot';
import { encodePng } from '../png';
import { event, parseClientEvent, sessionJson, toEnvelopeMessage } from './envelope';
import { fileUrl } from './routes';
import type { SocketHub } from './sockets';
import {
  type ChatStore,
  type Conversation,
  type Customer,
  newMessage,
  type SenderType,
  type StoredAttachment,
} from './store';

export const AGENT = { id: 'agent-anna', name: 'Anna' } as const;
export const ENVELOPE_HELP =
  'This server also knows: operator (an agent takes over), system, tool, image, file, end (closes the session).';
export const SYSTEM_TEXT = 'This conversation may be recorded to improve our service.';

export interface EnvelopeContext {
  store: ChatStore;
  hub: SocketHub;
  bot: Bot;
  log(line: string): void;
  /** False: the demo bot stays silent (fault tests answer through `testing.say`). */
  botOn: boolean;
  heard(conversationId: string, text: string, repeat: boolean): void;
}

export function onEnvelopeText(
  ctx: EnvelopeContext,
  customer: Customer,
  ws: WebSocket,
  text: string,
  origin: string,
): void {
  const { store, hub } = ctx;
  const parsed = parseClientEvent(text);
  if (!parsed.ok) {
    hub.sendTo(ws, event('error', parsed.error));
    return;
  }
  const frame = parsed.value;
  if (frame.event === 'ping') {
    hub.sendTo(ws, event('ping', { message: 'ping' }));
    return;
  }
  if (frame.event === 'unknown') {
    hub.sendTo(ws, event('notification', { type: 'WARN', message: `Unknown event: ${frame.name}` }));
    return;
  }
  const conversation = store.conversation(frame.sessionId);
  if (!conversation || conversation.customerId !== customer.id) {
    hub.sendTo(ws, event('error', { type: 'SESSION_NOT_FOUND', message: 'Session not found' }));
    return;
  }
  if (conversation.status !== 'OPEN') {
    hub.sendTo(ws, event('error', { type: 'SESSION_CLOSED', message: 'This conversation has ended' }));
    return;
  }
  const first = conversation.visitorMessages === 0;
  const message = newMessage({
    senderType: 'USER',
    senderId: customer.id,
    senderName: customer.name,
    text: frame.text,
    attachments: frame.attachments,
  });
  store.appendVisitor(conversation, message, undefined);
  // No echo: the other tabs and devices of this customer see it, the sender does not.
  hub.broadcast(
    customer.id,
    event('newMessage', { sessionId: conversation.id, message: toEnvelopeMessage(message, conversation.id) }),
    ws,
  );
  ctx.heard(conversation.id, frame.text, false);
  if (ctx.botOn) answer(ctx, customer, conversation, frame.text, first, origin);
}

/** Store a bot (AI) message and send it to the customer's live sockets; returns its id. */
export function envelopeBotSays(
  ctx: Pick<EnvelopeContext, 'store' | 'hub'>,
  customer: Customer,
  conversation: Conversation,
  text: string,
): string {
  const message = newMessage({ senderType: 'AI', senderId: BOT_ID, senderName: BOT_NAME, text });
  ctx.store.append(conversation, message);
  ctx.hub.broadcast(
    customer.id,
    event('newMessage', { sessionId: conversation.id, message: toEnvelopeMessage(message, conversation.id) }),
  );
  return message.id;
}

/** What the demo does with a visitor's message: the shared bot, plus this generation's extras. */
function answer(
  ctx: EnvelopeContext,
  customer: Customer,
  conversation: Conversation,
  text: string,
  first: boolean,
  origin: string,
): void {
  const { store, hub, bot } = ctx;
  const sessionId = conversation.id;
  const toCustomer = (name: string, payload: unknown) => hub.broadcast(customer.id, event(name, payload));
  const post = (senderType: SenderType, body: string, attachments: StoredAttachment[] = []) => {
    const byAgent = senderType === 'AGENT';
    const message = newMessage({
      senderType,
      senderId: byAgent ? AGENT.id : BOT_ID,
      senderName: byAgent ? AGENT.name : BOT_NAME,
      text: body,
      attachments,
    });
    store.append(conversation, message);
    toCustomer('newMessage', { sessionId, message: toEnvelopeMessage(message, sessionId) });
  };
  const updateSession = () => toCustomer('sessionUpdated', { session: sessionJson(conversation, customer) });
  const command = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';

  if (command === 'operator') {
    conversation.primaryAgentId = AGENT.id;
    updateSession();
  } else if (command === 'end') {
    conversation.status = 'CLOSED';
    post('SYSTEM', 'The conversation was closed.');
    updateSession();
    return;
  }
  const agent = conversation.primaryAgentId !== undefined;
  const replies: Array<{ type: SenderType; text: string; attachments?: StoredAttachment[] }> = botReplies({
    text,
    first,
  }).map((reply) => ({ type: agent ? 'AGENT' : 'AI', text: reply }));
  if (command === 'operator')
    replies.splice(0, replies.length, { type: 'AGENT', text: `Hi, I am ${AGENT.name}. How can I help?` });
  else if (command === 'help') replies.push({ type: 'AI', text: ENVELOPE_HELP });
  else if (command === 'system') replies.splice(0, replies.length, { type: 'SYSTEM', text: SYSTEM_TEXT });
  else if (command === 'tool')
    replies.splice(
      0,
      replies.length,
      { type: 'TOOL', text: '{"tool":"orders.lookup","result":"none"}' },
      { type: 'AI', text: 'I looked it up: there are no open orders.' },
    );
  else if (command === 'image' || command === 'file')
    replies.splice(0, replies.length, {
      type: 'AI',
      text: command === 'image' ? 'Here is a picture.' : 'Here is a file.',
      attachments: [demoFile(store, origin, command)],
    });

  bot.respond(
    sessionId,
    replies,
    (reply) => {
      if (conversation.status !== 'OPEN') return;
      post(reply.type, reply.text, reply.attachments);
      if (reply.type === 'AGENT')
        toCustomer('agentTyping', { sessionId, agentId: AGENT.id, isTyping: false });
    },
    () => {
      if (agent || command === 'operator')
        toCustomer('agentTyping', { sessionId, agentId: AGENT.id, isTyping: true });
      else
        toCustomer('workflowStatus', {
          sessionId,
          statusType: 'PROCESSING',
          description: 'Generating a reply',
        });
    },
  );
}

/** A picture (a real PNG) or a small text file the bot sends, stored like an upload. */
function demoFile(store: ChatStore, origin: string, kind: 'image' | 'file'): StoredAttachment {
  const file =
    kind === 'image'
      ? store.addFile(
          'picture.png',
          'image/png',
          encodePng(96, 64, (x, y) => [40 + x * 2, 90 + y, 200, 255]),
        )
      : store.addFile('notes.txt', 'text/plain', Buffer.from('Parley demo file.\n'));
  return {
    id: file.id,
    type: kind === 'image' ? 'IMAGE' : 'FILE',
    url: fileUrl(origin, file.id),
    name: file.name,
    sizeKb: Math.max(1, Math.ceil(file.bytes.length / 1024)),
  };
}
