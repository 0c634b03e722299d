/** `data-transport="postoffice"`: a mailbox on a GO-POSTOFFICE router (its own chunk in the split build). */
import { createPostofficeAdapter } from '../../transports/postoffice/adapter';
import type { CreateTransport } from '../transport-registry';

export const createTransport: CreateTransport = (config, { storage }) =>
  createPostofficeAdapter({
    server: config.server,
    to: config.to ?? '',
    subject: config.subject ?? 'chat',
    storage,
    ...(config.clientId ? { clientId: config.clientId } : {}),
    ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
  });
