/**
 * The nchan adapter's plain HTTP requests: the token from the site's backend, the probe that tells
 * a refused channel from a blocked WebSocket, and the POST that publishes in the fallback.
 * Each resolves with an HTTP status (0: the server could not be reached) and never throws.
 */
import { decodeToken } from './protocol';

export type TokenResult = { ok: true; token: string } | { ok: false; status: number };

/** `POST {tokenUrl}` `{"conversation": id}` → `{"token": …}`. */
export async function requestToken(
  doFetch: typeof fetch,
  tokenUrl: string,
  conversationId: string,
): Promise<TokenResult> {
  try {
    const res = await doFetch(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversation: conversationId }),
      credentials: 'same-origin',
    });
    const token = res.ok ? decodeToken(await res.json().catch(() => null)) : null;
    return token ? { ok: true, token } : { ok: false, status: res.ok ? 502 : res.status };
  } catch {
    return { ok: false, status: 0 };
  }
}

/**
 * Browsers hide why a WebSocket handshake failed. An EventSource-style GET of the same channel
 * shows it: 403 is the authorize hook refusing, 2xx means HTTP gets through where the WebSocket
 * did not. The stream is cancelled as soon as the status is known.
 */
export async function probeChannel(doFetch: typeof fetch, url: string, timeoutMs: number): Promise<number> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await doFetch(url, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
    return res.status;
  } catch {
    return 0;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/**
 * Publishes one frame by POST. `text/plain` keeps it a simple request (no preflight). nchan answers
 * 201 (delivered to subscribers) or 202 (queued).
 */
export async function postFrame(doFetch: typeof fetch, url: string, frame: string): Promise<number> {
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: frame,
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return 0;
  }
}
