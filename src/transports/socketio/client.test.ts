// @vitest-environment node
/**
 * The client against a scripted WebSocket and a manual clock: frame order, heartbeat direction,
 * CONNECT rules, errors and reconnection, without any real time passing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SocketIoClient, type SocketIoClientEvents, type SocketIoOptions } from './client';
import { FakeTimers, FakeWebSocket } from './test-servers';

const OPEN3 = '0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":50}';
const OPEN4 = '0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":50,"maxPayload":1000}';

function setup(options: Partial<SocketIoOptions> = {}) {
  const timers = new FakeTimers();
  const client = new SocketIoClient({
    url: 'http://test',
    WebSocket: FakeWebSocket,
    timers,
    backoff: { random: () => 0 },
    ...options,
  });
  const log: string[] = [];
  const record = <K extends keyof SocketIoClientEvents>(k: K) =>
    client.on(k, (v) => log.push(v === undefined ? k : `${k}:${JSON.stringify(v)}`));
  record('connect');
  record('disconnect');
  record('connect_error');
  record('reconnect_attempt');
  const ws = () => FakeWebSocket.last!;
  return { client, timers, log, ws };
}

afterEach(() => {
  FakeWebSocket.last = null;
  vi.restoreAllMocks();
});

describe('CONNECT rules', () => {
  it('EIO 4: sends CONNECT with auth first and holds events until the CONNECT answer', () => {
    const { client, ws, log } = setup({ eio: 4, auth: { token: 't' } });
    client.emit('early', 1);
    client.connect();
    expect(ws().url).toBe('ws://test/socket.io/?EIO=4&transport=websocket');
    ws().deliver(OPEN4);
    client.emit('after-open', 2);
    expect(ws().sent).toEqual(['40{"token":"t"}']);
    ws().deliver('40{"sid":"abc"}');
    expect(ws().sent).toEqual(['40{"token":"t"}', '42["early",1]', '42["after-open",2]']);
    expect(log).toEqual(['connect']);
    expect(client.connected).toBe(true);
  });

  it('EIO 3: never sends CONNECT and waits for the server to connect `/`', () => {
    const { client, ws, log } = setup({ eio: 3, path: '/operator/socket.io/', query: { key: 'k' } });
    client.connect();
    client.emit('early');
    expect(ws().url).toBe('ws://test/operator/socket.io/?key=k&EIO=3&transport=websocket');
    ws().deliver(OPEN3);
    expect(ws().sent).toEqual([]);
    ws().deliver('40');
    expect(ws().sent).toEqual(['42["early"]']);
    expect(log).toEqual(['connect']);
  });

  it('EIO 4 against a 2.x server: a clear, fatal error instead of a silent wait', () => {
    const { client, ws, log, timers } = setup({ eio: 4 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    expect(log).toEqual([
      'connect_error:{"message":"the server speaks Engine.IO 3 (Socket.IO 2.x): configure eio 3","code":"protocol","fatal":true}',
    ]);
    expect(ws().closed).toBe(true);
    expect(timers.pending).toBe(0);
  });

  it.each([
    [3 as const, OPEN3, '44"unknown session"'],
    [4 as const, OPEN4, '44{"message":"unknown session","data":null}'],
  ])('EIO %s: CONNECT_ERROR is fatal and stops reconnection', (eio, open, frame) => {
    const { client, ws, log, timers } = setup({ eio });
    client.connect();
    ws().deliver(open);
    ws().deliver(frame);
    expect(log).toEqual(['connect_error:{"message":"unknown session","code":"refused","fatal":true}']);
    expect(timers.pending).toBe(0);
  });
});

describe('heartbeat', () => {
  it('EIO 3: the client pings every pingInterval and gives up when no pong comes within pingTimeout', () => {
    const { client, ws, log, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    timers.advance(100);
    expect(ws().sent).toEqual(['2']);
    ws().deliver('3');
    timers.advance(99);
    expect(ws().sent).toEqual(['2']);
    timers.advance(1);
    expect(ws().sent).toEqual(['2', '2']);
    timers.advance(49);
    expect(client.connected).toBe(true);
    timers.advance(1);
    expect(log).toEqual([
      'connect',
      'disconnect:"ping timeout"',
      'reconnect_attempt:{"attempt":1,"delayMs":500}',
    ]);
  });

  it('EIO 4: the client answers the server ping at once and notices when pings stop', () => {
    const { client, ws, log, timers } = setup({ eio: 4 });
    client.connect();
    ws().deliver(OPEN4);
    ws().deliver('40{"sid":"x"}');
    timers.advance(140);
    ws().deliver('2');
    expect(ws().sent).toEqual(['40', '3']);
    timers.advance(149);
    expect(client.connected).toBe(true);
    timers.advance(1);
    expect(log).toEqual([
      'connect',
      'disconnect:"ping timeout"',
      'reconnect_attempt:{"attempt":1,"delayMs":500}',
    ]);
  });
});

describe('a busy main thread', () => {
  it('EIO 3: a pong deadline that fired late waits once more for the pong queued behind it', () => {
    const { client, ws, log, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    timers.advance(100); // ping sent, pong due within 50
    timers.stall(2000); // the page was busy; the deadline's timer runs first
    expect(client.connected).toBe(true);
    ws().deliver('3'); // the pong that had arrived meanwhile
    timers.advance(100);
    expect(ws().sent).toEqual(['2', '2']);
    expect(log).toEqual(['connect']);
  });

  it('EIO 3: a link that is really dead still closes, one deadline later', () => {
    const { client, ws, log, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    timers.advance(100);
    timers.stall(2000);
    timers.advance(50);
    expect(client.connected).toBe(false);
    expect(log[1]).toBe('disconnect:"ping timeout"');
  });

  it('EIO 4: a ping deadline that fired late waits once more for the ping queued behind it', () => {
    const { client, ws, log, timers } = setup({ eio: 4 });
    client.connect();
    ws().deliver(OPEN4);
    ws().deliver('40{"sid":"x"}');
    timers.stall(5000);
    ws().deliver('2');
    expect(ws().sent).toEqual(['40', '3']);
    expect(log).toEqual(['connect']);
  });
});

describe('a closing socket', () => {
  it('refuses a write instead of dropping it as sent: the event goes on the next link', () => {
    const { client, ws, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    const first = ws();
    first.closing(); // the server said goodbye; the close event has not come yet
    client.emit('messageReceived', { id: 'm1' });
    expect(first.sent).toEqual([]);
    first.drop();
    timers.advance(500); // reconnection delay (backoff with random 0)
    ws().deliver(OPEN3);
    ws().deliver('40');
    expect(ws()).not.toBe(first);
    expect(ws().sent).toEqual(['42["messageReceived",{"id":"m1"}]']);
  });

  it('sends no heartbeat into a closing socket', () => {
    const { client, ws, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    ws().closing();
    timers.advance(100);
    expect(ws().sent).toEqual([]);
  });
});

describe('events and acks', () => {
  it('passes an ack function to handlers when the server asks for one, and answers once', () => {
    const { client, ws } = setup({ eio: 4 });
    const got: unknown[][] = [];
    client.onEvent('ask', (...args) => {
      got.push(args);
      const ack = args[args.length - 1] as (...a: unknown[]) => void;
      ack('answer', 2);
      ack('again');
    });
    client.connect();
    ws().deliver(OPEN4);
    ws().deliver('40{"sid":"x"}');
    ws().deliver('425["ask","q",{"n":1}]');
    expect(got[0]?.slice(0, 2)).toEqual(['q', { n: 1 }]);
    expect(ws().sent).toEqual(['40', '435["answer",2]']);
  });

  it('calls the emitter ack with the server answer', () => {
    const { client, ws } = setup({ eio: 3 });
    const answers: unknown[][] = [];
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    client.emit('sum', 1, 2, (...a: unknown[]) => answers.push(a));
    expect(ws().sent).toEqual(['420["sum",1,2]']);
    ws().deliver('430[3]');
    ws().deliver('430[4]'); // a second ack with the same id is ignored
    expect(answers).toEqual([[3]]);
  });

  it('ignores malformed, binary and foreign-namespace packets', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, ws } = setup({ eio: 3 });
    const got: unknown[] = [];
    client.onEvent('x', (v) => got.push(v));
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    ws().deliver('42["x",');
    ws().deliver(new Uint8Array([4, 1]));
    ws().deliver('42/admin,["x",1]');
    ws().deliver('42[42]');
    ws().deliver('42["x",2]');
    expect(got).toEqual([2]);
    expect(warn).toHaveBeenCalledTimes(3);
  });
});

describe('reconnection', () => {
  it('reconnects with backoff after a lost link and after a server disconnect', () => {
    const { client, ws, log, timers } = setup({ eio: 4 });
    client.connect();
    ws().deliver(OPEN4);
    ws().deliver('40{"sid":"x"}');
    ws().drop();
    expect(log.slice(1)).toEqual([
      'disconnect:"transport close (1006)"',
      'reconnect_attempt:{"attempt":1,"delayMs":500}',
    ]);
    const first = ws();
    timers.advance(500);
    expect(ws()).not.toBe(first);
    ws().drop(); // the attempt fails before the open packet
    expect(log.slice(3)).toEqual([
      'connect_error:{"message":"transport close (1006)","code":"transport","fatal":false}',
      'reconnect_attempt:{"attempt":2,"delayMs":500}',
    ]);
    timers.advance(500);
    ws().deliver(OPEN4);
    ws().deliver('40{"sid":"y"}');
    ws().deliver('41');
    expect(log.slice(5)).toEqual([
      'connect',
      'disconnect:"io server disconnect"',
      // The backoff was reset by the successful CONNECT.
      'reconnect_attempt:{"attempt":1,"delayMs":500}',
    ]);
  });

  it('counts an attempt that never reaches CONNECT as failed after timeoutMs', () => {
    const { client, ws, log, timers } = setup({ eio: 3, timeoutMs: 1000 });
    client.connect();
    // An open packet, but the server never connects `/` (pings answered, so only the timeout acts).
    ws().deliver('0{"sid":"s","upgrades":[],"pingInterval":5000,"pingTimeout":5000}');
    timers.advance(1000);
    expect(ws().closed).toBe(true);
    expect(log).toEqual([
      'connect_error:{"message":"timeout","code":"transport","fatal":false}',
      'reconnect_attempt:{"attempt":1,"delayMs":500}',
    ]);
  });

  it('disconnect() says goodbye, clears every timer and never reconnects', () => {
    const { client, ws, log, timers } = setup({ eio: 3 });
    client.connect();
    ws().deliver(OPEN3);
    ws().deliver('40');
    client.disconnect();
    client.disconnect();
    expect(ws().sent).toEqual(['41']);
    expect(ws().closed).toBe(true);
    expect(log).toEqual(['connect', 'disconnect:"io client disconnect"']);
    expect(timers.pending).toBe(0);
  });
});
