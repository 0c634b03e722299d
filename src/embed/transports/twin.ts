/** `data-transport="twin"`: TWIN chat sessions over REST + Socket.IO (its own chunk in the split build). */
import { createTwinAdapter } from '../../transports/twin';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { name, storage, metadata }) => {
  // TWIN has no e-mail field: `Parley.identify({email})` travels as a bot variable.
  if (config.userEmail && metadata.email === undefined) metadata.email = config.userEmail;
  return createTwinAdapter({
    server: config.server,
    chatId: config.chatId ?? '',
    socketPath: config.socketPath,
    eio: config.eio,
    name,
    storage,
    clientMetadata: metadata,
    ...(config.messagesServer ? { messagesServer: config.messagesServer } : {}),
    // A verified user id is who the visitor is; data-client-id is the unverified form.
    ...(config.userId
      ? { clientExternalId: config.userId, ...(config.userHash ? { userHash: config.userHash } : {}) }
      : config.clientId
        ? { clientExternalId: config.clientId }
        : {}),
    ...(config.operatorEvent ? { operatorEvent: config.operatorEvent } : {}),
  });
};
