/**
 * What the TWIN adapter keeps across reloads, in the caller's (already namespaced) storage: the
 * session to resume within its ttl, and the message ids it acknowledged for that session, so a
 * redelivery after a reload or a reconnect is neither shown nor acknowledged twice.
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const SESSION_KEY = 'twin.session';
const ACKED_KEY = 'twin.acked';
/** Enough for any conversation a widget shows; older ids fall out first. */
const MAX_ACKED = 500;

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

export class SessionStore {
  private acked: string[] = [];
  private ackedSet = new Set<string>();
  private ackedFor = '';

  constructor(private readonly storage: KeyValueStore) {}

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
    this.storage.remove(ACKED_KEY);
    this.ackedFor = '';
    this.acked = [];
    this.ackedSet.clear();
  }

  /** True when `messageId` of `sessionId` was taken and acknowledged already (a redelivery). */
  acknowledged(sessionId: string, messageId: string): boolean {
    this.loadAcked(sessionId);
    return this.ackedSet.has(messageId);
  }

  /** Records that `messageId` was taken and acknowledged: later deliveries of it are ignored. */
  remember(sessionId: string, messageId: string): void {
    if (this.acknowledged(sessionId, messageId)) return;
    this.acked.push(messageId);
    this.ackedSet.add(messageId);
    if (this.acked.length > MAX_ACKED) this.ackedSet.delete(this.acked.shift() ?? '');
    writeJson(this.storage, ACKED_KEY, { session: sessionId, ids: this.acked });
  }

  private loadAcked(sessionId: string): void {
    if (this.ackedFor === sessionId) return;
    const raw = readJson(this.storage, ACKED_KEY);
    const ids = isObj(raw) && raw.session === sessionId && Array.isArray(raw.ids) ? raw.ids : [];
    this.acked = ids.filter((id): id is string => typeof id === 'string').slice(-MAX_ACKED);
    this.ackedSet = new Set(this.acked);
    this.ackedFor = sessionId;
  }
}
