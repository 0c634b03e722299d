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

/** Epoch ms from an ISO string or a number in seconds or milliseconds; undefined when unreadable. */
export function timeMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string' && v.length < 64) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
