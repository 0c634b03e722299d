/**
 * Verified visitor identity: a site that knows who its visitor is (a logged-in user) signs the user
 * id with a secret only its backend holds, and the widget passes id and signature along
 * (`data-user-id` + `data-user-hash`, or `Parley.identify`). Started with an identity secret, the
 * reference server accepts a user id only with the right signature, so knowing someone's id is
 * not enough to read their conversation. This is the scheme Intercom and Chatwoot use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a site's backend computes: HMAC-SHA256 of the user id with the secret, as lowercase hex. */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

export type IdentityCheck = { ok: true } | { ok: false; error: string };

/**
 * Checks a claimed user id. Without a secret every id is taken as given (a demo server); with one,
 * an id needs its signature.
 */
export function verifyUser(secret: string | undefined, userId: string, hash: unknown): IdentityCheck {
  if (secret === undefined) return { ok: true };
  if (typeof hash !== 'string' || hash === '')
    return { ok: false, error: 'userHash is required with userId' };
  const expected = Buffer.from(userHash(secret, userId), 'utf8');
  const given = Buffer.from(hash.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, error: 'userHash does not match userId' };
  return { ok: true };
}

/**
 * The visitor a token request names: `user:{userId}` for a user id (checked when there is a secret),
 * else the anonymous id the widget keeps, escaped when it starts like a user key: a channel id that
 * spells "user:42" is `channel:user:42`, never user 42.
 */
export function claimedVisitor(
  body: unknown,
  channelId: string | undefined,
  secret: string | undefined,
): { ok: true; visitorId: string | undefined } | { ok: false; error: string } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { userId, userHash: hash } = fields;
  if (userId === undefined || userId === null)
    return { ok: true, visitorId: channelId?.startsWith('user:') ? `channel:${channelId}` : channelId };
  if (typeof userId !== 'string' || userId === '' || userId.length > 256)
    return { ok: false, error: 'userId must be a non-empty string of at most 256 characters' };
  const check = verifyUser(secret, userId, hash);
  return check.ok ? { ok: true, visitorId: `user:${userId}` } : check;
}
