/**
 * REST side of ws-chat, per generation, all answering CORS (the widget calls them from the host
 * page's origin):
 *   POST /api/v1/public/customer-token                    both: the token (the envelope one opens a session)
 *   GET  /api/v1/public/conversations/{id}/messages       flat: history (not in the seed; gap fill)
 *   GET  /api/v1/chat/sessions/{id}/messages?page&size    envelope: history, newest first, Bearer
 *   POST /api/v1/files/upload                             envelope: multipart field `file`, Bearer
 *   GET  /api/v1/files/{id}                               envelope: the stored bytes
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerPreflight,
  applyCors,
  bearerToken,
  readJsonBody,
  readMultipart,
  requestOrigin,
  sendApiError,
  sendJson,
  sendStoredFile,
} from '../http';
import { claimedVisitor } from '../identity';
import { historyPage, parseEnvelopeTokenRequest, uploadJson, wrapped } from './envelope';
import { MAX_BODY_BYTES, parseTokenRequest, toFlatFrame } from './frames';
import type { ChatStore } from './store';

export type Generation = 'envelope' | 'flat';

export const TOKEN_PATH = '/api/v1/public/customer-token';
const FLAT_HISTORY = /^\/api\/v1\/public\/conversations\/([^/]+)\/messages\/?$/;
const ENVELOPE_HISTORY = /^\/api\/v1\/chat\/sessions\/([^/]+)\/messages\/?$/;
const UPLOAD_PATH = '/api/v1/files/upload';
const FILE_PATH = /^\/api\/v1\/files\/([^/]+)\/?$/;
const MAX_UPLOAD = 10 * 1024 * 1024;

export interface RouteContext {
  store: ChatStore;
  generation: Generation;
  /** See ServerOptions.identitySecret: with it, a `userId` needs its `userHash`. */
  identitySecret?: string | undefined;
}

/** Answer the ws-chat REST routes; resolve false for any other path. */
export async function handleRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: RouteContext,
): Promise<boolean> {
  const envelope = ctx.generation === 'envelope';
  const path = url.pathname;
  const flatHistory = envelope ? null : FLAT_HISTORY.exec(path);
  const envelopeHistory = envelope ? ENVELOPE_HISTORY.exec(path) : null;
  const file = envelope && path !== UPLOAD_PATH ? FILE_PATH.exec(path) : null;
  const upload = envelope && path === UPLOAD_PATH;
  if (path !== TOKEN_PATH && !flatHistory && !envelopeHistory && !file && !upload) return false;
  if (req.method === 'OPTIONS') {
    answerPreflight(res);
    return true;
  }
  const method = req.method ?? 'GET';
  const reading = method === 'GET' || method === 'HEAD';
  if (path === TOKEN_PATH) {
    if (method !== 'POST') methodNotAllowed(res, 'POST, OPTIONS');
    else if (envelope) await issueEnvelopeToken(req, res, ctx);
    else await issueFlatToken(req, res, ctx);
  } else if (upload) {
    if (method !== 'POST') methodNotAllowed(res, 'POST, OPTIONS');
    else await receiveUpload(req, res, ctx.store);
  } else if (!reading) {
    methodNotAllowed(res, 'GET, OPTIONS');
  } else if (flatHistory) {
    sendFlatHistory(req, res, url, ctx.store, decodeSegment(flatHistory[1] ?? ''));
  } else if (envelopeHistory) {
    sendEnvelopeHistory(req, res, url, ctx.store, decodeSegment(envelopeHistory[1] ?? ''));
  } else if (file) {
    const stored = ctx.store.files.get(decodeSegment(file[1] ?? ''));
    if (stored) sendStoredFile(res, stored);
    else sendApiError(res, 404, 'file not found');
  }
  return true;
}

async function issueFlatToken(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const body = await readJsonBody(req, res, MAX_BODY_BYTES);
  if (!body.ok) return sendApiError(res, 400, body.error);
  const request = parseTokenRequest(body.value);
  if (!request.ok) return sendApiError(res, 400, request.error);
  const { name, channel, channelId } = request.value;
  const visitor = claimedVisitor(body.value, channelId, ctx.identitySecret);
  if (!visitor.ok) return sendApiError(res, 401, visitor.error);
  const visitorId = visitor.visitorId ?? channelId;
  const { customer, token } = ctx.store.issueToken({ visitorId, name, channel });
  applyCors(res);
  sendJson(res, 200, {
    success: true,
    data: { customerId: customer.id, token, name: customer.name, channel: customer.channel },
  });
}

/** The current generation: `channelUserId` is the identity, and the answer carries the open session. */
async function issueEnvelopeToken(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RouteContext,
): Promise<void> {
  const body = await readJsonBody(req, res, MAX_BODY_BYTES);
  if (!body.ok) return sendWrappedError(res, 400, body.error);
  const request = parseEnvelopeTokenRequest(body.value);
  if (!request.ok) return sendWrappedError(res, 400, request.error);
  const { channelUserId, ...identity } = request.value;
  const visitor = claimedVisitor(body.value, channelUserId, ctx.identitySecret);
  if (!visitor.ok) return sendWrappedError(res, 401, visitor.error);
  // Without a stable id, every call is a new customer (nothing ties two calls together).
  const visitorId = visitor.visitorId ?? `anonymous:${Math.random().toString(36).slice(2)}${Date.now()}`;
  const { customer, token } = ctx.store.issueToken({ ...identity, visitorId });
  const session = ctx.store.conversationOf(customer);
  applyCors(res);
  sendJson(
    res,
    200,
    wrapped(200, 'success', {
      customerId: customer.id,
      token,
      name: customer.name,
      channel: customer.channel,
      sessionId: session.id,
    }),
  );
}

/**
 * `GET /api/v1/public/conversations/{id}/messages?token=…` (or `Authorization: Bearer`).
 * 401 without a valid token, 403 for a conversation that is not this customer's (unknown ones
 * included, so ids cannot be probed).
 */
function sendFlatHistory(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ChatStore,
  conversationId: string,
): void {
  const customer = store.customerForToken(url.searchParams.get('token') ?? bearerToken(req));
  const conversation = store.conversation(conversationId);
  if (!customer) {
    sendApiError(res, 401, 'token is missing or not valid');
  } else if (!conversation || conversation.customerId !== customer.id) {
    sendApiError(res, 403, 'conversationId does not belong to this customer');
  } else {
    applyCors(res);
    sendJson(res, 200, {
      success: true,
      data: conversation.messages.map((m) => toFlatFrame(m, customer.channel, conversation.id)),
    });
  }
}

/** The envelope history: Bearer only (a token in the query is not looked at), a Spring page. */
function sendEnvelopeHistory(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ChatStore,
  sessionId: string,
): void {
  const customer = store.customerForToken(bearerToken(req));
  const conversation = store.conversation(sessionId);
  if (!customer) {
    sendWrappedError(res, 401, 'Unauthorized');
    return;
  }
  if (!conversation || conversation.customerId !== customer.id) {
    sendWrappedError(res, 403, 'Access denied to this session');
    return;
  }
  const page = boundedInt(url.searchParams.get('page'), 0, 0, 1_000_000);
  const size = boundedInt(url.searchParams.get('size'), 20, 1, 100);
  applyCors(res);
  sendJson(res, 200, historyPage(conversation, customer, page, size));
}

async function receiveUpload(req: IncomingMessage, res: ServerResponse, store: ChatStore): Promise<void> {
  const customer = store.customerForToken(bearerToken(req));
  if (!customer) {
    req.resume();
    return sendWrappedError(res, 401, 'Unauthorized');
  }
  const body = await readMultipart(req, res, MAX_UPLOAD);
  if (!body.ok) return sendWrappedError(res, body.status, body.error);
  const entry = body.form.get('file');
  if (entry === null || typeof entry === 'string') return sendWrappedError(res, 400, 'no file field');
  const name = (entry.name || 'file').slice(0, 200);
  const stored = store.addFile(
    name,
    entry.type || 'application/octet-stream',
    Buffer.from(await entry.arrayBuffer()),
  );
  applyCors(res);
  sendJson(res, 200, uploadJson(stored, fileUrl(requestOrigin(req, ''), stored.id)));
}

export const fileUrl = (origin: string, id: string) => `${origin}/api/v1/files/${encodeURIComponent(id)}`;

function sendWrappedError(res: ServerResponse, status: number, message: string): void {
  applyCors(res);
  sendJson(res, status, wrapped(status, message, null));
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendApiError(res, 405, `method not allowed (use ${allow})`);
}

function boundedInt(text: string | null, fallback: number, min: number, max: number): number {
  const value = Number(text);
  return text !== null && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
