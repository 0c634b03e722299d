/**
 * Every transport the widget can speak, keyed by its `data-transport` name. Each entry loads its
 * adapter with a dynamic `import()`, so the split build puts every adapter in a chunk of its own
 * and a visitor downloads only the one the page names (the single-file build inlines them all).
 *
 * Adding a transport (see TRANSPORTS.md, "Registering a transport"):
 * 1. add its name to `TRANSPORTS` in `config.ts` (and parse its attributes there);
 * 2. write `transports/<name>.ts` exporting `createTransport: CreateTransport`;
 * 3. add one line here. TypeScript refuses a name in `TRANSPORTS` without an entry.
 */
import type { KeyValueStore } from '../core/storage';
import type { Transport } from '../transports/types';
import type { ParleyConfig, TransportName } from './config';

/** What the embed code hands every adapter factory besides the parsed `data-*` configuration. */
export interface TransportContext {
  /** The visitor's name (`data-name`, or "Visitor" in the widget's language). */
  name: string;
  /** Storage already namespaced by `storageNamespace()`. */
  storage: KeyValueStore;
  /** `data-metadata` merged with `Parley.setMetadata()`: the live object, read when a session starts. */
  metadata: Record<string, string>;
}

export type CreateTransport = (config: ParleyConfig, context: TransportContext) => Transport;

export interface TransportEntry {
  /** Loads the adapter's chunk. Keep it a bare `import()` of a literal path, so the build can split it. */
  load: () => Promise<{ createTransport: CreateTransport }>;
  /**
   * What besides transport and server tells two backends apart in storage (TWIN: the chat id).
   * Runs before the chunk loads, so it must not import the adapter.
   */
  namespace?: (config: ParleyConfig) => string;
}

export const TRANSPORT_REGISTRY: Record<TransportName, TransportEntry> = {
  'ws-chat': { load: () => import('./transports/ws-chat') },
  twin: { load: () => import('./transports/twin'), namespace: (config) => config.chatId ?? '' },
  // One visitor mailbox per router and bot: another bot is another conversation.
  postoffice: { load: () => import('./transports/postoffice'), namespace: (config) => config.to ?? '' },
  // One conversation per FSM and visitor id: another bot on the same server is another conversation.
  chatfaq: {
    load: () => import('./transports/chatfaq'),
    namespace: (config) => `${config.fsm ?? ''}|${config.senderId ?? ''}`,
  },
  // The channel path decides the layout (and the conversation's channels): keep them apart.
  nchan: { load: () => import('./transports/nchan'), namespace: (config) => config.channelPath },
};
