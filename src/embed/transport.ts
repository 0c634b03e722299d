/**
 * Storage is namespaced by transport and backend (and what else the registry entry names), so two
 * configurations on one browser never share a token or a conversation, and by the visitor, so two
 * people on one device never share one either.
 */
import { namespacedStore, removeSiblingNamespaces } from '../core/storage';
import type { ParleyConfig } from './config';
import { identitySegment } from './identity';
import { TRANSPORT_REGISTRY } from './transport-registry';

/** Transport and backend: what two visitors of the same backend share. */
export function backendNamespace(config: ParleyConfig): string {
  const server = config.server.replace(/\/+$/, '');
  const extra = TRANSPORT_REGISTRY[config.transport].namespace?.(config);
  return extra === undefined ? `${config.transport}|${server}` : `${config.transport}|${server}|${extra}`;
}

/** The backend's namespace and the visitor's identity (embed/identity.ts). */
export function storageNamespace(config: ParleyConfig): string {
  return `${backendNamespace(config)}|${identitySegment(config)}`;
}

/**
 * This visitor's storage. Taking it removes what another visitor of the same backend left on this
 * device: a new identity starts a fresh conversation, and the old one can never be shown.
 */
export function storageFor(config: ParleyConfig) {
  const namespace = storageNamespace(config);
  removeSiblingNamespaces(backendNamespace(config), namespace);
  return namespacedStore(namespace);
}
