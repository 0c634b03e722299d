/**
 * TWIN says when someone starts typing (`showTypingIndicatorEmit`) and never when they stop: the
 * adapter ends the indicator when that author's message arrives, the operator logs out or the link
 * closes. It keeps no timer: expiring an indicator nothing ends is the store's one typing policy
 * (`typingTimeoutMs`, see the table of timers in TRANSPORTS.md), the same for every adapter.
 */
import type { AuthorKind, TypingChange } from '../../core/types';

export class TypingRelay {
  private current: TypingChange | null = null;

  constructor(private readonly emit: (change: TypingChange) => void) {}

  start(change: TypingChange): void {
    this.current = change;
    this.emit(change);
  }

  /** Ends the indicator (only when `kind` is typing, if given). */
  stop(kind?: AuthorKind): void {
    if (!this.current || (kind && this.current.author.kind !== kind)) return;
    this.emit({ on: false, author: this.current.author });
    this.current = null;
  }
}
