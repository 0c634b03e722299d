/** URL checks for anything a server sends that ends up in `href` or `src`. */

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const MEDIA_PROTOCOLS = new Set(['http:', 'https:']);

function parse(raw: string, base?: string): URL | null {
  // An empty string would resolve to the page itself: it means "no URL".
  if (!raw.trim()) return null;
  // Browsers strip tabs and newlines inside URLs ("java\tscript:"), so we parse with the same
  // WHATWG parser instead of matching prefixes by hand.
  try {
    return new URL(raw.trim(), base ?? globalThis.location?.href);
  } catch {
    return null;
  }
}

/** A link target allowed in messages: http, https, mailto, tel. Returns the normalised URL or null. */
export function safeLinkUrl(raw: string): string | null {
  const url = parse(raw);
  return url && LINK_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** A URL allowed in `src` or as a download: http(s), or a blob: URL of our own origin. */
export function safeMediaUrl(raw: string, base?: string): string | null {
  const url = parse(raw, base);
  if (!url) return null;
  if (MEDIA_PROTOCOLS.has(url.protocol)) return url.href;
  if (url.protocol === 'blob:' && globalThis.location && url.origin === globalThis.location.origin)
    return url.href;
  return null;
}
