/**
 * Round trips through the router. A heartbeat addressed to our own mailbox comes back to us, so its
 * echo proves the whole path works (our socket, the router, the way back), which a socket's
 * `readyState` cannot. Used twice:
 * - every `periodMs` while connected (the router never times out an idle link, and a dead one
 *   would otherwise look open until the OS gives up);
 * - after each visitor message: the router handles one connection's frames in order, so the echo
 *   of a heartbeat written after the message means the router has handled the message too. That
 *   is the most a router that confirms nothing can tell us.
 * No echo within `timeoutMs` means a dead link: `onDead` runs once and every waiting probe fails.
 */
export interface LivenessOptions {
  /** Writes a heartbeat with this id. */
  send(id: string): void;
  onDead(): void;
  periodMs: number;
  timeoutMs: number;
}

interface Waiting {
  seq: number;
  deadline: number;
  resolve: () => void;
  reject: (reason: Error) => void;
}

export class Liveness {
  private seq = 0;
  private readonly waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  /** `prefix` tells our echoes apart from those of an earlier page load on the same mailbox. */
  constructor(
    private readonly prefix: string,
    private readonly options: LivenessOptions,
  ) {}

  start(): void {
    this.interval = setInterval(() => void this.probe().catch(() => {}), this.options.periodMs);
  }

  /** Sends a heartbeat; resolves on its echo (or a later one's), rejects when the link is dead. */
  probe(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('stopped'));
    const seq = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ seq, deadline: Date.now() + this.options.timeoutMs, resolve, reject });
      if (!this.timer) this.arm();
      this.options.send(`${this.prefix}:${seq}`);
    });
  }

  /** A heartbeat of ours came back: it and every earlier one count as answered. */
  echo(id: string): void {
    const [prefix, n] = [id.slice(0, id.lastIndexOf(':')), Number(id.slice(id.lastIndexOf(':') + 1))];
    if (prefix !== this.prefix || !Number.isInteger(n)) return;
    while (this.waiting[0] && this.waiting[0].seq <= n) this.waiting.shift()?.resolve();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length) this.arm();
  }

  /** Ends the timers and fails what still waits (the socket is gone). */
  stop(reason = 'disconnected'): void {
    this.stopped = true;
    clearInterval(this.interval);
    clearTimeout(this.timer);
    for (const w of this.waiting.splice(0)) w.reject(new Error(reason));
  }

  private arm(): void {
    const oldest = this.waiting[0];
    if (!oldest) return;
    this.timer = setTimeout(
      () => {
        this.stop('no heartbeat echo');
        this.options.onDead();
      },
      Math.max(0, oldest.deadline - Date.now()),
    );
  }
}
