/**
 * What the TWIN adapter keeps across reloads, in the caller's (already namespaced) storage: the
 * session to resume within its ttl, and the visitor's messages the server confirmed (so a reload
 * never posts one again). The message ids seen in the session are kept in memory only:
 * they stop a redelivery from being emitted twice by this page; across reloads the store, which
 * knows every id it shows, drops it (a persisted window of ids was outrun by busy conversations).
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const SESSION_KEY = 'twin.session';
/**
 * Client id → server id and time of the visitor's messages the server confirmed, newest last. The
 * id is missing when the page recorded the 2xx status and did not live to read the answer's body.
 */
const SENT_KEY = 'twin.sent';
/**
 * The outbox sends one message at a time, so only the last few can be confirmed here and still
 * "sending" in a store that had no time to save: a small record is enough.
 */
const MAX_SENT = 200;
/** Where earlier versions kept acknowledged ids; removed when found. */
const LEGACY_ACKED_KEY = 'twin.acked';

export interface StoredSession {
  id: string;
  /** Local epoch ms when the session answer arrived (our clock, so server clock skew cannot matter). */
  startedAt: number;
  /** Seconds. */
  ttl: number;
}

export function expiresAt(session: StoredSession): number {
  return session.startedAt + session.ttl * 1000;
}

/** A confirmed send: the server's id (when the page read it) and time. */
export interface SentReceipt {
  id?: string;
  at: number;
}

export class SessionStore {
  private acked = new Set<string>();
  private sentCache: Map<string, SentReceipt> | null = null;
  private ackedFor = '';

  constructor(private readonly storage: KeyValueStore) {
    if (storage.get(LEGACY_ACKED_KEY) !== null) storage.remove(LEGACY_ACKED_KEY);
  }

  load(): StoredSession | null {
    const raw = readJson(this.storage, SESSION_KEY);
    if (!isObj(raw)) return null;
    const id = nonEmptyStr(raw.id, 256);
    const startedAt = num(raw.startedAt);
    const ttl = num(raw.ttl);
    return id && startedAt !== undefined && ttl !== undefined ? { id, startedAt, ttl } : null;
  }

  save(session: StoredSession): void {
    writeJson(this.storage, SESSION_KEY, session);
  }

  forget(): void {
    this.storage.remove(SESSION_KEY);
    this.ackedFor = '';
    this.acked.clear();
  }

  /**
   * The server's id and time of a message it confirmed: here, before a reload, or in another tab
   * that held the connection before this one (so what is not known here is looked up again).
   */
  sent(clientId: string): SentReceipt | undefined {
    const known = this.loadSent().get(clientId);
    if (known) return known;
    this.sentCache = null;
    return this.loadSent().get(clientId);
  }

  /** Records a confirmed send, at once (localStorage writes are synchronous), beside other tabs'. */
  recordSent(clientId: string, receipt: SentReceipt): void {
    this.sentCache = null;
    const sent = this.loadSent();
    sent.set(clientId, receipt);
    while (sent.size > MAX_SENT) sent.delete(sent.keys().next().value ?? '');
    writeJson(
      this.storage,
      SENT_KEY,
      [...sent].map(([clientId, r]) => [clientId, r.id ?? null, r.at]),
    );
  }

  private loadSent(): Map<string, SentReceipt> {
    if (this.sentCache) return this.sentCache;
    const raw = readJson(this.storage, SENT_KEY);
    const sent = new Map<string, SentReceipt>();
    for (const entry of Array.isArray(raw) ? raw.slice(-MAX_SENT) : []) {
      if (!Array.isArray(entry)) continue;
      const [clientId, id, at] = entry as unknown[];
      const c = nonEmptyStr(clientId, 256);
      const i = nonEmptyStr(id, 256);
      const t = num(at);
      if (c && t !== undefined && (i || id === null)) sent.set(c, i ? { id: i, at: t } : { at: t });
    }
    this.sentCache = sent;
    return sent;
  }

  /** True when this page took and acknowledged `messageId` of `sessionId` already (a redelivery). */
  acknowledged(sessionId: string, messageId: string): boolean {
    return this.ackedFor === sessionId && this.acked.has(messageId);
  }

  /** Records that `messageId` was taken and acknowledged (no window: a session is finite). */
  remember(sessionId: string, messageId: string): void {
    if (this.ackedFor !== sessionId) {
      this.acked = new Set();
      this.ackedFor = sessionId;
    }
    this.acked.add(messageId);
  }
}
