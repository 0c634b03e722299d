/**
 * What the visitor sends, per generation. Envelope: `sendMessage` with the uploaded files it lists,
 * confirmed by the ping round trip (the server never echoes it) and recorded before the write, so
 * the history can tell after a drop or a reload whether it arrived. Flat: the seed's frame,
 * confirmed by its echo where the server echoes. (Plain functions: this chunk is on every ws-chat
 * visitor's download, and positional arguments minify to nothing.)
 */
import { notConnected } from '../../core/errors';
import type { OutgoingMessage, SendReceipt, TransportError } from '../../core/types';
import type { PingConfirmations } from './confirm';
import type { Link } from './link';
import { encodeSendMessage, type WireAttachment } from './protocol-envelope';
import { encodeFlatMessage } from './protocol-flat';
import type { SentLog } from './sent-log';
import type { Session } from './session-store';
import type { UploadedFiles } from './uploaded-files';

export async function sendEnvelope(
  message: OutgoingMessage,
  session: Session,
  pings: PingConfirmations | undefined,
  sent: SentLog,
  files: UploadedFiles,
): Promise<SendReceipt> {
  // The server knows no client ids: a message it already has is confirmed here, not sent twice.
  const known = sent.arrived(message.clientId);
  if (known) return known;
  const attachments = (message.attachmentIds ?? [])
    .map((id) => files.get(id))
    .filter((a): a is WireAttachment => a !== undefined);
  // Written down before the write: after a drop or a reload, the history tells whether it arrived.
  sent.written(message.clientId, message.text, attachments.length, 'envelope');
  const frame = encodeSendMessage(message.clientId, session.sessionId ?? '', message.text, attachments);
  const confirmed = pings?.send(frame);
  if (!confirmed) throw notConnected();
  try {
    await confirmed;
    sent.confirm(message.clientId);
  } catch (err) {
    const e = err as TransportError;
    if (e.code !== 'disconnected') sent.forget(message.clientId);
    throw e;
  }
  return { confirmed: true, at: Date.now() };
}

/** False when the socket was not open (nothing went out). */
export function writeFlat(message: OutgoingMessage, session: Session, link: Link, sent: SentLog): boolean {
  sent.written(message.clientId, message.text, 0, 'flat');
  return link.write(encodeFlatMessage(message, session.customerId, session.conversationId));
}
