/**
 * A multipart POST with upload progress and cancellation: XMLHttpRequest where there is one (fetch
 * reports no upload progress), fetch otherwise (Node tests). It never throws: the caller maps the
 * outcome to its own errors, and never sees the URL in an error (it may hold a credential).
 */
import type { UploadOptions } from './types';

export type FormOutcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; reason: 'network' | 'aborted' };

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function postForm(
  url: string,
  form: FormData,
  options: UploadOptions & { headers?: Record<string, string>; fetch?: typeof fetch } = {},
): Promise<FormOutcome> {
  const { signal, onProgress, headers = {} } = options;
  const XHR = globalThis.XMLHttpRequest;
  if (!XHR) {
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    return doFetch(url, { method: 'POST', body: form, headers, ...(signal ? { signal } : {}) }).then(
      async (res) => ({ ok: true, status: res.status, body: parse(await res.text().catch(() => '')) }),
      () => ({ ok: false, reason: signal?.aborted ? 'aborted' : 'network' }),
    );
  }
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    const xhr = new XHR();
    const onAbort = () => xhr.abort();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
    xhr.onload = () => resolve({ ok: true, status: xhr.status, body: parse(xhr.responseText) });
    xhr.onerror = () => resolve({ ok: false, reason: 'network' });
    xhr.onabort = () => resolve({ ok: false, reason: 'aborted' });
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(form);
  });
}
