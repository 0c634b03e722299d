/**
 * The router's token comes from the site's own backend (`data-token-url`), never from the router's
 * token call, which needs the app secret. The token travels only in the socket URL at the handshake,
 * so it is refreshed in the background before `expires`: a reconnect then never waits for it, and
 * never sends a stale one.
 */
import { TransportError } from '../../core/errors';
import { log } from '../../core/log';
import { decodeToken, type Token } from './protocol';

export interface TokenSourceOptions {
  url: string;
  fetch?: typeof fetch;
  /** Refresh this long before `expires` (default 60 s, at most half the token's lifetime). */
  marginMs?: number;
}

type Held = Token & { obtainedAt: number };

export class TokenSource {
  private current: Held | null = null;
  private inFlight: Promise<string> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Times the token URL was asked (tests of refresh read it). */
  fetches = 0;

  constructor(private readonly options: TokenSourceOptions) {}

  /** A token valid for a while yet, fetched when there is none. Rejects with a TransportError. */
  get(): Promise<string> {
    const t = this.current;
    if (t && (t.expires === undefined || t.expires - Date.now() > this.margin(t))) {
      return Promise.resolve(t.token);
    }
    return this.refresh();
  }

  /** The router refused the token: the next `get()` fetches a new one. */
  invalidate(): void {
    this.current = null;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private margin(t: Held): number {
    const life = (t.expires ?? t.obtainedAt) - t.obtainedAt;
    return Math.min(this.options.marginMs ?? 60_000, Math.max(0, life / 2));
  }

  private refresh(): Promise<string> {
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    this.fetches += 1;
    let res: Response;
    try {
      res = await doFetch(this.options.url, { headers: { Accept: 'application/json' } });
    } catch {
      throw new TransportError('network', 'Could not reach data-token-url');
    }
    const now = Date.now();
    const token = res.ok ? decodeToken(await res.json().catch(() => null), now) : null;
    if (!token) {
      // 4xx: the site refuses this visitor a token, and will go on refusing; 5xx may pass.
      const fatal = res.status >= 400 && res.status < 500;
      log.warn(`data-token-url answered HTTP ${res.status}${res.ok ? ' without a {token} object' : ''}`);
      throw new TransportError(fatal ? 'auth' : 'network', `Token request failed (HTTP ${res.status})`, {
        retryable: !fatal,
        status: res.status,
      });
    }
    this.current = { ...token, obtainedAt: now };
    this.schedule(this.current);
    return token.token;
  }

  /** Fetch the next token before this one expires; a failed refresh tries again later. */
  private schedule(t: Held): void {
    clearTimeout(this.timer);
    if (t.expires === undefined) return;
    const wait = Math.max(1000, t.expires - this.margin(t) - Date.now());
    this.timer = setTimeout(
      () => {
        this.refresh().catch(() => {
          this.timer = setTimeout(() => void this.refresh().catch(() => {}), 5000);
        });
      },
      Math.min(wait, 2 ** 31 - 1),
    );
  }
}
