/**
 * The REST calls of both generations: the customer token and the history (Bearer token, never in
 * the URL); the upload is in upload.ts. Errors never carry a URL or a token.
 */
import { log } from '../../core/log';
import { wsError } from './errors';
import {
  type CustomerToken,
  decodeTokenResponse,
  encodeTokenRequest,
  type TokenRequest,
  tokenUrl,
} from './protocol';

export interface Answer {
  status: number;
  body: unknown;
}

export class WsChatApi {
  readonly #server: string;
  readonly #fetchFn: typeof fetch | undefined;

  constructor(server: string, fetchFn: typeof fetch | undefined) {
    this.#server = server;
    this.#fetchFn = fetchFn;
  }

  get #fetch(): typeof fetch {
    return this.#fetchFn ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * A new token for the visitor. A 4xx means our request is wrong and will stay wrong (fatal); the
   * network, a 5xx or an unreadable answer may get better.
   */
  async token(request: TokenRequest): Promise<CustomerToken> {
    let res: Response;
    try {
      res = await this.#fetch(tokenUrl(this.#server), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: encodeTokenRequest(request),
      });
    } catch {
      throw wsError('network', 'Could not reach the server');
    }
    const body: unknown = await res.json().catch(() => null);
    const token = res.ok ? decodeTokenResponse(body) : null;
    if (token) return token;
    const fatal = res.status >= 400 && res.status < 500;
    log.warn(`customer token request failed (HTTP ${res.status})`);
    throw wsError(fatal ? 'auth' : 'network', `Token request failed (HTTP ${res.status})`, fatal);
  }

  /** GET with the token as a Bearer header; rejects only when the server could not be reached. */
  async get(url: string, token: string, signal?: AbortSignal): Promise<Answer> {
    try {
      const res = await this.#fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        ...(signal ? { signal } : {}),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch {
      throw wsError('network', 'Could not reach the server');
    }
  }
}
