/**
 * Test support (never bundled): in-memory stand-ins for the two browser pieces tabs coordinate
 * through, with the behaviour the code relies on. BroadcastChannel: structured clone, delivery in a
 * later task, never to the sender, nothing after close. Web Locks: one holder per name, FIFO
 * waiters, an abort signal that withdraws a waiting request, and a "tab" that can vanish (its locks
 * released and requests dropped, as when a page is closed or crashes).
 */

/** A BroadcastChannel class whose instances reach each other only (one network per call). */
export function fakeBroadcastChannel(): typeof BroadcastChannel {
  const network = new Map<string, Set<FakeChannel>>();
  class FakeChannel extends EventTarget {
    onmessage: ((ev: MessageEvent) => void) | null = null;
    onmessageerror = null;
    private closed = false;
    constructor(readonly name: string) {
      super();
      let peers = network.get(name);
      if (!peers) {
        peers = new Set();
        network.set(name, peers);
      }
      peers.add(this);
    }
    postMessage(data: unknown): void {
      if (this.closed) throw new DOMException('closed', 'InvalidStateError');
      const copy = structuredClone(data);
      for (const peer of network.get(this.name) ?? []) {
        if (peer === this) continue;
        setTimeout(() => peer.deliver(copy), 0);
      }
    }
    private deliver(data: unknown): void {
      if (this.closed) return;
      const ev = new MessageEvent('message', { data });
      this.onmessage?.(ev);
      this.dispatchEvent(ev);
    }
    close(): void {
      this.closed = true;
      network.get(this.name)?.delete(this);
    }
  }
  return FakeChannel as unknown as typeof BroadcastChannel;
}

interface Waiter {
  tab: FakeTabLocks;
  callback: (lock: unknown) => Promise<void>;
  settle: (v: unknown) => void;
  fail: (e: unknown) => void;
}

/** One browser's lock manager; `tab()` gives each simulated page its own view of it. */
export class FakeLockManager {
  private readonly held = new Map<string, Waiter>();
  private readonly queues = new Map<string, Waiter[]>();

  tab(): FakeTabLocks {
    return new FakeTabLocks(this);
  }

  /** @internal */
  enqueue(name: string, waiter: Waiter, signal?: AbortSignal): void {
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);
    queue.push(waiter);
    signal?.addEventListener('abort', () => {
      const i = queue.indexOf(waiter);
      if (i === -1) return;
      queue.splice(i, 1);
      waiter.fail(new DOMException('aborted', 'AbortError'));
    });
    this.grant(name);
  }

  /** @internal Drops everything a tab held or waited for. */
  vanish(tab: FakeTabLocks): void {
    for (const [name, queue] of this.queues) {
      this.queues.set(
        name,
        queue.filter((w) => w.tab !== tab),
      );
    }
    for (const [name, holder] of [...this.held]) {
      if (holder.tab === tab) this.release(name, holder);
    }
  }

  /** @internal */
  busy(name: string): boolean {
    return this.held.has(name) || (this.queues.get(name)?.length ?? 0) > 0;
  }

  holderOf(name: string): FakeTabLocks | undefined {
    return this.held.get(name)?.tab;
  }

  private release(name: string, holder: Waiter): void {
    if (this.held.get(name) !== holder) return;
    this.held.delete(name);
    this.grant(name);
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const next = this.queues.get(name)?.shift();
    if (!next) return;
    this.held.set(name, next);
    // Granted in a later task, as browsers do.
    setTimeout(() => {
      if (this.held.get(name) !== next) return; // the tab vanished meanwhile
      next.callback({ name }).then(
        (v) => {
          this.release(name, next);
          next.settle(v);
        },
        (e) => {
          this.release(name, next);
          next.fail(e);
        },
      );
    }, 0);
  }
}

export class FakeTabLocks {
  constructor(private readonly manager: FakeLockManager) {}

  request(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown> {
    const run = (lock: unknown) => Promise.resolve(callback(lock));
    return new Promise((settle, fail) => {
      if (options.signal?.aborted) return fail(new DOMException('aborted', 'AbortError'));
      // Taken or waited for: the callback gets null at once (in a later task, as browsers do).
      if (options.ifAvailable && this.manager.busy(name)) {
        setTimeout(() => run(null).then(settle, fail), 0);
        return;
      }
      this.manager.enqueue(name, { tab: this, callback: run, settle, fail }, options.signal);
    });
  }

  /** The page closed or crashed: the browser releases its locks without asking it. */
  vanish(): void {
    this.manager.vanish(this);
  }
}
