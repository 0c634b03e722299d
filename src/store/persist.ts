/**
 * Writes the conversation to storage at most once per change batch: changes within one frame
 * (a message, its echo, its receipt, a reply) cost one serialisation, not one each, and usually
 * of the newest page alone (persistence.ts). Other tabs of the site write the same keys and must
 * not lose their messages to ours: when one wrote since this store last read or wrote (the mark
 * says so), the write merges with what is stored by message key (store/merge.ts), and so do the
 * next ones while the list lacks something the merge kept. Otherwise storage holds this list as
 * written last, so there is nothing to merge (and nothing is read): a message the list let go of
 * (a regenerated answer) stays gone.
 *
 * An epoch (a random id under `epoch`) marks the conversation: a logout in any tab writes a new
 * one, and a tab that finds a different epoch than the one it loaded drops its copy instead of
 * writing an old conversation back.
 *
 * Pending changes are written at once when the page hides or unloads, on logout and on dispose.
 */
import { effect, type Signal } from '@preact/signals';
import { randomId } from '../core/ids';
import type { KeyValueStore } from '../core/storage';
import { mergeLists } from './merge';
import { loadMessages, type StoredView, saveMessages, writtenElsewhere } from './persistence';
import type { ChatMessage } from './types';

const EPOCH_KEY = 'epoch';
/** One frame at 60 Hz: changes closer together than this share one write. */
const BATCH_MS = 16;

export interface PersisterOptions {
  storage: KeyValueStore;
  /** What this store read (its initial list) and wrote: see persistence.ts. */
  view: StoredView;
  messages: Signal<ChatMessage[]>;
  /** Another tab logged out (a new epoch is stored): forget the conversation shown here. */
  onStale: () => void;
  /** Applies incoming frames still waiting for their batch, so a page that goes away stores them. */
  settle?: () => void;
}

export function createPersister({ storage, view, messages, onStale, settle }: PersisterOptions) {
  let epoch = storage.get(EPOCH_KEY);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let first = true;
  /** What was last written holds more than the list (see flush). */
  let behind = false;

  function flush(): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    if (storage.get(EPOCH_KEY) !== epoch) {
      epoch = storage.get(EPOCH_KEY);
      onStale();
      return;
    }
    const list = messages.peek();
    const merged =
      behind || writtenElsewhere(storage, view) ? mergeLists(list, loadMessages(storage, view)) : list;
    saveMessages(storage, merged, view);
    // Storage now holds what the list lacks (another tab's messages, a later send state): until
    // the list has it too, writes merge again instead of putting the list over it.
    behind = merged !== list;
  }

  const stop = effect(() => {
    void messages.value;
    if (first) {
      first = false; // what was just loaded needs no write
      return;
    }
    timer ??= setTimeout(flush, BATCH_MS);
  });

  const win = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
  // The adapter may already have stored its resume point for a frame still waiting for the next
  // animation frame: apply it before the last write, or a reload loses that message.
  const flushNow = () => {
    settle?.();
    flush();
  };
  const onHidden = () => {
    if (globalThis.document?.visibilityState !== 'visible') flushNow();
  };
  win.addEventListener?.('pagehide', flushNow);
  globalThis.document?.addEventListener('visibilitychange', onHidden);

  return {
    flush,
    /** Logout here: a new epoch, so every other tab drops its copy instead of saving it back. */
    newEpoch(): void {
      clearTimeout(timer);
      timer = undefined;
      epoch = randomId();
      storage.set(EPOCH_KEY, epoch);
    },
    /** Logout in another tab, told over the tab bus: take its epoch. */
    adoptEpoch(next: string): void {
      clearTimeout(timer);
      timer = undefined;
      epoch = next;
    },
    /** The conversation's epoch (null until the first logout on this browser). */
    get epoch(): string | null {
      return epoch;
    },
    dispose(): void {
      flush();
      stop();
      win.removeEventListener?.('pagehide', flushNow);
      globalThis.document?.removeEventListener('visibilitychange', onHidden);
    },
  };
}
