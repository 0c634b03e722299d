import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../../core/errors';
import { TokenSource } from './token';

/** A fake of the site's token endpoint (the one piece faked here; the integration tests use the real one). */
function endpoint(answer: (n: number) => { status: number; body: unknown }) {
  let calls = 0;
  const fetch = vi.fn(async () => {
    calls += 1;
    const { status, body } = answer(calls);
    return new Response(JSON.stringify(body), { status });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls: () => calls };
}

describe('postoffice token source', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('fetches once and reuses the token while it is fresh', async () => {
    const site = endpoint((n) => ({
      status: 200,
      body: { token: `t${n}`, expires: Date.now() + 3_600_000 },
    }));
    const tokens = new TokenSource({ url: 'https://site.example/token', fetch: site.fetch });
    expect(await tokens.get()).toBe('t1');
    expect(await tokens.get()).toBe('t1');
    expect(site.calls()).toBe(1);
    tokens.stop();
  });

  it('refreshes in the background before expires, so the next handshake has a fresh token', async () => {
    const site = endpoint((n) => ({ status: 200, body: { token: `t${n}`, ttl: 600 } }));
    const tokens = new TokenSource({
      url: 'https://site.example/token',
      fetch: site.fetch,
      marginMs: 60_000,
    });
    expect(await tokens.get()).toBe('t1');
    await vi.advanceTimersByTimeAsync(539_000);
    expect(site.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000); // 60 s before expiry
    expect(site.calls()).toBe(2);
    expect(await tokens.get()).toBe('t2');
    tokens.stop();
  });

  it('never hands out a token about to expire', async () => {
    const site = endpoint((n) => ({ status: 200, body: { token: `t${n}`, ttl: 600 } }));
    const tokens = new TokenSource({ url: 'https://site.example/token', fetch: site.fetch });
    await tokens.get();
    tokens.stop(); // no background refresh: get() itself must notice
    vi.setSystemTime(Date.now() + 599_000);
    expect(await tokens.get()).toBe('t2');
  });

  it('a refusal (4xx) is final, a server error (5xx) or garbage may pass', async () => {
    for (const [status, body, retryable] of [
      [403, { error: 'no' }, false],
      [502, {}, true],
      [200, { nope: 1 }, true],
    ] as const) {
      const tokens = new TokenSource({
        url: 'https://site.example/token',
        fetch: endpoint(() => ({ status, body })).fetch,
      });
      const error = await tokens.get().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: retryable ? 'network' : 'auth', retryable });
    }
  });

  it('invalidate() makes the next get() fetch a new token', async () => {
    const site = endpoint((n) => ({ status: 200, body: { token: `t${n}` } }));
    const tokens = new TokenSource({ url: 'https://site.example/token', fetch: site.fetch });
    expect(await tokens.get()).toBe('t1');
    tokens.invalidate();
    expect(await tokens.get()).toBe('t2');
  });

  it('never logs the token', async () => {
    const site = endpoint(() => ({ status: 200, body: { token: 'secret-token-value', ttl: 1 } }));
    const tokens = new TokenSource({ url: 'https://site.example/token', fetch: site.fetch });
    await tokens.get();
    await vi.advanceTimersByTimeAsync(5_000);
    tokens.stop();
    const logged = vi.mocked(console.warn).mock.calls.flat().join(' ');
    expect(logged).not.toContain('secret-token-value');
  });
});
