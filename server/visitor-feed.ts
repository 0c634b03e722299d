/**
 * Parts of `TestHooks` (types.ts) that modules share: the feed of visitor messages, and state a
 * restart "keeping state" hands from one module instance to the next (ServerState).
 */
import type { ServerState, VisitorListener } from './types';

export interface VisitorFeed {
  onVisitorMessage(fn: VisitorListener): () => void;
  /** Tells every listener: the module took in (or, `repeat`, recognised again) a visitor message. */
  heard(conversation: string, text: string, repeat: boolean): void;
}

export function createVisitorFeed(): VisitorFeed {
  const listeners = new Set<VisitorListener>();
  return {
    onVisitorMessage(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    heard(conversation, text, repeat) {
      for (const fn of listeners) fn(conversation, text, repeat);
    },
  };
}

/**
 * The module's state kept under `name` in `state` (made by `make` the first time); without a
 * `state`, a fresh one. `isKept` tells a store this module made from anything else found there.
 */
export function keptState<T>(
  state: ServerState | undefined,
  name: string,
  isKept: (value: unknown) => value is T,
  make: () => T,
): T {
  const found = state?.[name];
  const value = isKept(found) ? found : make();
  if (state) state[name] = value;
  return value;
}
