/**
 * Namespaced persistence over localStorage. When storage is unavailable (privacy modes, sandboxed
 * iframes, quota) it falls back to memory so the widget still works for the visit.
 */

/** A key/value store the adapters and the store persist into. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

/** The page's localStorage when it can be written here, else null (privacy modes, sandboxes). */
export function localStorageOrNull(): Storage | null {
  try {
    const ls = globalThis.localStorage;
    const probe = '__parley_probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return null;
  }
}

/**
 * A store whose keys all start with `parley:{namespace}:`. The namespace is derived from the backend
 * (server URL and transport) so two sites or two configurations never mix.
 */
export function namespacedStore(
  namespace: string,
  backing: Storage | null = localStorageOrNull(),
): KeyValueStore {
  const prefix = `parley:${namespace}:`;
  if (!backing) return memoryStore();
  /**
   * Keys whose last write or removal failed (quota, a revoked permission), with what the visit
   * should see: the new value, or null once removed. These win over `backing`, which still holds
   * the older value: reading that back after a failed write served a stale session or list.
   */
  const unsaved = new Map<string, string | null>();
  return {
    get: (k) => {
      if (unsaved.has(k)) return unsaved.get(k) ?? null;
      try {
        return backing.getItem(prefix + k);
      } catch {
        return null;
      }
    },
    set: (k, v) => {
      try {
        backing.setItem(prefix + k, v);
        unsaved.delete(k);
      } catch {
        // Keep it for this visit at least.
        unsaved.set(k, v);
      }
    },
    remove: (k) => {
      try {
        backing.removeItem(prefix + k);
        unsaved.delete(k);
      } catch {
        unsaved.set(k, null);
      }
    },
  };
}

/**
 * Removes every key of the namespaces `{family}|…` except those of `keep` (itself `{family}|…`):
 * what another visitor of the same backend left on this device (see embed/identity.ts).
 */
export function removeSiblingNamespaces(
  family: string,
  keep: string,
  backing: Storage | null = localStorageOrNull(),
): void {
  if (!backing) return;
  const siblings = `parley:${family}|`;
  const mine = `parley:${keep}:`;
  try {
    const doomed: string[] = [];
    for (let i = 0; i < backing.length; i++) {
      const key = backing.key(i);
      if (key?.startsWith(siblings) && !key.startsWith(mine)) doomed.push(key);
    }
    for (const key of doomed) backing.removeItem(key);
  } catch {
    // Storage refused: nothing of it can be shown either.
  }
}

/** Reads JSON written by `writeJson`; anything unreadable counts as absent. */
export function readJson(store: KeyValueStore, key: string): unknown {
  const raw = store.get(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

export function writeJson(store: KeyValueStore, key: string, value: unknown): void {
  store.set(key, JSON.stringify(value));
}
