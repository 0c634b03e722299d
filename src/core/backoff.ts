/**
 * Exponential backoff with "full jitter" (AWS architecture blog, "Exponential Backoff And Jitter"):
 * the delay is random in [base/2, min(cap, base * 2^attempt)], so a fleet of widgets that lost the
 * same server does not come back in lockstep. The lower bound keeps the first retry from being instant.
 */
export interface BackoffOptions {
  /** First delay in ms (default 1000). */
  baseMs?: number;
  /** Largest delay in ms (default 30000). */
  capMs?: number;
  /** Injectable for tests: returns a number in [0, 1). */
  random?: () => number;
}

export class Backoff {
  #attempt = 0;
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 1000;
    this.#capMs = options.capMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** Delay before the next attempt; each call counts as one more failure. */
  next(): number {
    const ceiling = Math.min(this.#capMs, this.#baseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    const floor = Math.min(this.#baseMs / 2, ceiling);
    return Math.round(floor + this.#random() * (ceiling - floor));
  }

  /** Number of failures counted since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
