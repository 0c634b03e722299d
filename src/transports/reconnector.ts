/**
 * The one owner of "when do we try again", shared by every adapter (the manager layer of
 * socket.io-client, without the socket). It holds every timer and browser listener a reconnecting
 * link needs, and `stop()` removes all of them whatever state it is in:
 *
 * - backoff: `schedule()` waits a jittered, growing delay (`core/backoff`) before calling `attempt`;
 * - the browser's `online` event and the tab becoming visible skip the wait (a laptop waking fires
 *   both, close together: only the first finds a wait to cut short, so only one attempt starts);
 * - sleep detection: a timer that fires far later than asked means the machine slept, and a socket
 *   that looks open after a sleep is usually dead: `onSleep` lets the adapter replace it.
 *
 * The adapter keeps its own guard against opening twice (`open()` is a no-op while opening or open);
 * this class only decides when an attempt is due.
 */
import { Backoff } from '../core/backoff';

export interface ReconnectorOptions {
  /** Starts one connection attempt. */
  attempt: () => void;
  /** The machine slept while connected; the adapter should presume the link dead. */
  onSleep?: () => void;
  /**
   * The network or the tab came back while no retry of ours was waiting: a lower layer (e.g. the
   * Socket.IO client's own reconnection) may be waiting instead and can skip its wait.
   */
  onWake?: () => void;
  backoff?: Backoff;
  /** Period of the sleep-detection timer (default 5000); a gap of 3 periods means the machine slept. */
  tickMs?: number;
  now?: () => number;
}

export class Reconnector {
  readonly #backoff: Backoff;
  readonly #now: () => number;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  readonly #subs: Array<() => void> = [];
  #running = false;

  readonly #options: ReconnectorOptions;

  constructor(options: ReconnectorOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? new Backoff();
    this.#now = options.now ?? Date.now;
  }

  /** Failures counted since the last success (0 before the first failure). */
  get attempts(): number {
    return this.#backoff.attempts;
  }

  /** True while a retry is scheduled. */
  get waiting(): boolean {
    return this.#retryTimer !== undefined;
  }

  /** Starts watching the browser (idempotent). Call when the caller wants a live link. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const win = globalThis as unknown as Partial<Window>;
    const doc = globalThis.document as Document | undefined;
    if (typeof win.addEventListener === 'function') {
      win.addEventListener('online', this.#onWake);
      this.#subs.push(() => win.removeEventListener?.('online', this.#onWake));
    }
    if (doc && typeof doc.addEventListener === 'function') {
      doc.addEventListener('visibilitychange', this.#onVisibility);
      this.#subs.push(() => doc.removeEventListener('visibilitychange', this.#onVisibility));
    }
    const tick = this.#options.tickMs ?? 5000;
    let last = this.#now();
    this.#tickTimer = setInterval(() => {
      const gap = this.#now() - last;
      last = this.#now();
      if (gap > tick * 3) {
        this.#backoff.reset();
        this.#options.onSleep?.();
      }
    }, tick);
    this.#subs.push(() => clearInterval(this.#tickTimer));
  }

  /** Removes every timer and listener (idempotent; safe in any state). */
  stop(): void {
    this.#running = false;
    this.cancel();
    for (const off of this.#subs.splice(0)) off();
  }

  /**
   * Schedules the next attempt after the backoff delay and returns the delay, so the adapter can
   * report `reconnecting` with `retryInMs`. A retry already scheduled is replaced, never doubled.
   */
  schedule(): number {
    this.cancel();
    const delay = this.#backoff.next();
    if (!this.#running) return delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#options.attempt();
    }, delay);
    return delay;
  }

  /** Cancels a scheduled retry (nothing else). */
  cancel(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** The link is up: the next failure starts from the shortest delay again. */
  succeeded(): void {
    this.cancel();
    this.#backoff.reset();
  }

  /** Skips the wait when one is running (the caller's explicit retry). */
  readonly retryNow = (): void => {
    if (!this.#running || this.#retryTimer === undefined) return;
    this.cancel();
    this.#options.attempt();
  };

  readonly #onWake = (): void => {
    if (!this.#running) return;
    if (this.#retryTimer !== undefined) this.retryNow();
    else this.#options.onWake?.();
  };

  readonly #onVisibility = (): void => {
    if (globalThis.document?.visibilityState === 'visible') this.#onWake();
  };
}
