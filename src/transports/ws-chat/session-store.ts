/**
 * What the ws-chat adapter keeps across reloads, in the caller's (already namespaced) storage, each
 * value decoded as strictly as a frame (storage is shared with the page and may hold anything):
 * the customer's token and conversation, the generation found for this backend, the visitor id,
 * what was learnt about echoes and history, and where the last gap fill ended.
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { randomId } from '../../core/ids';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';
import type { Generation } from './protocol';

export interface Session {
  customerId: string;
  token: string;
  /** Flat generation: the conversation the server named in its frames. */
  conversationId?: string;
  /** Envelope generation: the session the token call opened. */
  sessionId?: string;
}

const KEYS = {
  session: 'session',
  generation: 'generation',
  channelId: 'channelId',
  echoes: 'echoes',
  history: 'history',
  cursor: 'historyCursor',
} as const;

export class SessionStore {
  readonly #storage: KeyValueStore;

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
  }

  load(): Session | null {
    const s = readJson(this.#storage, KEYS.session);
    if (!isObj(s)) return null;
    const customerId = nonEmptyStr(s.customerId, 200);
    const token = nonEmptyStr(s.token, 1000);
    if (!customerId || !token) return null;
    const conversationId = nonEmptyStr(s.conversationId, 200);
    const sessionId = nonEmptyStr(s.sessionId, 200);
    return {
      customerId,
      token,
      ...(conversationId ? { conversationId } : {}),
      ...(sessionId ? { sessionId } : {}),
    };
  }

  save(session: Session): void {
    writeJson(this.#storage, KEYS.session, session);
  }

  /** Logout: the visitor's token, conversation and id go; what was learnt about the backend stays. */
  forgetVisitor(): void {
    for (const key of [KEYS.session, KEYS.channelId, KEYS.cursor]) this.#storage.remove(key);
  }

  /** The generation found for this backend, if one was. */
  get generation(): Generation | undefined {
    const g = this.#storage.get(KEYS.generation);
    return g === 'flat' || g === 'envelope' ? g : undefined;
  }

  set generation(value: Generation) {
    this.#storage.set(KEYS.generation, value);
  }

  /** The visitor's stable id: configured, or generated once and kept. */
  visitorId(configured: string | undefined): string {
    if (configured) return configured;
    let id = nonEmptyStr(this.#storage.get(KEYS.channelId), 300);
    if (!id) {
      id = `web_${randomId()}`;
      this.#storage.set(KEYS.channelId, id);
    }
    return id;
  }

  /** Whether a flat server echoes `clientMessageId`: learnt once, `undefined` until then. */
  get echoes(): boolean | undefined {
    const v = this.#storage.get(KEYS.echoes);
    return v === 'yes' ? true : v === 'no' ? false : undefined;
  }

  set echoes(value: boolean) {
    this.#storage.set(KEYS.echoes, value ? 'yes' : 'no');
  }

  /** False once a flat server answered 404 to the history call. */
  get hasHistory(): boolean {
    return this.#storage.get(KEYS.history) !== 'no';
  }

  noHistory(): void {
    this.#storage.set(KEYS.history, 'no');
  }

  /**
   * Server time (ms) of the newest message a gap fill of this conversation brought: the next fill
   * pages back only to there.
   */
  cursor(conversation: string): number | undefined {
    const c = readJson(this.#storage, KEYS.cursor);
    return isObj(c) && c.of === conversation ? num(c.at) : undefined;
  }

  setCursor(conversation: string, at: number): void {
    writeJson(this.#storage, KEYS.cursor, { of: conversation, at });
  }
}
