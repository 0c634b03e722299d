/**
 * Whether the page is going away, watched only while a post is in flight (a destroyed widget
 * leaves no listener behind). Chrome fails the fetch promise of a page that is navigating away
 * with the same error as a lost network, while it completes the keepalive request itself: a
 * failure then says nothing about the network, and posting the message again from the dying page
 * (the outbox retries at once when more messages wait) would deliver it twice. `beforeunload`
 * comes first (measured on a reload: 90–420 ms before the rejection); `pagehide` covers pages that
 * skip it. A host page's "leave this page?" prompt that the visitor cancels leaves the flag set:
 * this page then sends nothing more, and the next page asks the visitor (see adapter.ts).
 */
const EVENTS = ['beforeunload', 'pagehide'] as const;

export class UnloadWatch {
  /** True from the first beforeunload or pagehide seen while a post was in flight. */
  leaving = false;
  private watching = 0;
  private readonly onLeave = () => {
    this.leaving = true;
  };

  /** Watch until the returned function is called (once per post). */
  watch(): () => void {
    const win = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
    if (this.watching++ === 0) for (const e of EVENTS) win.addEventListener?.(e, this.onLeave);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.watching === 0) for (const e of EVENTS) win.removeEventListener?.(e, this.onLeave);
    };
  }
}

/**
 * Resolves in a later task. The adapter acts on a post's outcome only then: Chrome fails the fetch
 * (or the read of its answer) of a page being unloaded in a microtask that runs between two
 * pagehide listeners (seen in the soak: after the first, before the adapter's), so acting at once
 * posted the next queued message from the dying page, and took a failure there for one of a
 * living page. A page being unloaded never runs a later task; a living one has by then heard
 * every pagehide listener. A message to itself, not a timer: a hidden tab (often the one that
 * holds the connection for the others) runs a timer at most once a second.
 */
export function unloadSettled(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close(); // Node keeps its event loop alive while a port is open
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
