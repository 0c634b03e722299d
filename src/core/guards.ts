/**
 * Small type guards for decoding `unknown` wire data. Decoders use them to return a typed object or
 * null, never to throw.
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Longest string a decoder accepts; longer values mean a broken or hostile server. */
export const MAX_TEXT = 64 * 1024;

export function str(v: unknown, max = MAX_TEXT): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

export function nonEmptyStr(v: unknown, max = MAX_TEXT): string | undefined {
  const s = str(v, max);
  return s ? s : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The last instant a `Date` can hold, either side of 1970 (ECMA-262: ±100,000,000 days). */
export const MAX_DATE_MS = 8.64e15;

/**
 * How far a server's clock may run ahead of ours before its time counts as absurd (a day covers
 * any real clock skew and time zone mistake).
 */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** True for epoch ms that `new Date()` can hold: anything else renders "Invalid Date" or throws. */
export function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_DATE_MS;
}

/**
 * Epoch ms from an ISO string or a number in seconds or milliseconds; undefined when unreadable
 * or beyond what a `Date` can hold (1e17, nanoseconds): one such time used to stop the widget
 * rendering for good, since formatting it throws `RangeError: Invalid time value`.
 */
export function timeMs(v: unknown): number | undefined {
  let t: number | undefined;
  if (typeof v === 'number') t = v < 1e12 ? v * 1000 : v;
  else if (typeof v === 'string' && v.length < 64) t = Date.parse(v);
  return isTime(t) ? t : undefined;
}

/**
 * When a message happened, for display: the sender's time when readable and not absurdly in the
 * future, else `now` (its arrival).
 */
export function messageTime(v: unknown, now: number): number {
  const t = timeMs(v);
  return t === undefined || t > now + MAX_FUTURE_MS ? now : t;
}
