/**
 * A tiny typed event emitter. `on` returns its own unsubscribe so callers can keep every
 * subscription in one list and dispose them together (the engine.io-client habit).
 */
export type Listener<T> = (value: T) => void;

export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(fn as Listener<never>);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(fn as Listener<never>);
  }

  /**
   * Calls every listener; true when none threw. An adapter acknowledges a message to its server
   * only then (the store took it), so a failure means a redelivery instead of a lost message.
   */
  emit<K extends keyof Events>(event: K, value: Events[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set) return true;
    let ok = true;
    // Copy so a listener that unsubscribes during emit does not skip its neighbour.
    for (const fn of [...set]) {
      try {
        (fn as Listener<Events[K]>)(value);
      } catch (err) {
        // One broken listener (often host-page code via window.Parley.on) must not break the widget.
        console.error('[parley] listener failed:', err);
        ok = false;
      }
    }
    return ok;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
