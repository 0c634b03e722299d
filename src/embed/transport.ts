/**
 * Picks and builds the adapter named by `data-transport`. Storage is namespaced by transport and
 * backend, so two configurations on one browser never share a token or a conversation.
 */
import { type KeyValueStore, namespacedStore } from '../core/storage';
import type { Transport } from '../transports/types';
import { createWsChatAdapter } from '../transports/ws-chat/adapter';
import type { ParleyConfig } from './config';

export function storageNamespace(config: ParleyConfig): string {
  const server = config.server.replace(/\/+$/, '');
  return config.transport === 'twin'
    ? `twin|${server}|${config.chatId ?? ''}`
    : `${config.transport}|${server}`;
}

export function createTransport(
  config: ParleyConfig,
  visitorName: string,
  storage: KeyValueStore,
): Transport {
  switch (config.transport) {
    case 'ws-chat':
      return createWsChatAdapter({
        server: config.server,
        name: visitorName,
        channel: config.channel,
        storage,
        ...(config.channelId ? { channelId: config.channelId } : {}),
      });
    case 'twin':
      throw new Error('twin is not wired yet');
  }
}

export const storageFor = (config: ParleyConfig) => namespacedStore(storageNamespace(config));
