/**
 * What the nchan adapter keeps to resume a conversation after a reconnect or a reload: the last
 * nchan message id it saw, and the ids of the messages it already delivered (bounded), so the
 * overlap a resume re-sends (see `resumeId`) is dropped instead of shown twice. Stored data is
 * decoded like a frame: written by another version or by hand, it may be anything.
 */
import { isObj, nonEmptyStr } from '../../core/guards';
import { type KeyValueStore, readJson, writeJson } from '../../core/storage';

const KEY = 'resume';
/** More than a channel buffer holds (the reference config keeps 100). */
export const MAX_SEEN = 300;

export class ResumeState {
  private last: string | undefined;
  private readonly seen: string[] = [];
  private readonly seenSet = new Set<string>();

  constructor(private readonly storage: KeyValueStore) {
    const stored = readJson(storage, KEY);
    if (!isObj(stored)) return;
    this.last = nonEmptyStr(stored.last, 100);
    if (Array.isArray(stored.seen)) {
      for (const id of stored.seen.slice(-MAX_SEEN)) {
        const s = nonEmptyStr(id, 200);
        if (s) this.remember(s);
      }
    }
  }

  /** The last nchan message id seen, if any. */
  get lastId(): string | undefined {
    return this.last;
  }

  /**
   * Records a delivered frame. Returns false when its message was delivered before (a repeat from
   * a resume overlap or a redelivery), which the caller then drops.
   */
  accept(messageId: string, nchanId: string | undefined): boolean {
    if (nchanId) this.last = nchanId;
    const fresh = !this.seenSet.has(messageId);
    if (fresh) this.remember(messageId);
    writeJson(this.storage, KEY, { last: this.last, seen: this.seen });
    return fresh;
  }

  /** A new conversation: nothing to resume. */
  clear(): void {
    this.last = undefined;
    this.seen.length = 0;
    this.seenSet.clear();
    this.storage.remove(KEY);
  }

  private remember(id: string): void {
    this.seen.push(id);
    this.seenSet.add(id);
    if (this.seen.length > MAX_SEEN) this.seenSet.delete(this.seen.shift()!);
  }
}
