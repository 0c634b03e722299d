/**
 * Decodes one persisted message as strictly as a wire frame. Storage is shared with the host page,
 * other versions of Parley, extensions and hand edits: a stored `answers: "yes"` once threw
 * `answers.map is not a function` on every visit and hid the widget for good. So every field is
 * rebuilt from scratch (never spread from the stored object): what does not decode is dropped, an
 * optional field on its own, a message when its core fields are unusable. Never throws.
 */
import { isObj, isTime, num, type Obj, str } from '../core/guards';
import type { Answer, Attachment, Author, AuthorKind, MessageKind, SendState } from '../core/types';
import { safeMediaUrl } from '../core/url';
import type { ChatMessage, Notice } from './types';

const AUTHOR_KINDS: ReadonlySet<string> = new Set<AuthorKind>(['visitor', 'bot', 'operator', 'system']);
const MESSAGE_KINDS: ReadonlySet<string> = new Set<MessageKind>(['regular', 'help', 'terminal']);
const SEND_STATES: ReadonlySet<string> = new Set<SendState>([
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
]);
/** Ids and names are short; anything longer is not ours. */
const SHORT = 512;
/** More answer buttons or attachments than any UI shows means a broken record. */
const MAX_ITEMS = 50;

function list<T>(v: unknown, decode: (item: unknown) => T | null): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const item of v.slice(0, MAX_ITEMS)) {
    const decoded = decode(item);
    if (decoded !== null) out.push(decoded);
  }
  return out;
}

function decodeAuthor(v: unknown): Author | null {
  if (!isObj(v) || typeof v.kind !== 'string' || !AUTHOR_KINDS.has(v.kind)) return null;
  const author: Author = { kind: v.kind as AuthorKind };
  const id = str(v.id, SHORT);
  const name = str(v.name, SHORT);
  const avatar = typeof v.avatarUrl === 'string' ? safeMediaUrl(v.avatarUrl) : null;
  if (id !== undefined) author.id = id;
  if (name !== undefined) author.name = name;
  if (avatar) author.avatarUrl = avatar;
  return author;
}

function decodeAnswer(v: unknown): Answer | null {
  if (!isObj(v)) return null;
  const text = str(v.text, SHORT);
  if (!text) return null;
  const id = str(v.id, SHORT);
  return id === undefined ? { text } : { text, id };
}

function decodeAttachment(v: unknown): Attachment | null {
  if (!isObj(v)) return null;
  const name = str(v.name, SHORT);
  const url = typeof v.url === 'string' ? safeMediaUrl(v.url) : null;
  if (name === undefined || !url) return null;
  const a: Attachment = { name, url };
  const id = str(v.id, SHORT);
  const contentType = str(v.contentType, SHORT);
  if (id !== undefined) a.id = id;
  if (contentType !== undefined) a.contentType = contentType;
  for (const key of ['size', 'width', 'height'] as const) {
    const n = num(v[key]);
    if (n !== undefined && n >= 0) a[key] = n;
  }
  return a;
}

function decodeNotice(v: unknown): Notice | null {
  if (!isObj(v)) return null;
  if (v.type === 'session-ended') return { type: 'session-ended' };
  const operator = decodeAuthor(v.operator);
  if (!operator) return null;
  if (v.type === 'operator-joined') return { type: 'operator-joined', operator };
  const previous = decodeAuthor(v.previous);
  if (v.type === 'operator-changed' && previous) return { type: 'operator-changed', operator, previous };
  return null;
}

function strings(v: unknown): string[] | undefined {
  return list(v, (item) => str(item, SHORT) ?? null);
}

/** The stored message rebuilt field by field, or null when its core fields are unusable. */
export function decodeStoredMessage(v: unknown): ChatMessage | null {
  if (!isObj(v)) return null;
  const m: Obj = v;
  const key = str(m.key, SHORT);
  const author = decodeAuthor(m.author);
  // A time a Date cannot hold would stop the log rendering (and so the panel opening) for good.
  if (
    !key ||
    (m.direction !== 'in' && m.direction !== 'out') ||
    typeof m.text !== 'string' ||
    !isTime(m.at)
  ) {
    return null;
  }
  if (!author || m.text.length > 64 * 1024) return null;
  const out: ChatMessage = {
    key,
    direction: m.direction,
    text: m.text,
    at: m.at,
    author,
    kind: typeof m.kind === 'string' && MESSAGE_KINDS.has(m.kind) ? (m.kind as MessageKind) : 'regular',
  };
  const id = str(m.id, SHORT);
  const clientId = str(m.clientId, SHORT);
  const chosenAnswer = str(m.chosenAnswer, SHORT);
  const replyToId = str(m.replyToId, SHORT);
  const answerId = str(m.answerId, SHORT);
  if (answerId !== undefined) out.answerId = answerId;
  if (m.answersDone === true) out.answersDone = true;
  if (m.unconfirmed === true && out.direction === 'out') out.unconfirmed = true;
  const retries = num(m.retries);
  if (retries !== undefined && Number.isInteger(retries) && retries > 0) out.retries = retries;
  const failure = str(m.failure, SHORT);
  if (failure !== undefined) out.failure = failure;
  if (id !== undefined) out.id = id;
  if (clientId !== undefined) out.clientId = clientId;
  if (chosenAnswer !== undefined) out.chosenAnswer = chosenAnswer;
  if (replyToId !== undefined) out.replyToId = replyToId;
  if (typeof m.state === 'string' && SEND_STATES.has(m.state)) out.state = m.state as SendState;
  else if (out.direction === 'out') out.state = 'failed'; // unknown: let the visitor decide to retry
  const answers = list(m.answers, decodeAnswer);
  const attachments = list(m.attachments, decodeAttachment);
  const attachmentIds = strings(m.attachmentIds);
  if (answers?.length) out.answers = answers;
  if (attachments?.length) out.attachments = attachments;
  if (attachmentIds?.length) out.attachmentIds = attachmentIds;
  if (m.notice !== undefined) {
    const notice = decodeNotice(m.notice);
    if (!notice) return null; // a notice without its meaning would render as an empty bubble
    out.notice = notice;
  }
  return out;
}
