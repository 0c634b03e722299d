/**
 * The gap fill: neither generation replays what a customer missed while the socket was down (the
 * current server gives customers no offline push), so after every (re)connect to a known
 * conversation the adapter asks the history call for what is newer than the last fill, before any
 * live frame is applied and before the outbox may send (so nothing the server has is sent twice, and
 * replies land in order). Messages come back oldest first and marked `backfill`.
 */
import { log } from '../../core/log';
import type { IncomingMessage } from '../../core/types';
import type { WsChatApi } from './api';
import type { Generation } from './protocol';
import { decodeHistoryPage, envelopeHistoryUrl, type HistoryPage } from './protocol-envelope';
import { decodeFlatHistory, flatHistoryUrl } from './protocol-flat';
import type { SentLog } from './sent-log';
import type { Session, SessionStore } from './session-store';

const PAGE_SIZE = 50;
/**
 * A gap longer than this many pages is not filled further back: the link goes live after a bounded
 * wait (messages before a first fill's newest page come by scrolling up, older.ts).
 */
const MAX_PAGES = 10;
/** Enough to find the agent who just spoke; short so the wait for a name stays short. */
const NAMES_PAGE_SIZE = 10;
const NAMES_TIMEOUT_MS = 3000;

export interface HistoryContext {
  server: string;
  api: WsChatApi;
  sessions: SessionStore;
  sent: SentLog;
  /** Agent id → name, learnt from history items (live events carry no names). */
  agents: Map<string, string>;
}

/**
 * What the gap fill found, and `applied`, to call once they were handed on: only then does the
 * next fill start after them (a link lost while the fill ran drops them, and the next fill must
 * bring them again: advancing first lost them for good under load).
 */
export type GapFill = { messages: IncomingMessage[]; applied(): void } | { unauthorized: true };

const nothing = (): GapFill => ({ messages: [], applied: () => {} });

/** What the visitor missed, oldest first; an empty list when there is nothing to ask or the call failed. */
export async function fetchMissed(
  ctx: HistoryContext,
  generation: Generation,
  session: Session,
  signal: AbortSignal,
): Promise<GapFill> {
  try {
    const found =
      generation === 'envelope'
        ? await envelopePages(ctx, session, signal)
        : await flatHistory(ctx, session, signal);
    if ('messages' in found) for (const m of found.messages) m.backfill = true;
    return found;
  } catch {
    // Best effort: the live socket carries on without the gap filled.
    log.warn('could not fetch the conversation history after connecting');
    return nothing();
  }
}

async function flatHistory(ctx: HistoryContext, session: Session, signal: AbortSignal): Promise<GapFill> {
  const { conversationId } = session;
  if (!conversationId || !ctx.sessions.hasHistory) return nothing();
  const res = await ctx.api.get(flatHistoryUrl(ctx.server, conversationId), session.token, signal);
  if (res.status === 401) return { unauthorized: true };
  if (res.status === 404 || res.status === 405) {
    // The seed has no history call: remember, and stop asking this backend.
    ctx.sessions.noHistory();
    return nothing();
  }
  const messages = (res.status === 200 && decodeFlatHistory(res.body, session.customerId)) || [];
  // Where the history names the client id, a message whose echo the drop took is known to have
  // arrived: `send` then confirms it instead of writing it again.
  for (const m of messages) if (m.author.kind === 'visitor' && m.clientId) ctx.sent.landed(m.clientId, m.id);
  return { messages, applied: () => {} };
}

async function envelopePages(ctx: HistoryContext, session: Session, signal: AbortSignal): Promise<GapFill> {
  const { sessionId } = session;
  if (!sessionId) return nothing();
  const cursor = ctx.sessions.cursor(sessionId);
  const newestFirst: IncomingMessage[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const decoded = await readEnvelopePage(ctx, sessionId, session.token, page, PAGE_SIZE, signal);
    if (decoded === 'unauthorized') return { unauthorized: true };
    if (decoded === 'unreadable') break;
    let reachedCursor = false;
    for (const item of decoded.items) {
      if (cursor !== undefined && item.message.at < cursor) reachedCursor = true;
      else newestFirst.push(item.message);
    }
    // Without a cursor (a first fill) the newest page is enough: older messages are on screen already.
    if (decoded.last || reachedCursor || cursor === undefined) break;
  }
  const messages = newestFirst.reverse();
  // A conversation found empty has a cursor too (the start): without one, the next fill would read
  // only the newest page, and a gap longer than a page would lose its older part.
  const next = messages.at(-1)?.at ?? cursor ?? 0;
  // The server never echoed the visitor's own messages: recognise them by what was written.
  for (const m of messages) {
    if (m.author.kind !== 'visitor') continue;
    const clientId = ctx.sent.match(m.id, m.text, m.attachments?.length ?? 0);
    if (clientId) m.clientId = clientId;
  }
  return { messages, applied: () => ctx.sessions.setCursor(sessionId, next) };
}

/** One envelope history page, newest first, with the agents it names learnt. */
export async function readEnvelopePage(
  ctx: HistoryContext,
  sessionId: string,
  token: string,
  page: number,
  size: number,
  signal?: AbortSignal,
): Promise<HistoryPage | 'unauthorized' | 'unreadable'> {
  const res = await ctx.api.get(envelopeHistoryUrl(ctx.server, sessionId, page, size), token, signal);
  if (res.status === 401) return 'unauthorized';
  const decoded = res.status === 200 && decodeHistoryPage(res.body, (id) => ctx.agents.get(id));
  if (!decoded) return 'unreadable';
  for (const { agentName, message } of decoded.items)
    if (agentName && message.author.id) ctx.agents.set(message.author.id, agentName);
  return decoded;
}

/**
 * Live events name an agent by id only; history items carry `agentName`. When an agent we cannot
 * name speaks, the newest page tells us (the server stores a message before it broadcasts it).
 * Best effort and bounded: without an answer in time the message shows unnamed.
 */
export async function learnAgentNames(ctx: HistoryContext, session: Session): Promise<void> {
  if (!session.sessionId) return;
  await readEnvelopePage(
    ctx,
    session.sessionId,
    session.token,
    0,
    NAMES_PAGE_SIZE,
    AbortSignal.timeout(NAMES_TIMEOUT_MS),
  ).catch(() => {});
}
