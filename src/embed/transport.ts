/**
 * Storage is namespaced by transport and backend (and what else the registry entry names), so two
 * configurations on one browser never share a token or a conversation.
 */
import { namespacedStore } from '../core/storage';
import type { ParleyConfig } from './config';
import { TRANSPORT_REGISTRY } from './transport-registry';

export function storageNamespace(config: ParleyConfig): string {
  const server = config.server.replace(/\/+$/, '');
  const extra = TRANSPORT_REGISTRY[config.transport].namespace?.(config);
  return extra === undefined ? `${config.transport}|${server}` : `${config.transport}|${server}|${extra}`;
}

export const storageFor = (config: ParleyConfig) => namespacedStore(storageNamespace(config));
