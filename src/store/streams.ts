/**
 * Answers that arrive as a stream (`IncomingMessage.partial`): one signal per growing message, so a
 * chunk costs O(1) in the store (a Map lookup and one signal write) and re-renders only the bubble
 * that reads it. The message list itself changes twice per answer: when the answer starts (a new
 * item) and when it is final (its text settled), never per chunk, so neither the log nor the
 * persistence effect runs while the text grows.
 */
import { type ReadonlySignal, type Signal, signal } from '@preact/signals';

export function createStreams() {
  const live = new Map<string, Signal<string>>();
  return {
    /** The growing text of a message still streaming, or undefined once it is final (or never streamed). */
    text: (key: string): ReadonlySignal<string> | undefined => live.get(key),
    start(key: string, text: string): void {
      live.set(key, signal(text));
    },
    /** Replaces a streaming message's text; false when that message is not streaming. */
    update(key: string, text: string): boolean {
      const s = live.get(key);
      if (!s) return false;
      s.value = text;
      return true;
    },
    /** The message is final (or gone): its text lives in the message list from now on. */
    end(key: string): void {
      live.delete(key);
    },
    clear(): void {
      live.clear();
    },
  };
}

export type Streams = ReturnType<typeof createStreams>;
