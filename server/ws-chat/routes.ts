/**
 * REST side of ws-chat: the public token call of seed 001 and a small history call (not in the
 * seed) that lets a client fill the gap after a reconnect. Both answer CORS: the widget calls them
 * from the host page's origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerPreflight, applyCors, bearerToken, readJsonBody, sendApiError, sendJson } from '../http';
import { MAX_BODY_BYTES, parseTokenRequest } from './frames';
import type { ChatStore } from './store';

export const TOKEN_PATH = '/api/v1/public/customer-token';
const HISTORY_PATH = /^\/api\/v1\/public\/conversations\/([^/]+)\/messages\/?$/;

/** Answer the ws-chat REST routes; resolve false for any other path. */
export async function handleRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ChatStore,
): Promise<boolean> {
  if (url.pathname === TOKEN_PATH) {
    if (req.method === 'OPTIONS') answerPreflight(res);
    else if (req.method === 'POST') await issueToken(req, res, store);
    else methodNotAllowed(res, 'POST, OPTIONS');
    return true;
  }
  const history = HISTORY_PATH.exec(url.pathname);
  if (history) {
    if (req.method === 'OPTIONS') answerPreflight(res);
    else if (req.method === 'GET' || req.method === 'HEAD') {
      sendHistory(req, res, url, store, decodeSegment(history[1] ?? ''));
    } else methodNotAllowed(res, 'GET, OPTIONS');
    return true;
  }
  return false;
}

async function issueToken(req: IncomingMessage, res: ServerResponse, store: ChatStore): Promise<void> {
  const body = await readJsonBody(req, res, MAX_BODY_BYTES);
  if (!body.ok) return sendApiError(res, 400, body.error);
  const request = parseTokenRequest(body.value);
  if (!request.ok) return sendApiError(res, 400, request.error);
  const { customer, token } = store.issueToken(request.value);
  applyCors(res);
  sendJson(res, 200, {
    success: true,
    data: { customerId: customer.id, token, name: customer.name, channel: customer.channel },
  });
}

/**
 * `GET /api/v1/public/conversations/{id}/messages?token=…` (or `Authorization: Bearer`).
 * 401 without a valid token, 403 for a conversation that is not this customer's (unknown ones
 * included, so ids cannot be probed).
 */
function sendHistory(
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
    sendJson(res, 200, { success: true, data: conversation.messages });
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendApiError(res, 405, `method not allowed (use ${allow})`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
