/**
 * Who the visitor is, as far as storage and the backend are concerned. Anything that names the
 * visitor (`data-user-id`, `data-channel-id`, `data-client-id`, `Parley.identify`) is part of the
 * storage namespace, and a page that switches to another visitor starts a fresh conversation:
 * the previous visitor's stored conversation and token are removed, never shown (a shared device
 * used to show user B what user A wrote, and let B write as A's customer).
 */
import { log } from '../core/log';
import type { ParleyConfig } from './config';

/** HMAC-SHA256 in hex, as a site's backend computes it (README, "Verified identity"). */
export const USER_HASH = /^[0-9a-f]{64}$/i;

/** What `Parley.identify()` takes. */
export interface Identity {
  id: string;
  hash?: string;
  name?: string;
  email?: string;
}

const USAGE =
  'Parley.identify({id, hash, name, email}) takes strings, hash = 64 hex (HMAC-SHA256 of id from your server); null forgets the visitor';

/** The identity to switch to, `null` for an anonymous visitor, or undefined (after one error line) when unusable. */
export function parseIdentity(value: unknown): Identity | null | undefined {
  if (value === null) return null;
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const text = (x: unknown) => (typeof x === 'string' && x.trim() && x.length <= 200 ? x.trim() : undefined);
  const id = text(v?.id);
  const ok =
    v !== undefined &&
    id !== undefined &&
    (v.hash === undefined || (typeof v.hash === 'string' && USER_HASH.test(v.hash))) &&
    (v.name === undefined || text(v.name) !== undefined) &&
    (v.email === undefined || text(v.email) !== undefined);
  if (!ok) {
    log.error(USAGE);
    return undefined;
  }
  const identity: Identity = { id };
  if (typeof v.hash === 'string') identity.hash = v.hash.toLowerCase();
  const name = text(v.name);
  const email = text(v.email);
  if (name) identity.name = name;
  if (email) identity.email = email;
  return identity;
}

/** The configuration for this visitor (or for an anonymous one). */
export function withIdentity(config: ParleyConfig, identity: Identity | null): ParleyConfig {
  const next: ParleyConfig = { ...config };
  delete next.userId;
  delete next.userHash;
  delete next.userEmail;
  if (!identity) return next;
  next.userId = identity.id;
  if (identity.hash) next.userHash = identity.hash;
  if (identity.name) next.name = identity.name;
  if (identity.email) next.userEmail = identity.email;
  return next;
}

/** True when the configuration already speaks as this visitor, with the same details. */
export function sameIdentity(config: ParleyConfig, identity: Identity | null): boolean {
  if (!identity) return config.userId === undefined;
  return (
    config.userId === identity.id &&
    config.userHash === identity.hash &&
    (identity.name === undefined || config.name === identity.name) &&
    config.userEmail === identity.email
  );
}

/**
 * The part of the storage namespace that names the visitor: `anon`, or the ids that say who they
 * are (encoded, so no id can reach into another namespace).
 */
export function identitySegment(config: ParleyConfig): string {
  const parts: string[] = [];
  if (config.userId !== undefined) parts.push(`user:${encodeURIComponent(config.userId)}`);
  if (config.channelId !== undefined) parts.push(`channel:${encodeURIComponent(config.channelId)}`);
  if (config.clientId !== undefined) parts.push(`client:${encodeURIComponent(config.clientId)}`);
  return parts.length ? parts.join(',') : 'anon';
}
