/**
 * Console output with the product prefix. Never pass a token, or a URL that holds one (WebSocket
 * URLs carry credentials in their query): log paths or reasons instead.
 */
const PREFIX = '[parley]';

export const log = {
  error: (...args: unknown[]) => console.error(PREFIX, ...args),
  warn: (...args: unknown[]) => console.warn(PREFIX, ...args),
  debug: (...args: unknown[]) => {
    if ((globalThis as { PARLEY_DEBUG?: boolean }).PARLEY_DEBUG) console.debug(PREFIX, ...args);
  },
};

/** Shortens an untrusted string for a log line (huge frames must not flood the console). */
export function preview(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** A short JSON preview of an untrusted value; never throws (cycles and bigint cannot be written). */
export function previewJson(value: unknown, max = 120): string {
  try {
    return preview(JSON.stringify(value) ?? typeof value, max);
  } catch {
    return `(unprintable ${typeof value})`;
  }
}
