/**
 * Small HTTP helpers shared by the protocol modules: JSON answers, CORS, bounded body reading.
 * No framework: the reference server has a handful of routes and must stay easy to read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The widget runs on other sites' pages, so every public API answers any origin. Nothing here uses
 * cookies (credentials travel in the body or the query), hence `*` and no Allow-Credentials.
 */
export function applyCors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  res.setHeader('Access-Control-Max-Age', '600');
}

/** Answer a CORS preflight (OPTIONS) with 204. */
export function answerPreflight(res: ServerResponse): void {
  applyCors(res);
  res.writeHead(204, { 'Content-Length': '0' });
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** `{success:false, error}` with CORS, the error shape of the ws-chat API. */
export function sendApiError(res: ServerResponse, status: number, error: string): void {
  applyCors(res);
  sendJson(res, status, { success: false, error });
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Read a JSON body of at most `limitBytes`. Never rejects: every failure becomes a message the
 * caller returns as a 400. An oversized body is not buffered: we stop collecting, answer, and let
 * Node close the connection (`Connection: close`) instead of reading megabytes for nothing.
 */
export function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number,
): Promise<BodyResult> {
  const tooLarge: BodyResult = {
    ok: false,
    error: `body is larger than ${Math.round(limitBytes / 1024)} KB`,
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    res.setHeader('Connection', 'close');
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limitBytes) {
        over = true;
        chunks.length = 0;
        res.setHeader('Connection', 'close');
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => resolve({ ok: false, error: 'body could not be read' }));
    req.on('end', () => {
      if (over) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        resolve({ ok: false, error: 'body is not valid JSON' });
      }
    });
  });
}

/** A non-null, non-array object, i.e. something JSON `{…}` could have produced. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bearer token of `Authorization`, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export type FormResult = { ok: true; form: FormData } | { ok: false; status: 400 | 413; error: string };

/**
 * Read a `multipart/form-data` body of at most `limitBytes` (Node 20's fetch machinery parses it:
 * no dependency needed). An oversized body is answered without reading the rest.
 */
export async function readMultipart(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number,
): Promise<FormResult> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return { ok: false, status: 400, error: 'multipart/form-data expected' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      res.setHeader('Connection', 'close');
      return { ok: false, status: 413, error: 'file too large' };
    }
    chunks.push(chunk);
  }
  try {
    return {
      ok: true,
      form: await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData(),
    };
  } catch {
    return { ok: false, status: 400, error: 'unreadable multipart body' };
  }
}

/** Raster images every browser shows; anything else is served as a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Serve stored bytes under the demo's safety rules: only raster images (or what the caller vouches
 * for with `inline`) display inline; everything else, uploaded SVG and HTML included, downloads as
 * `application/octet-stream` with `nosniff` and a sandbox CSP, so an upload never runs on our origin.
 */
export function sendStoredFile(
  res: ServerResponse,
  file: { name: string; contentType: string; bytes: Buffer },
  inline = INLINE_TYPES.has(file.contentType),
): void {
  applyCors(res);
  res.writeHead(200, {
    'Content-Type': inline ? file.contentType : 'application/octet-stream',
    'Content-Length': file.bytes.length,
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'no-store',
  });
  res.end(file.bytes);
}

/**
 * The origin a request was made to (`http://{Host}`), when the Host header is a plain
 * host[:port]; otherwise `fallback`. Used to build absolute URLs of files the server hands out.
 */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)
    ? `http://${host}`
    : fallback;
}
