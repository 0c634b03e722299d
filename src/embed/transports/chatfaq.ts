/** `data-transport="chatfaq"`: ChatFAQ's WebSocket consumer, MML and streaming (its own chunk in the split build). */
import { createChatfaqAdapter } from '../../transports/chatfaq';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { storage, metadata }) =>
  createChatfaqAdapter({
    server: config.server,
    fsm: config.fsm ?? '',
    storage,
    metadata,
    ...(config.senderId ? { senderId: config.senderId } : {}),
    ...(config.token ? { token: config.token } : {}),
  });
