/**
 * The code that shares one connection between the tabs of a site: the election, the tab bus, the
 * relaying transport and (re-exported for the store) the conversation's sync. A file of its own in
 * the split build, loaded by embed/tabs.ts only when a second tab of the site shows up, or at once
 * where the browser has no Web Locks to tell that cheaply.
 */
import { browserLocks, electLeader, heldLock } from '../core/election';
import { channelBus, storageBus } from '../core/tab-bus';
import { createTabSync, type TabPeers } from '../store/tab-sync';
import { type TabSharedOptions, TabSharedTransport } from '../transports/tabs/shared';
import type { Transport } from '../transports/types';

export { createTabSync };

export interface Sharing {
  transport: TabSharedTransport;
  peers: TabPeers;
  close(): void;
}

export interface ShareOptions {
  name: string;
  /** The channel embed/tabs.ts opened, and what came on it so far (null: storage events instead). */
  channel: BroadcastChannel | null;
  early: readonly unknown[];
  /** For the storage-event bus, where there is no BroadcastChannel. */
  storage: Storage | null;
  create: () => Transport;
  inline: boolean;
  /** The lock this tab took while it was the only one: it leads with it, and with `adopt`. */
  release?: () => void;
  adopt?: TabSharedOptions['adopt'];
}

/** Null when the tabs cannot talk here (no BroadcastChannel and no storage events). */
export function share(options: ShareOptions): Sharing | null {
  const { name, channel, create, release, adopt } = options;
  const bus = channel ? channelBus(channel, options.early) : storageBus(name, options.storage);
  if (!bus) return null;
  const election = release ? heldLock(release) : electLeader({ name, locks: browserLocks(), bus });
  const transport = new TabSharedTransport({ bus, election, create, ...(adopt ? { adopt } : {}) });
  return {
    transport,
    peers: { bus, election, shareOpen: !options.inline },
    close() {
      transport.close();
      bus.close();
    },
  };
}
