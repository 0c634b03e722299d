/**
 * The visitor's messages this adapter wrote, kept in storage BEFORE each write: the envelope
 * generation never echoes a message to its sender, so the only way to recognise one's own message
 * in the history (and so neither show it twice nor send it again after a drop or a reload) is to
 * remember what was written. A history item from the visitor is matched to the oldest unmatched
 * entry with the same text; from then on its server id maps to the client id.
 */
import { isObj, nonEmptyStr, num, str } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';
import type { SendReceipt } from '../../core/types';
import type { Generation } from './protocol';

const KEY = 'sent';
/** Enough for the messages a conversation shows; the oldest matched entries go first. */
const MAX_ENTRIES = 300;

export interface SentEntry {
  clientId: string;
  text: string;
  files: number;
  /** The generation the message was last written in. */
  as: Generation;
  /** The server's id, once a history item was matched to this entry. */
  id?: string;
  /** The server confirmed it (the envelope generation's ping round trip). */
  confirmed?: true;
}

export class SentLog {
  #entries: SentEntry[];

  readonly #storage: KeyValueStore;

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
    const raw = readJson(storage, KEY);
    this.#entries = (Array.isArray(raw) ? raw : []).flatMap((e): SentEntry[] => {
      if (!isObj(e)) return [];
      const clientId = nonEmptyStr(e.clientId, 200);
      const text = str(e.text);
      const files = num(e.files) ?? 0;
      const as = e.as === 'flat' || e.as === 'envelope' ? e.as : undefined;
      const id = nonEmptyStr(e.id, 200);
      const confirmed = e.confirmed === true ? { confirmed: true as const } : {};
      return clientId && text !== undefined && as
        ? [{ clientId, text, files, as, ...(id ? { id } : {}), ...confirmed }]
        : [];
    });
  }

  /** Records a write (replacing an earlier write of the same message) and persists it at once. */
  written(clientId: string, text: string, files: number, as: Generation): void {
    this.#entries = this.#entries.filter((e) => e.clientId !== clientId);
    this.#entries.push({ clientId, text, files, as });
    if (this.#entries.length > MAX_ENTRIES) {
      const oldest = this.#entries.findIndex((e) => e.id !== undefined);
      this.#entries.splice(oldest === -1 ? 0 : oldest, 1);
    }
    this.#save();
  }

  /**
   * The server has this message (it confirmed it, or the history showed it): the receipt to answer
   * a send of it with, instead of sending it again. Undefined when it is not known to have arrived.
   */
  arrived(clientId: string): SendReceipt | undefined {
    const e = this.#entries.find((e) => e.clientId === clientId && (e.confirmed || e.id !== undefined));
    if (!e) return undefined;
    return e.id === undefined ? { confirmed: true } : { id: e.id, confirmed: true };
  }

  confirm(clientId: string): void {
    const entry = this.#entries.find((e) => e.clientId === clientId);
    if (!entry) return;
    entry.confirmed = true;
    this.#save();
  }

  /** Entries written in `as` that no history item matched yet, oldest first. */
  unmatched(as: Generation): SentEntry[] {
    return this.#entries.filter((e) => e.as === as && e.id === undefined);
  }

  /**
   * The client id of the visitor's message with this server id and content, matching it to the
   * oldest unmatched entry with the same content the first time; undefined for a message this
   * adapter did not write (another tab or device).
   */
  match(id: string, text: string, files: number): string | undefined {
    const known = this.#entries.find((e) => e.id === id);
    if (known) return known.clientId;
    const entry = this.#entries.find((e) => e.id === undefined && e.text === text && e.files === files);
    if (!entry) return undefined;
    entry.id = id;
    this.#save();
    return entry.clientId;
  }

  /**
   * A history item that names its client id (the reference server's flat history does): an exact
   * match, so this message is known to have arrived.
   */
  landed(clientId: string, id: string): void {
    const entry = this.#entries.find((e) => e.clientId === clientId);
    if (!entry || entry.id === id) return;
    entry.id = id;
    this.#save();
  }

  /** The client id already matched to this server id, without matching anything new. */
  clientIdOf(id: string): string | undefined {
    return this.#entries.find((e) => e.id === id)?.clientId;
  }

  forget(clientId: string): void {
    this.#entries = this.#entries.filter((e) => e.clientId !== clientId);
    this.#save();
  }

  clear(): void {
    this.#entries = [];
    this.#storage.remove(KEY);
  }

  #save(): void {
    writeJson(this.#storage, KEY, this.#entries);
  }
}
