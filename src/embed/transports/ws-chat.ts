/** `data-transport="ws-chat"`: the customer-service WebSocket (its own chunk in the split build). */
import { createWsChatAdapter } from '../../transports/ws-chat/adapter';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { name, storage, metadata }) =>
  createWsChatAdapter({
    server: config.server,
    name,
    channel: config.channel,
    protocol: config.protocol,
    storage,
    // The live object: `Parley.setMetadata()` before the token call still counts.
    metadata,
    ...(config.channelId ? { channelId: config.channelId } : {}),
    ...(config.userId ? { userId: config.userId } : {}),
    ...(config.userHash ? { userHash: config.userHash } : {}),
    ...(config.userEmail || config.email ? { email: config.userEmail ?? config.email } : {}),
    ...(config.phone ? { phone: config.phone } : {}),
  });
