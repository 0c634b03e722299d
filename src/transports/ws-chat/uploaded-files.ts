/**
 * Uploaded files by id, as the message that carries them must list them (`{type, url, name,
 * sizeKb}`): the store hands `send` only the ids. Kept in storage, so a message queued with files
 * still carries them after a reload.
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';
import type { WireAttachment } from './protocol-envelope';

const KEY = 'files';
const MAX_FILES = 50;

export class UploadedFiles {
  readonly #files = new Map<string, WireAttachment>();

  readonly #storage: KeyValueStore;

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
    const raw = readJson(storage, KEY);
    for (const [id, f] of Object.entries(isObj(raw) ? raw : {})) {
      if (!isObj(f)) continue;
      const url = nonEmptyStr(f.url, 4000);
      const name = nonEmptyStr(f.name, 300);
      const sizeKb = num(f.sizeKb);
      if (url && name && sizeKb !== undefined && (f.type === 'IMAGE' || f.type === 'FILE')) {
        this.#files.set(id, { type: f.type, url, name, sizeKb });
      }
    }
  }

  get(id: string): WireAttachment | undefined {
    return this.#files.get(id);
  }

  clear(): void {
    this.#files.clear();
    this.#storage.remove(KEY);
  }

  remember(id: string, file: WireAttachment): void {
    this.#files.set(id, file);
    if (this.#files.size > MAX_FILES) this.#files.delete(this.#files.keys().next().value ?? '');
    writeJson(this.#storage, KEY, Object.fromEntries(this.#files));
  }
}
