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
import { type HistoryContext, readEnvelopePage } from './history';
import type { Generation } from './protocol';
import type { EnvelopeMessage, HistoryPage } from './protocol-envelope';
import { decodeFlatHistory, flatHistoryUrl } from './protocol-flat';
import type { Session } from './session-store';

/** Messages per history call (the current server's usual page). */
export const OLDER_PAGE_SIZE = 50;
/**
 * Pages read looking for the cursor before giving up: the whole of a history as long as the widget
 * stores (10,000 messages), twice. The caller's count of newer messages usually finds it in one or two.
 */
const MAX_SEARCH = 410;

/** Where the last answer ended: its oldest message, at this offset when the history held `total`. */
export interface OlderHint {
  id: string;
  offset: number;
  total?: number;
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
  const read = (page: number) => readEnvelopePage(ctx, sessionId, session.token, page, OLDER_PAGE_SIZE);
  const answer = (page: number, decoded: HistoryPage, older: EnvelopeMessage[]): OlderResult => {
    const oldest = older.at(-1);
    const total = decoded.total === undefined ? {} : { total: decoded.total };
    const offset = oldest ? page * OLDER_PAGE_SIZE + decoded.items.indexOf(oldest) : 0;
    return {
      messages: toMessages(ctx, older),
      more: !decoded.last,
      ...(oldest ? { hint: { id: oldest.message.id, offset, ...total } } : {}),
    };
  };
  let page: number;
  if (before && hint?.id === before.id) {
    // Paging on from the last answer: if the history holds as many messages as then, nothing moved,
    // and what is older starts right after it (one read, checked against the cursor where it can).
    const next = hint.offset + 1;
    page = Math.floor(next / OLDER_PAGE_SIZE);
    const decoded = await read(page);
    if (typeof decoded === 'string') return decoded;
    const from = next % OLDER_PAGE_SIZE;
    const first = decoded.items[0];
    const fits = from
      ? decoded.items[from - 1]?.message.id === before.id
      : !first || first.message.at <= before.at;
    if (hint.total !== undefined && decoded.total === hint.total && fits)
      return answer(page, decoded, decoded.items.slice(from));
    // Newer messages pushed it to a later offset, by as many as came.
    const moved = Math.max(0, (decoded.total ?? 0) - (hint.total ?? 0));
    page = Math.floor((hint.offset + moved) / OLDER_PAGE_SIZE);
  } else {
    // Where the caller's count of newer messages puts it (forward when that was short, back when
    // too long: the caller also counts what the server does not list).
    page = Math.floor(Math.max(0, before?.newer ?? 0) / OLDER_PAGE_SIZE);
  }
  const search = { step: 0 as -1 | 0 | 1, runStart: undefined as number | undefined };
  /** The cursor was the last item of the page before: this whole page is older. */
  let passed = before === null;
  for (let searched = 0; searched < MAX_SEARCH; searched++) {
    const decoded = await read(page);
    if (typeof decoded === 'string') return decoded;
    const items = decoded.items;
    let older: EnvelopeMessage[] = items;
    if (before && !passed) {
      const at = items.findIndex((item) => item.message.id === before.id);
      const next = at === -1 ? nextPage(search, page, decoded, before.at) : undefined;
      if (next !== undefined) {
        page = next;
        continue;
      }
      // Found; or not there (the server dropped it, and so everything older): what is older by time.
      older = at !== -1 ? items.slice(at + 1) : items.filter((item) => item.message.at < before.at);
      if (at !== -1 && !older.length && !decoded.last) {
        passed = true;
        page += 1;
        continue;
      }
    }
    return answer(page, decoded, older);
  }
  return { messages: [], more: false };
}

interface Search {
  /** The way the search goes: +1 to older pages, -1 to newer ones. */
  step: -1 | 0 | 1;
  /** The first page met holding messages of the cursor's own time (ties): scanned forward, then back from here. */
  runStart: number | undefined;
}

/**
 * The next page to look at for a cursor that is not on `page`, or undefined when it is nowhere. A
 * page all newer than the cursor sends the search to older pages, one all older to newer pages; a
 * page with messages of the cursor's own time (seeded or imported in one go) cannot say, so that run
 * is scanned forward and then back from where it began. Turning round otherwise means it is gone.
 */
function nextPage(s: Search, page: number, decoded: HistoryPage, at: number): number | undefined {
  const { items, last } = decoded;
  if (!items.length) {
    // Past the end (the caller holds more than the server has): back to the last page.
    if (page === 0 || s.step > 0) return undefined;
    s.step = -1;
    const lastPage = decoded.total ? Math.ceil(decoded.total / OLDER_PAGE_SIZE) - 1 : page - 1;
    return Math.max(0, Math.min(page - 1, lastPage));
  }
  const allNewer = items.at(-1)!.message.at > at;
  const allOlder = items[0]!.message.at < at;
  let step: -1 | 0 | 1 = allNewer ? 1 : allOlder ? -1 : s.step === -1 ? -1 : 1;
  if (!allNewer && !allOlder) s.runStart ??= page;
  if (step === 1 && last) step = -1;
  if (step === -1 && s.step === 1) {
    // Turned round: only a run of ties still has pages before it to look at.
    if (s.runStart === undefined || s.runStart === 0) return undefined;
    const back = s.runStart - 1;
    s.runStart = 0;
    s.step = -1;
    return back;
  }
  if (step === 1 && s.step === -1) return undefined;
  if (step === -1 && page === 0) return undefined;
  s.step = step;
  return page + step;
}

/** Newest-first history items as messages, oldest first. */
function toMessages(ctx: HistoryContext, newestFirst: readonly EnvelopeMessage[]): IncomingMessage[] {
  const out: IncomingMessage[] = [];
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const item = newestFirst[i]!;
    const m = item.message;
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
