/**
 * Picks and builds the adapter named by `data-transport`. Storage is namespaced by transport and
 * backend, so two configurations on one browser never share a token or a conversation.
 */
import { type KeyValueStore, namespacedStore } from '../core/storage';
import { createTwinAdapter } from '../transports/twin';
import type { Transport } from '../transports/types';
import { createWsChatAdapter } from '../transports/ws-chat/adapter';
import type { ParleyConfig } from './config';

export function storageNamespace(config: ParleyConfig): string {
  const server = config.server.replace(/\/+$/, '');
  return config.transport === 'twin'
    ? `twin|${server}|${config.chatId ?? ''}`
    : `${config.transport}|${server}`;
}

/**
 * `metadata` is read when a session starts (twin) or a token is requested (ws-chat), so the page may
 * still add to it through `Parley.setMetadata()` before then (the object is shared, not copied).
 */
export function createTransport(
  config: ParleyConfig,
  visitorName: string,
  storage: KeyValueStore,
  metadata: Record<string, string>,
): Transport {
  switch (config.transport) {
    case 'ws-chat':
      return createWsChatAdapter({
        server: config.server,
        name: visitorName,
        channel: config.channel,
        protocol: config.protocol,
        storage,
        metadata,
        ...(config.channelId ? { channelId: config.channelId } : {}),
        ...(config.email ? { email: config.email } : {}),
        ...(config.phone ? { phone: config.phone } : {}),
      });
    case 'twin':
      return createTwinAdapter({
        server: config.server,
        chatId: config.chatId ?? '',
        socketPath: config.socketPath,
        eio: config.eio,
        name: visitorName,
        storage,
        clientMetadata: metadata,
        ...(config.messagesServer ? { messagesServer: config.messagesServer } : {}),
        ...(config.clientId ? { clientExternalId: config.clientId } : {}),
        ...(config.operatorEvent ? { operatorEvent: config.operatorEvent } : {}),
      });
  }
}

export const storageFor = (config: ParleyConfig) => namespacedStore(storageNamespace(config));
