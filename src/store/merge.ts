/**
 * Merging two versions of the conversation by message key: what another tab sent, what another
 * tab wrote to storage. A merge never drops a message either side has and never overwrites what
 * this side knows with something older, so tabs that save or talk in any order end up the same.
 */
import type { SendState } from '../core/types';
import type { ChatMessage } from './types';

/** Later states win; "sending" and "failed" are the same step (a retry goes back to sending). */
const RANK: Record<SendState, number> = { sending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/**
 * The order of the unsent states: each Retry starts a new round, and within a round "failed"
 * follows "sending". (Letting the other side's word count, as before, wrote an old "sending"
 * from storage over a "failed" decided since, and the next page sent the message by itself.)
 */
const unsentStep = (m: ChatMessage) => (m.retries ?? 0) * 2 + (m.state === 'failed' ? 1 : 0);

function later(ours: ChatMessage, theirs: ChatMessage): boolean {
  if (!ours.state || !theirs.state || ours.state === theirs.state) return false;
  const a = RANK[ours.state];
  const b = RANK[theirs.state];
  return b > a || (a === 0 && b === 0 && unsentStep(theirs) > unsentStep(ours));
}

/**
 * One message known on both sides. The send state only moves forward (see unsentStep for the two
 * unsent states); ids and the chosen answer are kept from whichever side has them; the rest is
 * this side's (both tabs got the same events for it). Returns `ours` itself when nothing changes.
 */
export function mergeItem(ours: ChatMessage, theirs: ChatMessage): ChatMessage {
  if (ours === theirs) return ours;
  const patch: Partial<ChatMessage> = {};
  if (later(ours, theirs) && theirs.state) {
    patch.state = theirs.state;
    // Why it failed goes with the state: the tab whose outbox decided knows it.
    patch.failure = theirs.failure;
    patch.unconfirmed = theirs.unconfirmed;
  }
  if (theirs.retries !== undefined && theirs.retries > (ours.retries ?? 0)) patch.retries = theirs.retries;
  if (ours.id === undefined && theirs.id !== undefined) patch.id = theirs.id;
  if (ours.chosenAnswer === undefined && theirs.chosenAnswer !== undefined)
    patch.chosenAnswer = theirs.chosenAnswer;
  return Object.keys(patch).length ? { ...ours, ...patch } : ours;
}

/**
 * Both lists in one: our order, each message known to both merged, and each message only they
 * have inserted after the message it follows on their side (at the start when none). Returns
 * `ours` itself when nothing changes.
 */
export function mergeLists(ours: readonly ChatMessage[], theirs: readonly ChatMessage[]): ChatMessage[] {
  const theirsByKey = new Map(theirs.map((m) => [m.key, m]));
  const oursKeys = new Set(ours.map((m) => m.key));
  // Their messages we lack, grouped by the key of the common message they follow ('' = the start).
  const inserts = new Map<string, ChatMessage[]>();
  let after = '';
  for (const m of theirs) {
    if (oursKeys.has(m.key)) {
      after = m.key;
      continue;
    }
    const group = inserts.get(after);
    if (group) group.push(m);
    else inserts.set(after, [m]);
  }
  let changed = inserts.size > 0;
  const result: ChatMessage[] = [...(inserts.get('') ?? [])];
  for (const m of ours) {
    const other = theirsByKey.get(m.key);
    const merged = other ? mergeItem(m, other) : m;
    if (merged !== m) changed = true;
    result.push(merged);
    const group = inserts.get(m.key);
    if (group) result.push(...group);
  }
  return changed ? result : (ours as ChatMessage[]);
}

/**
 * Live updates from another tab: known messages merge in place, new ones go to the end (what is
 * on screen is never reordered). Returns `list` itself when nothing changes, and the objects that
 * came from the other tab (they are not sent back).
 */
export function applyItems(
  list: readonly ChatMessage[],
  items: readonly ChatMessage[],
): { list: ChatMessage[]; applied: ChatMessage[] } {
  const index = new Map(list.map((m, i) => [m.key, i]));
  let next: ChatMessage[] | null = null;
  const applied: ChatMessage[] = [];
  for (const item of items) {
    const i = index.get(item.key);
    const current = i === undefined ? undefined : (next ?? list)[i];
    if (i !== undefined && current) {
      const merged = mergeItem(current, item);
      if (merged === current) continue;
      next ??= [...list];
      next[i] = merged;
      applied.push(merged);
    } else {
      next ??= [...list];
      index.set(item.key, next.length);
      next.push(item);
      applied.push(item);
    }
  }
  return { list: next ?? (list as ChatMessage[]), applied };
}
