/**
 * What the TWIN adapter keeps across reloads, in the caller's (already namespaced) storage: the
 * session to resume within its ttl. The message ids seen in the session are kept in memory only:
 * they stop a redelivery from being emitted twice by this page; across reloads the store, which
 * knows every id it shows, drops it (a persisted window of ids was outrun by busy conversations).
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const SESSION_KEY = 'twin.session';
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

export class SessionStore {
  private acked = new Set<string>();
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
