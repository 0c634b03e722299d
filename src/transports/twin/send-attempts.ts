/**
 * The visitor's messages handed to the network and not answered yet, kept in storage: TWIN posts
 * carry no id the server could dedupe by and TWIN has no history call, so a post whose answer never
 * reached the page (it reloaded, the tab closed) cannot be checked afterwards. Each record is
 * written synchronously before fetch is called, and removed when the page hears an answer.
 * A record another page left behind (a reload, or a tab that held the connection before) means
 * "maybe arrived": that message is posted again only in a later retry round, i.e. when the visitor
 * pressed Retry after it was posted (see adapter.ts, send()).
 */
import { nonEmptyStr, num } from '../../core/guards';
import { randomId } from '../../core/ids';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const KEY = 'twin.posting';
/** The outbox posts one message at a time: only a few can be left unanswered. */
const MAX_KEPT = 50;

export interface Attempt {
  /** When it was handed to the network (local epoch ms). */
  at: number;
  /** The page (adapter instance) that handed it over. */
  page: string;
  /** The message's retry round when it was posted (`OutgoingMessage.retries`, 0 before any Retry). */
  round: number;
}

export class SendAttempts {
  /** This page: its own attempts that failed without an answer are its to post again. */
  private readonly page = randomId();

  constructor(private readonly storage: KeyValueStore) {}

  /**
   * The attempt another page handed to the network for `clientId` in round `round` or later and
   * never heard the answer to; undefined when there is none (or it was this page's own).
   */
  leftUnanswered(clientId: string, round: number): Attempt | undefined {
    const attempt = this.load().get(clientId);
    return attempt && attempt.page !== this.page && attempt.round >= round ? attempt : undefined;
  }

  /** Written before the post is handed to fetch (localStorage writes are synchronous). */
  begin(clientId: string, at: number, round: number): void {
    this.update((all) => all.set(clientId, { at, page: this.page, round }));
  }

  /** This page heard how the post ended. */
  end(clientId: string): void {
    if (this.load().has(clientId)) this.update((all) => all.delete(clientId));
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
        [...all].map(([clientId, a]) => [clientId, a.at, a.page, a.round]),
      );
  }

  private load(): Map<string, Attempt> {
    const raw = readJson(this.storage, KEY);
    const all = new Map<string, Attempt>();
    for (const entry of Array.isArray(raw) ? raw.slice(-MAX_KEPT) : []) {
      if (!Array.isArray(entry)) continue;
      const [clientId, at, page, round] = entry as unknown[];
      const c = nonEmptyStr(clientId, 256);
      const t = num(at);
      const p = nonEmptyStr(page, 64);
      const r = num(round);
      if (c && t !== undefined && p && r !== undefined) all.set(c, { at: t, page: p, round: r });
    }
    return all;
  }
}
