/** `data-transport="nchan"`: pub/sub channels through nginx + nchan (its own chunk in the split build). */
import { createNchanAdapter } from '../../transports/nchan/adapter';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { storage }) =>
  createNchanAdapter({
    server: config.server,
    channelPath: config.channelPath,
    storage,
    ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
  });
