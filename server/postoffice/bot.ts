/**
 * What the postoffice demo bot answers (pure, so tests can read it) and how its frames look. The
 * bot is a mailbox on the router like any other: it gets the visitor's frames addressed to it and
 * sends its replies through the router, `to` the visitor's `from`, naming the visitor's message in
 * `inReplyTo` (the only receipt the protocol has).
 *
 * Beyond the shared bot's commands: `buttons` (content as JSON with answers), `file` (JSON with an
 * attachment), `json` (a JSON object that is neither: shown as text).
 */
import { botReplies } from '../bot';

export const BOT_MAILBOX = '/service/parley/bot';

/** `content` of a reply: text, or JSON. */
export type Content = string | Record<string, unknown>;

export function postofficeReplies(text: string, first: boolean): Content[] {
  const command = text.trim().toLowerCase();
  const greeting = botReplies({ text: '', first }).slice(0, first ? 1 : 0);
  if (command === 'buttons') {
    return [...greeting, { text: 'Choose one:', answers: ['burst', { id: 'md', text: 'markdown' }, 'json'] }];
  }
  if (command === 'file') {
    // Relative: the demo page is served by this same server, and the widget resolves it there.
    const file = { name: 'demo.css', url: '/demo.css', contentType: 'text/css' };
    return [...greeting, { text: 'Here is a file for you.', attachments: [file] }];
  }
  if (command === 'json') return [...greeting, { weather: 'sunny', temperature: 25 }];
  const replies: Content[] = botReplies({ text, first });
  if (command === 'help') replies.push('The postoffice demo adds: buttons, file, json.');
  return replies;
}

export interface VisitorFrame {
  from: string;
  text: string;
  id?: string;
  subject: string;
}

/** Reads a frame delivered to the bot's mailbox; null for heartbeats, logs and garbage. */
export function readVisitorFrame(raw: string): VisitorFrame | null {
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const { from, type, content, id, subject } = frame as Record<string, unknown>;
  if (type !== 'msg' || typeof from !== 'string' || !from) return null;
  const text =
    typeof content === 'string'
      ? content
      : typeof (content as { text?: unknown } | null)?.text === 'string'
        ? (content as { text: string }).text
        : '';
  return {
    from,
    text,
    subject: typeof subject === 'string' ? subject : 'chat',
    ...(typeof id === 'string' && id ? { id } : {}),
  };
}

/**
 * A reply frame. Text replies carry `createTime` in seconds (as the seed's example), JSON ones in
 * milliseconds: the widget must read both.
 */
export function replyFrame(to: VisitorFrame, content: Content, now = Date.now()): string {
  return JSON.stringify({
    from: BOT_MAILBOX,
    to: to.from,
    subject: to.subject,
    content,
    type: 'msg',
    createTime: typeof content === 'string' ? Math.floor(now / 1000) : now,
    ...(to.id ? { inReplyTo: to.id } : {}),
  });
}

/** A bot message to a mailbox that answers nothing (fault tests and the soak), times in milliseconds. */
export function botFrame(to: string, text: string, id: string, now = Date.now()): string {
  return JSON.stringify({
    from: BOT_MAILBOX,
    to,
    subject: 'chat',
    content: text,
    type: 'msg',
    createTime: now,
    id,
  });
}
