/**
 * One connection per visitor per browser: the tabs of a site showing the same widget configuration
 * (the same storage namespace) elect a leader that holds the connection for all of them
 * (transports/tabs/shared.ts), and their stores share the conversation (store/tab-sync.ts).
 *
 * Names carry the namespace, so two widgets with different backends never share a channel or a
 * lock, and a protocol version, so tabs running different Parley versions do not talk (each then
 * keeps its own connection, as before). A page that cannot coordinate (no BroadcastChannel and no
 * storage events, or no localStorage, where tabs could not share a token anyway) works alone.
 */
import { browserLocks, electLeader } from '../core/election';
import { localStorageOrNull } from '../core/storage';
import { broadcastBus, storageBus } from '../core/tab-bus';
import type { TabPeers } from '../store/tab-sync';
import { TabSharedTransport } from '../transports/tabs/shared';
import type { Transport } from '../transports/types';

/** Bump when the messages between tabs change incompatibly. */
const PROTOCOL = 1;

export interface SharedConnection {
  transport: Transport;
  /** For the store; absent when the tab works alone. */
  peers?: TabPeers;
  /** After the store is disposed: hands the connection to another tab and closes the channel. */
  close(): void;
}

export function shareAcrossTabs(
  namespace: string,
  create: () => Transport,
  inline: boolean,
): SharedConnection {
  const storage = localStorageOrNull();
  const name = `parley-tabs:${PROTOCOL}:${namespace}`;
  const bus = storage ? (broadcastBus(name) ?? storageBus(name, storage)) : null;
  if (!bus) return { transport: create(), close: () => {} };
  const election = electLeader({ name, locks: browserLocks(), bus });
  const transport = new TabSharedTransport({ bus, election, create });
  return {
    transport,
    peers: { bus, election, shareOpen: !inline },
    close() {
      transport.close();
      bus.close();
    },
  };
}
