/**
 * The flat generation's chat (seed 001): a visitor frame is echoed to every socket of the customer
 * (with its metadata, so `clientMessageId` confirms it), stored once per clientMessageId, and
 * answered by the demo bot.
 */
import type { WebSocket } from 'ws';
import { BOT_ID, BOT_NAME, type Bot, botReplies } from '../bot';
import { parseClientFrame, toFlatFrame } from './frames';
import type { SocketHub } from './sockets';
import { type ChatStore, type Conversation, type Customer, newMessage } from './store';

export interface FlatContext {
  store: ChatStore;
  hub: SocketHub;
  bot: Bot;
  log(line: string): void;
  /** Dedupe by `metadata.clientMessageId`; false stores every frame, as a seed-built backend does. */
  clientIds: boolean;
  /** False: the sender's own socket gets no echo of its frame (its other sockets still do). */
  echo: boolean;
  /** False: the demo bot stays silent (fault tests answer through `testing.say`). */
  botOn: boolean;
  /** Tells the test hooks about a visitor message (`repeat`: a resend recognised and not stored). */
  heard(conversationId: string, text: string, repeat: boolean): void;
}

export function onFlatText(ctx: FlatContext, customer: Customer, ws: WebSocket, text: string): void {
  const { store, hub } = ctx;
  const parsed = parseClientFrame(text);
  if (!parsed.ok) {
    // The seed has no error frame: log, ignore, keep the socket open.
    ctx.log(`ws-chat: ignored a frame: ${parsed.error}`);
    return;
  }
  const { content, metadata } = parsed.value;
  const clientMessageId = ctx.clientIds ? parsed.value.clientMessageId : undefined;
  // The token decides who speaks and where: the frame's senderId/conversationId are not trusted.
  const conversation = store.conversationOf(customer);
  const frameOf = (m: Parameters<typeof toFlatFrame>[0]) => toFlatFrame(m, customer.channel, conversation.id);

  const known = clientMessageId === undefined ? undefined : conversation.accepted.get(clientMessageId);
  if (known) {
    // A resend after a lost echo: confirm again with the same frame, but store and answer once.
    if (ctx.echo) hub.sendTo(ws, frameOf(known));
    ctx.heard(conversation.id, content, true);
    return;
  }

  const first = conversation.visitorMessages === 0;
  const message = newMessage({
    senderType: 'USER',
    senderId: customer.id,
    text: content,
    ...(metadata === undefined ? {} : { metadata }),
  });
  store.appendVisitor(conversation, message, clientMessageId);
  hub.broadcast(customer.id, frameOf(message), ctx.echo ? undefined : ws);
  ctx.heard(conversation.id, content, false);
  if (!ctx.botOn) return;
  ctx.bot.respond(conversation.id, botReplies({ text: content, first }), (reply) =>
    flatBotSays(ctx, customer, conversation, reply),
  );
}

/** Store a bot message and send it to the customer's live sockets; returns its id. */
export function flatBotSays(
  ctx: Pick<FlatContext, 'store' | 'hub'>,
  customer: Customer,
  conversation: Conversation,
  text: string,
): string {
  const answer = newMessage({ senderType: 'AI', senderId: BOT_ID, senderName: BOT_NAME, text });
  ctx.store.append(conversation, answer);
  ctx.hub.broadcast(customer.id, toFlatFrame(answer, customer.channel, conversation.id));
  return answer.id;
}
