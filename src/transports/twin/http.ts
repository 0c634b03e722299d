/**
 * TWIN's REST calls go through these two helpers: JSON POST with errors mapped to TransportError,
 * and the multipart upload (XMLHttpRequest for progress and abort; fetch where there is none, e.g.
 * Node). Error messages never include the URL: the session id in it is the socket's credential.
 */
import { TransportError, type TransportErrorCode } from '../../core/errors';
import type { UploadOptions } from '../types';
import { decodeErrorMessage } from './protocol';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export function transportError(code: TransportErrorCode, message: string, fatal = false): TransportError {
  return new TransportError(code, message, fatal ? { retryable: false } : {});
}

// Fresh objects each time: an Error's stack should point at the failure, not at module load.
const NETWORK = () => new TransportError('network', 'network error');
const ABORTED = () => new TransportError('aborted', 'aborted');

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** 4xx (other than 408/429) will not get better by retrying; 5xx and the network might. */
export function httpError(status: number, body: unknown): TransportError {
  const retryable = status >= 500 || status === 408 || status === 429;
  const code: TransportErrorCode =
    status === 404
      ? 'not-found'
      : status === 401 || status === 403
        ? 'auth'
        : status === 413
          ? 'too-large'
          : retryable
            ? 'network'
            : 'refused';
  return new TransportError(code, decodeErrorMessage(body) ?? `HTTP ${status}`, { retryable, status });
}

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight pass 64 KiB (the host
 * page's beacons count too): above this a post goes without keepalive.
 */
export const KEEPALIVE_MAX_BYTES = 32 * 1024;

export interface PostOptions {
  signal?: AbortSignal | undefined;
  /**
   * Send a JSON body small enough with `fetch(…, {keepalive: true})`, which the browser completes
   * even when the page unloads meanwhile.
   */
  keepalive?: boolean;
  /**
   * Called with the HTTP status as soon as the answer's head arrives, before its body is read: a
   * page that goes away meanwhile never reads the body (Chrome fails the read during pagehide),
   * yet the status already said how the request ended.
   */
  onStatus?: (status: number) => void;
}

/**
 * POSTs JSON or a form; resolves the parsed 2xx body (null when it cannot be read or parsed),
 * rejects with a TransportError. fetch is called synchronously, before the first await.
 */
export async function post(
  fetchFn: FetchLike,
  url: string,
  body: unknown,
  { signal, keepalive = false, onStatus }: PostOptions = {},
): Promise<unknown> {
  let init: RequestInit;
  if (body instanceof FormData) init = { method: 'POST', body };
  else {
    const json = JSON.stringify(body);
    init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json };
    // UTF-8 takes at most 3 bytes per UTF-16 unit: no encoding needed to stay under the limit.
    if (keepalive && json.length * 3 <= KEEPALIVE_MAX_BYTES) init.keepalive = true;
  }
  if (signal) init.signal = signal;
  let res: Response;
  try {
    res = await fetchFn(url, init);
  } catch {
    throw signal?.aborted ? ABORTED() : NETWORK();
  }
  onStatus?.(res.status);
  const data = parse(await res.text().catch(() => ''));
  if (!res.ok) throw httpError(res.status, data);
  return data;
}

/** Uploads one file as a multipart form with one field (the field name is the protocol's). */
export function uploadForm(
  fetchFn: FetchLike,
  url: string,
  field: string,
  file: Blob & { name?: string },
  options: UploadOptions = {},
): Promise<unknown> {
  const form = new FormData();
  form.append(field, file, file.name ?? 'file');
  const { signal, onProgress } = options;
  const XHR = globalThis.XMLHttpRequest;
  if (!XHR) return post(fetchFn, url, form, { signal });
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(ABORTED());
    const xhr = new XHR();
    const onAbort = () => xhr.abort();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const data = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(httpError(xhr.status, data));
    };
    xhr.onerror = () => reject(NETWORK());
    xhr.onabort = () => reject(ABORTED());
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(form);
  });
}
