/**
 * One connection per visitor per browser: the tabs of a site showing the same widget configuration
 * (the same storage namespace) elect a leader that holds the connection for all of them
 * (transports/tabs/shared.ts), and their stores share the conversation (store/tab-sync.ts).
 *
 * That code (the election, the bus, the relaying transport and the store's sync: about 5 KB gzip)
 * is a file of its own, `embed/tab-sharing.ts`, loaded only when a second tab shows up:
 *
 * - Where the browser has Web Locks and a BroadcastChannel (every secure context of a current
 *   browser), a tab first listens on the channel, then takes the lock if nobody holds it: it is
 *   the site's only tab and runs its own adapter. The first message another tab posts there (a
 *   newcomer says hello) loads the sharing code; this tab then leads with the adapter it has (its
 *   link and the calls in flight stay as they are) and hears what was said meanwhile, in order.
 *   The channel is open before the lock is taken, so a newcomer that finds the lock taken is heard.
 * - A tab that finds the lock taken loads the sharing code before its store exists and follows.
 * - Elsewhere (no Web Locks: an election by heartbeat on the bus), the sharing code loads at once.
 *
 * Names carry the namespace, so two widgets with different backends never share a channel or a
 * lock, and a protocol version, so tabs running different Parley versions do not talk (each then
 * keeps its own connection, as before). A page that cannot coordinate (no BroadcastChannel and no
 * storage events, or no localStorage, where tabs could not share a token anyway) works alone.
 */
import { log } from '../core/log';
import { localStorageOrNull } from '../core/storage';
import type { StatusChange } from '../core/types';
import type { ChatStore } from '../store/chat-store';
import type { Transport, TransportEvents } from '../transports/types';
import type { Sharing } from './tab-sharing';

/** Bump when the messages between tabs change incompatibly. */
const PROTOCOL = 1;

export interface SharedConnection {
  transport: Transport;
  /** Gives the store to the sharing: at once when this tab shares already, else when a second tab shows up. */
  attach(store: Pick<ChatStore, 'joinTabs'>): void;
  /** After the store is disposed: hands the connection to another tab and closes the channel. */
  close(): void;
}

/** The part of `navigator.locks` used here (core/election.ts uses the rest). */
export interface FreeLocks {
  request(
    name: string,
    options: { ifAvailable: true },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

/** What the browser offers (injectable for tests). */
export interface TabsEnv {
  locks?: FreeLocks | null;
  Channel?: typeof BroadcastChannel | null;
}

const alone = (transport: Transport): SharedConnection => ({ transport, attach() {}, close() {} });

/** Resolves with the lock's release when nobody held it, else null (at once: it does not wait). */
const takeIfFree = (name: string, locks: FreeLocks) =>
  new Promise<(() => void) | null>((resolve) => {
    try {
      locks
        .request(name, { ifAvailable: true }, (lock) =>
          lock ? new Promise<void>((done) => resolve(() => done())) : void resolve(null),
        )
        .catch(() => resolve(null));
    } catch {
      resolve(null);
    }
  });

export async function shareAcrossTabs(
  namespace: string,
  create: () => Transport,
  inline: boolean,
  env: TabsEnv = {},
): Promise<SharedConnection> {
  const storage = localStorageOrNull();
  if (!storage) return alone(create());
  const {
    locks = (globalThis.navigator as { locks?: FreeLocks } | undefined)?.locks ?? null,
    Channel = globalThis.BroadcastChannel ?? null,
  } = env;
  const name = `parley-tabs:${PROTOCOL}:${namespace}`;
  // Open first, keeping what comes: another tab may speak as soon as it sees the lock taken.
  let channel: BroadcastChannel | null = null;
  const early: unknown[] = [];
  let heard = () => {};
  try {
    if (typeof Channel === 'function') {
      channel = new Channel(name);
      channel.onmessage = (ev: MessageEvent) => {
        early.push(ev.data);
        heard();
      };
    }
  } catch {
    channel = null; // opaque origins (sandboxed iframes) may refuse
  }
  const release = channel && locks ? await takeIfFree(name, locks) : null;
  if (channel && release) {
    const first = firstTab(name, channel, early, release, create, inline);
    heard = first.heard;
    return first;
  }
  try {
    const sharing = await import('./tab-sharing');
    const shared = sharing.share({ name, channel, early, storage, create, inline });
    if (!shared) return alone(create());
    return {
      transport: shared.transport,
      attach: (store) => store.joinTabs(shared.peers, sharing.createTabSync),
      close: shared.close,
    };
  } catch (err) {
    channel?.close();
    throw err;
  }
}

type Subscription = { event: keyof TransportEvents; fn: (value: never) => void; off: () => void };

/**
 * The site's only tab, so far: its own adapter, behind a stand-in that the store talks to and
 * that passes everything on to that adapter, and from the moment a second tab shows up, to the
 * sharing transport leading with it (the store's listeners move over in the same task).
 */
function firstTab(
  name: string,
  channel: BroadcastChannel,
  early: unknown[],
  release: () => void,
  create: () => Transport,
  inline: boolean,
): SharedConnection & { heard(): void } {
  const real = create();
  let target: Transport = real;
  let wanted = false;
  let status: StatusChange = { status: 'idle' };
  const offStatus = real.on('status', (s) => {
    status = s;
  });
  const subscriptions = new Set<Subscription>();
  let store: Pick<ChatStore, 'joinTabs'> | null = null;
  let sharing: Sharing | null = null;
  let loading = false;
  let closed = false;
  let told = false;

  const subscribe = (to: Transport, event: keyof TransportEvents, fn: (value: never) => void) =>
    (to.on as (e: string, f: (value: never) => void) => () => void)(event, fn);

  const heard = () => {
    if (loading || closed || !store) return;
    loading = true;
    import('./tab-sharing').then(
      (m) => {
        if (closed || !store) return;
        offStatus();
        const shared = m.share({
          name,
          channel,
          early,
          storage: null,
          create,
          inline,
          release,
          adopt: { transport: real, wanted, status },
        }) as Sharing;
        sharing = shared;
        target = shared.transport;
        for (const s of subscriptions) {
          s.off();
          s.off = subscribe(target, s.event, s.fn);
        }
        store.joinTabs(shared.peers, m.createTabSync);
      },
      (err: unknown) => {
        // Tried again at the other tabs' next message (said once); meanwhile this tab keeps its link.
        loading = false;
        if (!told)
          log.error(
            `could not load the code that shares the chat with the site's other tabs (${err instanceof Error ? err.message : String(err)})`,
          );
        told = true;
      },
    );
  };

  const transport: Transport = {
    kind: real.kind,
    capabilities: real.capabilities,
    connect() {
      wanted = true;
      target.connect();
    },
    disconnect() {
      wanted = false;
      target.disconnect();
    },
    send: (message) => target.send(message),
    on(event, fn) {
      const s: Subscription = {
        event,
        fn: fn as (value: never) => void,
        off: subscribe(target, event, fn as never),
      };
      subscriptions.add(s);
      return () => {
        s.off();
        subscriptions.delete(s);
      };
    },
  };
  // Only what the adapter has: the store and the panel offer what exists.
  if (real.upload) transport.upload = (file, options) => target.upload!(file, options);
  if (real.reset) transport.reset = () => target.reset?.();
  if (real.forget) transport.forget = () => target.forget?.();
  if (real.regenerate) transport.regenerate = (id) => target.regenerate?.(id) ?? false;
  if (real.loadOlder) transport.loadOlder = (before) => target.loadOlder!(before);
  if (real.prefetchOlder) transport.prefetchOlder = () => real.prefetchOlder!();

  return {
    transport,
    heard,
    attach(s) {
      store = s;
      if (early.length) heard();
    },
    close() {
      if (closed) return;
      closed = true;
      if (sharing) sharing.close();
      else {
        offStatus();
        channel.onmessage = null;
        channel.close();
        release();
      }
    },
  };
}
