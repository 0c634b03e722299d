/**
 * Older messages on demand (`Transport.loadOlder`): the visitor scrolled to the top of what the
 * widget holds, and the history call has what came before.
 *
 * The current generation pages its history newest first by offset (`page`, `size`), and the offset
 * of a message grows by one with every newer message, so a page number found once goes stale as the
 * conversation goes on. The message is the cursor, not the offset: the pages are read from where the
 * last answer ended (or the newest) until the cursor's id turns up, and what follows it is older.
 * Each answer brings messages before the cursor or says there are none, so paging always ends.
 *
 * The flat generation's history call (the reference server's; the seed has none) answers the whole
 * conversation at once: what precedes the cursor there is all there is.
 */
import type { IncomingMessage } from '../../core/types';
import type { OlderCursor, OlderPage } from '../types';
import type { HistoryContext } from './history';
import type { Generation } from './protocol';
import { decodeHistoryPage, type EnvelopeMessage, envelopeHistoryUrl } from './protocol-envelope';
import { decodeFlatHistory, flatHistoryUrl } from './protocol-flat';
import type { Session } from './session-store';

/** Messages per history call (the current server's usual page). */
export const OLDER_PAGE_SIZE = 50;
/** Pages read looking for the cursor before giving up (a cursor the server no longer has). */
const MAX_SEARCH = 40;

/** Where the last answer ended: its oldest message and the page it was on. */
export interface OlderHint {
  id: string;
  page: number;
}

export type OlderResult = (OlderPage & { hint?: OlderHint }) | 'unauthorized' | 'unreadable';

export async function fetchOlder(
  ctx: HistoryContext,
  generation: Generation,
  session: Session,
  before: OlderCursor | null,
  hint: OlderHint | undefined,
): Promise<OlderResult> {
  return generation === 'envelope'
    ? envelopeOlder(ctx, session, before, hint)
    : flatOlder(ctx, session, before);
}

async function envelopeOlder(
  ctx: HistoryContext,
  session: Session,
  before: OlderCursor | null,
  hint: OlderHint | undefined,
): Promise<OlderResult> {
  const { sessionId } = session;
  if (!sessionId) return { messages: [], more: false };
  const names = (id: string) => ctx.agents.get(id);
  // Newer messages only push the cursor to later pages: start where it was last seen.
  let page = before && hint?.id === before.id ? hint.page : 0;
  /** The cursor was the last item of the page before: this whole page is older. */
  let passed = before === null;
  for (let searched = 0; searched < MAX_SEARCH; searched++, page++) {
    const res = await ctx.api.get(
      envelopeHistoryUrl(ctx.server, sessionId, page, OLDER_PAGE_SIZE),
      session.token,
    );
    if (res.status === 401) return 'unauthorized';
    const decoded = res.status === 200 ? decodeHistoryPage(res.body, names) : null;
    if (!decoded) return 'unreadable';
    const items = decoded.items;
    let older: EnvelopeMessage[] = [];
    if (passed) older = items;
    else if (before) {
      const at = items.findIndex((item) => item.message.id === before.id);
      if (at !== -1) older = items.slice(at + 1);
      // Not on this page. Still newer than the cursor (or as old: equal times): read on.
      else if (items.length && items.at(-1)!.message.at >= before.at && !decoded.last) continue;
      // The server no longer has the cursor (a message it dropped): what is older by its time.
      else older = items.filter((item) => item.message.at < before.at);
      if (at !== -1 && !older.length && !decoded.last) {
        passed = true;
        continue;
      }
    }
    const oldest = older.at(-1);
    return {
      messages: toMessages(ctx, older),
      more: !decoded.last,
      ...(oldest ? { hint: { id: oldest.message.id, page } } : {}),
    };
  }
  return { messages: [], more: false };
}

/** Newest-first history items as messages, oldest first; the agents' names learnt on the way. */
function toMessages(ctx: HistoryContext, newestFirst: readonly EnvelopeMessage[]): IncomingMessage[] {
  const out: IncomingMessage[] = [];
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const item = newestFirst[i]!;
    const m = item.message;
    if (item.agentName && m.author.id) ctx.agents.set(m.author.id, item.agentName);
    if (m.author.kind === 'visitor') {
      // Only an id the sent log already matched: older history must not claim a newer entry of the
      // same text (one still waiting to be sent would then never go).
      const clientId = ctx.sent.clientIdOf(m.id);
      if (clientId) m.clientId = clientId;
    }
    out.push(m);
  }
  return out;
}

async function flatOlder(
  ctx: HistoryContext,
  session: Session,
  before: OlderCursor | null,
): Promise<OlderResult> {
  const { conversationId } = session;
  if (!conversationId || !ctx.sessions.hasHistory) return { messages: [], more: false };
  const res = await ctx.api.get(flatHistoryUrl(ctx.server, conversationId), session.token);
  if (res.status === 401) return 'unauthorized';
  if (res.status === 404 || res.status === 405) return { messages: [], more: false };
  const all = res.status === 200 ? decodeFlatHistory(res.body, session.customerId) : null;
  if (!all) return 'unreadable';
  if (!before) return { messages: all, more: false };
  const at = all.findIndex((m) => m.id === before.id);
  return { messages: at === -1 ? all.filter((m) => m.at < before.at) : all.slice(0, at), more: false };
}
