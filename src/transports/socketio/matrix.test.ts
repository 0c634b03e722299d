// @vitest-environment node
/**
 * The client against REAL socket.io servers from npm (2.5.1 and 4.8.4) on 127.0.0.1: every
 * generation pairing that should work does, and the ones that cannot fail with an error instead of
 * hanging. TRANSPORTS.md (the twin section) quotes these results.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ConnectError, SocketIoClient, type SocketIoOptions } from './client';
import type { Eio } from './engine';
import { type Flavor, type IoTestServer, startIoServer, startProxy, until } from './test-servers';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(
  flavor: Flavor,
  options: Parameters<typeof startIoServer>[1] = {},
): Promise<IoTestServer> {
  const s = await startIoServer(flavor, options);
  cleanups.push(() => s.stop());
  return s;
}

function client(url: string, eio: Eio, extra: Partial<SocketIoOptions> = {}) {
  const c = new SocketIoClient({ url, eio, WebSocket, backoff: { baseMs: 50, capMs: 200 }, ...extra });
  const seen = { connects: 0, disconnects: [] as string[], errors: [] as ConnectError[], attempts: 0 };
  c.on('connect', () => seen.connects++);
  c.on('disconnect', (r) => seen.disconnects.push(r));
  c.on('connect_error', (e) => seen.errors.push(e));
  c.on('reconnect_attempt', () => seen.attempts++);
  cleanups.push(() => c.disconnect());
  return { c, seen };
}

const WORKING: Array<[string, Flavor, Eio]> = [
  ['socket.io 2.5.1 with EIO 3', 'v2', 3],
  ['socket.io 4.8.4 with EIO 4', 'v4', 4],
  ['socket.io 4.8.4 allowEIO3 with EIO 3', 'v4-eio3', 3],
  ['socket.io 4.8.4 allowEIO3 with EIO 4', 'v4-eio3', 4],
];

describe.each(WORKING)('%s', (_name, flavor, eio) => {
  it('connects; events and acks both ways; an event emitted before CONNECT waits for it', async () => {
    const s = await server(flavor);
    const { c, seen } = client(s.url, eio);
    c.emit('hello', 'before connect', { n: 1 }); // queued: a 4.x server would close the link
    c.connect();
    await until(() => seen.connects === 1, 'connect');
    await until(() => s.hellos.length === 1, 'the queued hello');
    expect(s.hellos[0]).toEqual(['before connect', { n: 1 }]);

    let sum: unknown;
    c.emit('sum', 2, 3, (r: unknown) => {
      sum = r;
    });
    await until(() => sum !== undefined, 'the client ack');
    expect(sum).toBe(5);

    const news: unknown[][] = [];
    c.onEvent('news', (...args) => news.push(args));
    c.onEvent('ask', (q, ack) => (ack as (a: string) => void)(`re:${String(q)}`));
    const socket = s.sockets[0]!;
    socket.emit('news', { a: 1 }, 'x');
    let answer: unknown;
    socket.emit('ask', 'q1', (a: unknown) => {
      answer = a;
    });
    await until(() => news.length === 1 && answer !== undefined, 'server event and server ack');
    expect(news[0]).toEqual([{ a: 1 }, 'x']);
    expect(answer).toBe('re:q1');
    expect(socket.connected).toBe(true);
    expect(seen.disconnects).toEqual([]);
  });

  it('keeps the link alive across several heartbeat intervals', async () => {
    // Intervals a loaded machine cannot outrun by accident (a 200 ms timeout once dropped a healthy
    // link while both cores were busy).
    const s = await server(flavor, { pingInterval: 500, pingTimeout: 10_000 });
    const { c, seen } = client(s.url, eio);
    c.connect();
    await until(() => s.heartbeats >= 3, 'three heartbeats', 30_000);
    expect(seen.disconnects).toEqual([]);
    expect(c.connected).toBe(true);
    expect(s.sockets).toHaveLength(1);
  });

  it('notices a dead link (no close, no traffic) within the heartbeat timeout', async () => {
    const s = await server(flavor, { pingInterval: 200, pingTimeout: 400 });
    const proxy = await startProxy(s.port);
    cleanups.push(() => proxy.close());
    const { c, seen } = client(`http://127.0.0.1:${proxy.port}`, eio, { reconnection: false });
    c.connect();
    await until(() => seen.connects === 1 && s.heartbeats >= 1, 'connect and one heartbeat');
    proxy.blackhole();
    // The heartbeat, not a closed socket, ends it (how fast is for benchmarks, not unit tests).
    await until(() => seen.disconnects.length === 1, 'ping timeout', 10_000);
    expect(seen.disconnects).toEqual(['ping timeout']);
  });

  it('reconnects with backoff after the server restarts on the same port', async () => {
    const first = await startIoServer(flavor);
    const { c, seen } = client(first.url, eio);
    c.connect();
    await until(() => seen.connects === 1, 'connect');
    await first.stop();
    await until(() => seen.disconnects.length === 1 && seen.attempts >= 2, 'a failed attempt while down');
    const second = await server(flavor, { port: first.port });
    await until(() => seen.connects === 2, 'reconnect', 5000);
    expect(second.sockets).toHaveLength(1);
    c.emit('hello', 'again');
    await until(() => second.hellos.length === 1, 'hello after the restart');
  });
});

describe('pairings that cannot work fail clearly', () => {
  it('EIO 4 against socket.io 2.5.1: a fatal connect_error naming the cause, no retry loop', async () => {
    const s = await server('v2');
    const { c, seen } = client(s.url, 4);
    c.connect();
    await until(() => seen.errors.length === 1, 'connect_error', 3000);
    expect(seen.errors[0]).toEqual({
      message: 'the server speaks Engine.IO 3 (Socket.IO 2.x): configure eio 3',
      code: 'protocol',
      fatal: true,
    });
    expect(seen.connects).toBe(0);
    expect(seen.attempts).toBe(0);
  });

  it('EIO 3 against socket.io 4.8.4 without allowEIO3: the upgrade is refused, connect_error each attempt', async () => {
    const s = await server('v4');
    const { c, seen } = client(s.url, 3);
    c.connect();
    await until(() => seen.errors.length >= 2, 'two failed attempts', 3000);
    expect(seen.errors[0]?.fatal).toBe(false);
    expect(seen.connects).toBe(0);
  });

  it.each([
    ['v2', 3],
    ['v4', 4],
    ['v4-eio3', 3],
  ] as Array<[Flavor, Eio]>)(
    '%s EIO %s: a middleware refusal (CONNECT_ERROR) is fatal with its message',
    async (flavor, eio) => {
      const s = await server(flavor, { rejectKey: 'bad' });
      const { c, seen } = client(s.url, eio, { query: { key: 'bad' } });
      c.connect();
      await until(() => seen.errors.length === 1, 'connect_error');
      expect(seen.errors[0]).toEqual({ message: 'unknown session', code: 'refused', fatal: true });
      expect(seen.attempts).toBe(0);
    },
  );
});
