/**
 * TWIN's REST routes (seed 002), with CORS since the widget runs on other sites' pages:
 *   POST /api/chats/v1/chats/{chatId}/sessions?x_widget=1   start a session (201)
 *   POST /api/v1/sessions/{sessionId}/messages               send a visitor message (201)
 *   POST /api/chats/v1/files?x_widget=1                      multipart upload, field `file[]` (201)
 *   GET  /api/chats/v1/files/{fileId}/download               the stored bytes
 * Errors answer `{ message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerPreflight,
  applyCors,
  isRecord,
  readJsonBody,
  readMultipart,
  sendJson,
  sendStoredFile,
} from '../http';
import { verifyUser } from '../identity';
import type { Session, StoredFile, TwinStore } from './store';

const SESSION_RE = /^\/api\/chats\/v1\/chats\/([^/]+)\/sessions\/?$/;
const MESSAGE_RE = /^\/api\/v1\/sessions\/([^/]+)\/messages\/?$/;
const FILES_RE = /^\/api\/chats\/v1\/files\/?$/;
const DOWNLOAD_RE = /^\/api\/chats\/v1\/files\/([^/]+)\/download\/?$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_JSON = 64 * 1024;
const MAX_UPLOAD = 10 * 1024 * 1024;

export interface RouteContext {
  store: TwinStore;
  origin(req: IncomingMessage): string;
  /** The greeting messages of a new session (the session answer carries them). */
  greeting(session: Session): unknown[];
  onVisitorMessage(session: Session, id: string, text: string, files: StoredFile[]): void;
  /**
   * Writes the answer to a stored visitor message: now, when a test releases it (holdPosts, which
   * may write its head at once and hold the body), or never (dropPostAnswers: `cut` ends the
   * connection instead).
   */
  answerPost(answer: PostAnswer, cut: () => void): void;
  /** dropPostAnswers: this post is cut before it is read (it came on a reused connection). */
  cutUnread(req: IncomingMessage): boolean;
  newId(): string;
  /** See ServerOptions.identitySecret. */
  identitySecret?: string | undefined;
}

/** The answer to a stored post, whole or in two steps (its head, then the rest). */
export interface PostAnswer {
  /** The status line and headers, flushed now; the body waits. Once. */
  head(): void;
  /** Whatever was not written yet. */
  all(): void;
}

function fail(res: ServerResponse, status: number, message: string): true {
  applyCors(res);
  sendJson(res, status, { message });
  return true;
}

export async function handleTwinRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: RouteContext,
): Promise<boolean> {
  const path = url.pathname;
  const session = SESSION_RE.exec(path);
  const message = MESSAGE_RE.exec(path);
  const download = DOWNLOAD_RE.exec(path);
  const files = FILES_RE.test(path);
  if (!session && !message && !download && !files) return false;
  if (req.method === 'OPTIONS') {
    answerPreflight(res);
    return true;
  }
  // A malformed %-escape is the client's mistake: 400, not a 500 with a stack trace in the log.
  const id = segment((download ?? session ?? message)?.[1]);
  if (id === null) return fail(res, 400, 'malformed %-escape in the path');
  if (download)
    return req.method === 'GET' || req.method === 'HEAD'
      ? serveFile(res, ctx, id)
      : fail(res, 405, 'method not allowed');
  if (req.method !== 'POST') return fail(res, 405, 'method not allowed');
  if (session) return startSession(req, res, ctx, id);
  if (message) return postMessage(req, res, ctx, id);
  return upload(req, res, url, ctx);
}

/** A decoded path segment; '' when there is none, null when its %-escapes are malformed. */
function segment(raw: string | undefined): string | null {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    return null;
  }
}

async function startSession(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, chatId: string) {
  // Any uuid or `demo` is a chat here; everything else is "chat not found", as an unknown id is.
  if (chatId !== 'demo' && !UUID_RE.test(chatId)) return fail(res, 404, 'chat not found');
  const body = await readJsonBody(req, res, MAX_JSON);
  if (!body.ok) return fail(res, 400, body.error);
  const { name, clientExternalId, clientMetadata, userHash } = isRecord(body.value) ? body.value : {};
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200)
    return fail(res, 400, 'name is required');
  if (clientExternalId !== undefined && typeof clientExternalId !== 'string') {
    return fail(res, 400, 'clientExternalId must be a string');
  }
  // The external id is who the visitor is: with an identity secret, only a signed one is taken.
  if (clientExternalId !== undefined) {
    const check = verifyUser(ctx.identitySecret, clientExternalId, userHash);
    if (!check.ok) return fail(res, 401, check.error);
  }
  const metadata: Record<string, string> = {};
  if (clientMetadata !== undefined) {
    if (!isRecord(clientMetadata)) return fail(res, 400, 'clientMetadata must be an object');
    for (const [k, v] of Object.entries(clientMetadata)) {
      if (typeof v !== 'string') return fail(res, 400, 'clientMetadata values must be strings');
      metadata[k] = v;
    }
  }
  const s = ctx.store.createSession(chatId, name, ctx.origin(req), clientExternalId, metadata);
  applyCors(res);
  sendJson(res, 201, {
    id: s.id,
    clientId: s.clientId,
    startedAt: new Date(s.startedAt).toISOString(),
    ttl: s.ttlSeconds,
    messages: ctx.greeting(s),
  });
  return true;
}

async function postMessage(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, sessionId: string) {
  if (ctx.cutUnread(req)) {
    res.destroy();
    return true;
  }
  const s = ctx.store.live(sessionId);
  if (!s) return fail(res, 404, 'session not found');
  const parsed = await readJsonBody(req, res, MAX_JSON);
  if (!parsed.ok) return fail(res, 400, parsed.error);
  const { body, attachments = [], replyToMessageId } = isRecord(parsed.value) ? parsed.value : {};
  if (typeof body !== 'string') return fail(res, 400, 'body is required');
  if (!Array.isArray(attachments) || attachments.length > 10)
    return fail(res, 400, 'attachments must be a list of file ids');
  const found = attachments.map((id) => (typeof id === 'string' ? ctx.store.file(id) : undefined));
  if (found.some((f) => f === undefined)) return fail(res, 400, 'unknown attachment');
  if (body.trim() === '' && found.length === 0) return fail(res, 400, 'body is required');
  if (replyToMessageId !== undefined && typeof replyToMessageId !== 'string') {
    return fail(res, 400, 'replyToMessageId must be a string');
  }
  const id = ctx.newId();
  const createdAt = new Date().toISOString();
  ctx.store.addVisitorMessage(s, id, body);
  const text = JSON.stringify({ id, createdAt });
  const head = () => {
    if (res.headersSent) return;
    applyCors(res);
    // As sendJson writes them: the length tells the browser a body is still to come.
    res.writeHead(201, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.flushHeaders();
  };
  ctx.answerPost(
    {
      head,
      all() {
        head();
        if (!res.writableEnded) res.end(text);
      },
    },
    () => res.destroy(),
  );
  ctx.onVisitorMessage(s, id, body, found as StoredFile[]);
  return true;
}

/**
 * Uploads belong to a live session (`?sessionId=`, which the widget sends; TWIN documents no
 * authorisation here): refused before a byte of the body is read, and counted per session.
 */
async function upload(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext) {
  const s = ctx.store.live(url.searchParams.get('sessionId') ?? undefined);
  if (!s) {
    res.setHeader('Connection', 'close');
    return fail(res, 401, 'sessionId of a live session is required');
  }
  if (ctx.store.uploadsOf(s.id) >= ctx.store.limits.uploadsPerSession) {
    res.setHeader('Connection', 'close');
    return fail(res, 429, 'too many uploads in this session');
  }
  const body = await readMultipart(req, res, MAX_UPLOAD);
  if (!body.ok) return fail(res, body.status, body.error);
  const { form } = body;
  const stored: StoredFile[] = [];
  for (const entry of form.getAll('file[]')) {
    if (typeof entry === 'string') continue;
    if (ctx.store.uploadsOf(s.id) >= ctx.store.limits.uploadsPerSession) break;
    const name = (entry.name || 'file').slice(0, 200);
    stored.push(
      ctx.store.addFile(
        name,
        entry.type || 'application/octet-stream',
        Buffer.from(await entry.arrayBuffer()),
        true,
        undefined,
        s.id,
      ),
    );
  }
  if (stored.length === 0) return fail(res, 400, 'no file[] field');
  const origin = ctx.origin(req);
  applyCors(res);
  sendJson(
    res,
    201,
    stored.map((f) => ctx.store.fileJson(f, origin)),
  );
  return true;
}

function serveFile(res: ServerResponse, ctx: RouteContext, id: string): true {
  const file = ctx.store.file(id);
  if (!file) return fail(res, 404, 'file not found');
  // Our own SVGs (greeting, avatars) are safe to show; uploads only as raster images.
  sendStoredFile(res, file, !file.isPrivate && file.contentType === 'image/svg+xml' ? true : undefined);
  return true;
}
