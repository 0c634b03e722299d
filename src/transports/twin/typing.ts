/**
 * TWIN says when someone starts typing (`showTypingIndicatorEmit`) and never when they stop: the
 * indicator ends when that author's message arrives or after a timeout (default 6 s).
 */
import type { AuthorKind, TypingChange } from '../../core/types';

export class TypingTimeout {
  private current: TypingChange | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly emit: (change: TypingChange) => void,
  ) {}

  start(change: TypingChange): void {
    this.current = change;
    this.emit(change);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(), this.timeoutMs);
  }

  /** Ends the indicator (only when `kind` is typing, if given). */
  stop(kind?: AuthorKind): void {
    if (!this.current || (kind && this.current.author.kind !== kind)) return;
    clearTimeout(this.timer);
    this.emit({ on: false, author: this.current.author });
    this.current = null;
  }
}
