/** What the UI reads: one item of the conversation as the visitor sees it. */
import type { Answer, Attachment, Author, MessageKind, SendState } from '../core/types';

export type Direction = 'in' | 'out';

/** A notice in the flow that is not a message (operator joined, conversation ended). */
export type Notice =
  | { type: 'operator-joined'; operator: Author }
  | { type: 'operator-changed'; operator: Author; previous: Author }
  | { type: 'session-ended' };

export interface ChatMessage {
  /** Stable key for rendering: the client id for the visitor's messages, `in:{id}` for the others. */
  key: string;
  direction: Direction;
  /** Server id, once known. */
  id?: string;
  /** Client id of the visitor's messages (outbox identity). */
  clientId?: string;
  text: string;
  /** Epoch ms. */
  at: number;
  author: Author;
  kind: MessageKind;
  /** Visitor's messages only. */
  state?: SendState;
  /** Why the backend refused a failed message, in its own words (shown beside "Not sent"). */
  failure?: string | undefined;
  /**
   * A failed message that may have arrived: the page went away while it was being sent and the
   * backend cannot be asked (TransportError `unconfirmed`). Shown "Not confirmed"; only the
   * visitor's retry sends it again.
   */
  unconfirmed?: true | undefined;
  /** How many times the visitor retried it: orders "sending" and "failed" across tabs (merge.ts). */
  retries?: number;
  answers?: Answer[];
  /** Text of the answer the visitor chose under this message. */
  chosenAnswer?: string;
  /** The visitor wrote on instead of choosing: the answer buttons are over, none was chosen. */
  answersDone?: boolean;
  /** Visitor's messages sent by an answer button: that answer's id, for backends that route on it. */
  answerId?: string;
  attachments?: Attachment[];
  /** Visitor's messages: ids of uploaded files the backend attaches to this message. */
  attachmentIds?: string[];
  replyToId?: string;
  notice?: Notice;
}
