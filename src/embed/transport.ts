/**
 * Builds the adapter named by `data-transport` through the registry (`transport-registry.ts`).
 * Storage is namespaced by transport and backend, so two configurations on one browser never share
 * a token or a conversation.
 */
import { namespacedStore } from '../core/storage';
import type { Transport } from '../transports/types';
import type { ParleyConfig } from './config';
import { TRANSPORT_REGISTRY, type TransportContext } from './transport-registry';

export function storageNamespace(config: ParleyConfig): string {
  const server = config.server.replace(/\/+$/, '');
  const extra = TRANSPORT_REGISTRY[config.transport].namespace?.(config);
  return extra === undefined ? `${config.transport}|${server}` : `${config.transport}|${server}|${extra}`;
}

export const storageFor = (config: ParleyConfig) => namespacedStore(storageNamespace(config));

/**
 * Loads the adapter's code (a separate file in the split build) and creates it. `metadata` is read
 * when a session starts, so the page may still add to it through `Parley.setMetadata()` (the
 * object is shared, not copied).
 */
export async function loadTransport(config: ParleyConfig, context: TransportContext): Promise<Transport> {
  return (await loadTransportFactory(config, context))();
}

/** The same, as a factory: tab sharing builds a fresh adapter each time a tab takes the lead. */
export async function loadTransportFactory(
  config: ParleyConfig,
  context: TransportContext,
): Promise<() => Transport> {
  const { createTransport } = await TRANSPORT_REGISTRY[config.transport].load();
  return () => createTransport(config, context);
}
