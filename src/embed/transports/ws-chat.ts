/** `data-transport="ws-chat"`: the customer-service WebSocket (its own chunk in the split build). */
import { createWsChatAdapter } from '../../transports/ws-chat/adapter';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { name, storage }) =>
  createWsChatAdapter({
    server: config.server,
    name,
    channel: config.channel,
    storage,
    ...(config.channelId ? { channelId: config.channelId } : {}),
  });
