/**
 * The heartbeat rules of one nchan socket, with a scripted WebSocket and fake timers (the real
 * nginx runs in adapter.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Heartbeat, SocketLink, type SocketLinkHandlers } from './socket-link';

class ScriptedSocket {
  static last: ScriptedSocket;
  readyState = 0;
  protocol = '';
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string,
  ) {
    ScriptedSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open(protocol = 'ws+meta.nchan') {
    this.protocol = protocol;
    this.readyState = 1;
    this.onopen?.();
  }
  receive(data: unknown) {
    this.onmessage?.({ data });
  }
  pings() {
    return this.sent.filter((s) => s === 'PING').length;
  }
}

function link(heartbeat: Heartbeat) {
  const calls = {
    frames: [] as unknown[],
    pongs: [] as number[],
    answers: [] as string[],
    dead: 0,
    closed: [] as Array<[boolean, number]>,
  };
  const handlers: SocketLinkHandlers = {
    open: () => {},
    frame: (f) => calls.frames.push(f),
    pong: (n) => calls.pongs.push(n),
    heartbeat: (a) => calls.answers.push(a),
    closed: (opened, code) => calls.closed.push([opened, code]),
    dead: () => calls.dead++,
  };
  const l = new SocketLink(
    {
      url: 'ws://nginx/chat/x',
      WebSocket: ScriptedSocket as unknown as typeof WebSocket,
      heartbeat,
      pingMs: 1000,
      pongTimeoutMs: 300,
    },
    handlers,
  );
  return { l, ws: ScriptedSocket.last, calls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('SocketLink', () => {
  it('asks for ws+meta.nchan, pings on open and numbers each write by the PING after it', () => {
    const { l, ws, calls } = link('unknown');
    expect(ws.protocols).toBe('ws+meta.nchan');
    ws.open();
    expect(ws.sent).toEqual(['PING']);
    expect(l.write('{"m":1}')).toBe(2);
    expect(ws.sent).toEqual(['PING', '{"m":1}', 'PING']);
    ws.receive('PONG');
    expect(calls.answers).toEqual(['yes']);
    ws.receive('PONG');
    expect(calls.pongs).toEqual([1, 2]);
  });

  it('splits meta frames, passes plain ones whole when the server refused the subprotocol', () => {
    const meta = link('yes');
    meta.ws.open();
    meta.ws.receive('id: 5:0\ncontent-type: text/plain\n\n{"a":1}');
    expect(meta.calls.frames).toEqual([{ id: '5:0', body: '{"a":1}' }]);
    const plain = link('yes');
    plain.ws.open('');
    plain.ws.receive('{"a":1}');
    expect(plain.calls.frames).toEqual([{ body: '{"a":1}' }]);
  });

  it('calls a backend known to answer dead when a PONG is late, and keeps pinging until then', () => {
    const { ws, calls } = link('yes');
    ws.open();
    ws.receive('PONG');
    vi.advanceTimersByTime(1000);
    expect(ws.pings()).toBe(2);
    vi.advanceTimersByTime(299);
    expect(calls.dead).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls.dead).toBe(1);
  });

  it('learns "no heartbeat" from an unanswered first PING, stops pinging and numbers writes 0', () => {
    const { l, ws, calls } = link('unknown');
    ws.open();
    vi.advanceTimersByTime(300);
    expect(calls.answers).toEqual(['no']);
    expect(calls.dead).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(ws.pings()).toBe(1);
    expect(l.write('{"m":1}')).toBe(0);
  });

  it('learns "no heartbeat" from its PING coming back as a message, and never passes it on', () => {
    const { ws, calls } = link('unknown');
    ws.open();
    ws.receive('id: 7:0\n\nPING');
    expect(calls.answers).toEqual(['no']);
    expect(calls.frames).toEqual([]);
  });

  it('never pings a backend known to have no heartbeat', () => {
    const { ws } = link('no');
    ws.open();
    vi.advanceTimersByTime(5000);
    expect(ws.pings()).toBe(0);
  });

  it('reports a close (before or after open) once, and nothing after its own close()', () => {
    const early = link('unknown');
    early.ws.onclose?.({ code: 1006 });
    expect(early.calls.closed).toEqual([[false, 1006]]);
    const { l, ws, calls } = link('yes');
    ws.open();
    l.close();
    ws.onclose?.({ code: 1000 });
    vi.advanceTimersByTime(10_000);
    expect(calls.closed).toEqual([]);
    expect(calls.dead).toBe(0);
    expect(ws.readyState).toBe(3);
  });
});
