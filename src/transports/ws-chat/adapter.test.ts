// @vitest-environment jsdom
/**
 * The adapter's reactions to the browser (online, visibility, sleep) in isolation: a fake socket
 * and a fake token endpoint, since these are about timers and events, not the wire.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { WsChatAdapter } from './adapter';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  /** The server side drops the connection. */
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const tokenFetch = vi.fn(
  async () =>
    new Response(JSON.stringify({ success: true, data: { customerId: 'c1', token: 'cust_1' } }), {
      status: 200,
    }),
);

function make(storage = memoryStore()) {
  const a = new WsChatAdapter({
    server: 'http://chat.test',
    name: 'V',
    channel: 'WEB',
    storage,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch: tokenFetch as unknown as typeof fetch,
    backoff: new Backoff({ baseMs: 60_000, capMs: 60_000, random: () => 0 }),
    tickMs: 1000,
  });
  return a;
}

async function connectedAdapter(storage = memoryStore()) {
  const a = make(storage);
  a.connect();
  await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
  FakeSocket.all[0]!.open();
  // Connected once the gap fill ran (nothing to fill here: no conversation yet).
  await vi.waitFor(() => expect(a.status).toBe('connected'));
  return a;
}

beforeEach(() => {
  FakeSocket.all = [];
  tokenFetch.mockClear();
});
afterEach(() => vi.useRealTimers());

describe('ws-chat adapter and the browser', () => {
  it('reconnects at once when the browser comes back online, instead of waiting out the backoff', async () => {
    const a = await connectedAdapter();
    FakeSocket.all[0]!.drop();
    expect(a.status).toBe('reconnecting');
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    a.disconnect();
  });

  it('reconnects at once when the tab becomes visible', async () => {
    const a = await connectedAdapter();
    FakeSocket.all[0]!.drop();
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    a.disconnect();
  });

  it('replaces the socket after the machine slept', async () => {
    vi.useFakeTimers();
    const a = await connectedAdapter();
    const statuses: string[] = [];
    a.on('status', (s) => statuses.push(`${s.status}:${s.reason ?? ''}`));
    // The clock jumps a minute while no timer ran: what a suspended laptop looks like.
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(1000);
    expect(statuses).toContain('reconnecting:sleep');
    a.disconnect();
  });

  it('stops listening to the browser after disconnect', async () => {
    const a = await connectedAdapter();
    a.disconnect();
    window.dispatchEvent(new Event('online'));
    await Promise.resolve();
    expect(FakeSocket.all).toHaveLength(1);
    expect(a.status).toBe('disconnected');
  });

  it('rejects an unconfirmed message when the link drops, so the store keeps it queued', async () => {
    const storage = memoryStore();
    storage.set('echoes', 'yes'); // a server known to confirm by echo
    const a = await connectedAdapter(storage);
    const sending = a.send({ clientId: 'k1', text: 'hi' });
    FakeSocket.all[0]!.drop();
    await expect(sending).rejects.toMatchObject({ code: 'disconnected' });
    a.disconnect();
  });

  it('puts the token only in the socket URL, never in a log line', async () => {
    const spies = (['log', 'warn', 'error', 'debug'] as const).map((k) =>
      vi.spyOn(console, k).mockImplementation(() => {}),
    );
    const a = await connectedAdapter();
    expect(FakeSocket.all[0]!.url).toBe('ws://chat.test/ws/chat?token=cust_1');
    FakeSocket.all[0]!.onmessage?.({ data: 'garbage' });
    FakeSocket.all[0]!.drop(4001);
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    FakeSocket.all[1]!.drop(4001);
    await vi.waitFor(() => expect(a.status).toBe('failed'));
    const logged = spies.flatMap((s) => s.mock.calls.flat().map(String)).join('\n');
    expect(logged).not.toContain('cust_1');
    expect(logged).not.toContain('token=');
    for (const s of spies) s.mockRestore();
  });
});
