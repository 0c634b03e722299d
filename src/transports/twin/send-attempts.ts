/**
 * The visitor's messages handed to the network and not answered yet, kept in storage: TWIN posts
 * carry no id the server could dedupe by and TWIN has no history call, so a post whose answer never
 * reached the page (it reloaded, the tab closed) cannot be checked afterwards. Each record is
 * written synchronously before fetch is called, and removed when the page hears an answer.
 * A record another page left behind (a reload, or a tab that held the connection before) means
 * "maybe arrived": it is never posted again without the visitor's say (see adapter.ts, send()).
 */
import { nonEmptyStr, num } from '../../core/guards';
import { randomId } from '../../core/ids';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const KEY = 'twin.posting';
/** The outbox posts one message at a time: only a few can be left unanswered. */
const MAX_KEPT = 50;

/**
 * `posted`: handed to fetch, no answer heard. `reported`: a later page told the store so (the
 * message shows "not confirmed" with a retry), so the next send of it is the visitor's retry.
 */
export type AttemptState = 'posted' | 'reported';

export interface Attempt {
  state: AttemptState;
  /** When it was handed to the network (local epoch ms). */
  at: number;
  /** The page (adapter instance) that handed it over. */
  page: string;
}

export class SendAttempts {
  /** This page: its own attempts that failed without an answer are its to post again. */
  private readonly page = randomId();

  constructor(private readonly storage: KeyValueStore) {}

  /** The attempt another page (or this one, earlier) left for `clientId`, if any. */
  get(clientId: string): Attempt | undefined {
    return this.load().get(clientId);
  }

  /** Handed to the network by another page, which never heard the answer. */
  leftUnanswered(clientId: string): boolean {
    const attempt = this.get(clientId);
    return attempt?.state === 'posted' && attempt.page !== this.page;
  }

  /** Written before the post is handed to fetch (localStorage writes are synchronous). */
  begin(clientId: string, at: number): void {
    this.update((all) => all.set(clientId, { state: 'posted', at, page: this.page }));
  }

  /** The store was told the outcome is unknown; the next send of it is the visitor's decision. */
  report(clientId: string): void {
    this.update((all) => {
      const known = all.get(clientId);
      if (known) all.set(clientId, { ...known, state: 'reported' });
    });
  }

  /** This page heard how the post ended (an answer, or a failure while the page was alive). */
  end(clientId: string): void {
    if (this.get(clientId)) this.update((all) => all.delete(clientId));
  }

  /** Logout: nothing of the old visitor stays. */
  clear(): void {
    this.storage.remove(KEY);
  }

  private update(change: (all: Map<string, Attempt>) => unknown): void {
    // Read again each time: another tab may have written since.
    const all = this.load();
    change(all);
    while (all.size > MAX_KEPT) all.delete(all.keys().next().value ?? '');
    if (all.size === 0) this.storage.remove(KEY);
    else
      writeJson(
        this.storage,
        KEY,
        [...all].map(([clientId, a]) => [clientId, a.state, a.at, a.page]),
      );
  }

  private load(): Map<string, Attempt> {
    const raw = readJson(this.storage, KEY);
    const all = new Map<string, Attempt>();
    for (const entry of Array.isArray(raw) ? raw.slice(-MAX_KEPT) : []) {
      if (!Array.isArray(entry)) continue;
      const [clientId, state, at, page] = entry as unknown[];
      const c = nonEmptyStr(clientId, 256);
      const t = num(at);
      if (c && (state === 'posted' || state === 'reported') && t !== undefined)
        all.set(c, { state, at: t, page: nonEmptyStr(page, 64) ?? '' });
    }
    return all;
  }
}
