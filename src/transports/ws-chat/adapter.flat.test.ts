// @vitest-environment node
/**
 * What is specific to the flat generation (seed 001): confirmation by echo (learnt, never waited
 * for), the history call a seed server may not have, and servers that misbehave (a hand-rolled
 * server in the test, for failures the reference server does not produce).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { memoryStore } from '../../core/storage';
import { adapter, onCleanup, server, until } from './test-support';

const flat = { wsChatProtocol: 'flat' } as const;

/** A socket class whose first frame holding `text` never arrives: the link drops instead (a lost echo). */
function losingFirstFrameWith(text: string): typeof WebSocket {
  let lost = false;
  class Losing extends NodeWebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message' && !lost && String(args[0]).includes(text)) {
        lost = true;
        this.terminate();
        return true;
      }
      return super.emit(event, ...args);
    }
  }
  return Losing as unknown as typeof WebSocket;
}

describe('ws-chat adapter, flat generation, against the reference server', () => {
  it('learns that the server echoes, and from then on confirms by the echo', async () => {
    const s = await server(flat);
    const { a, storage, messages } = adapter(s.url);
    a.connect();
    await until(() => a.status === 'connected');
    expect(await a.send({ clientId: 'c-1', text: 'hello' })).toMatchObject({ confirmed: true });
    expect(storage.get('echoes')).toBe('yes');
    expect(a.capabilities.deliveryConfirmation).toBe(true);
    const receipt = await a.send({ clientId: 'c-2', text: 'again' });
    expect(receipt).toMatchObject({ confirmed: true, id: expect.any(String) });
    expect(messages.find((m) => m.clientId === 'c-2')?.author.kind).toBe('visitor');
  });

  it('does not write again a message the gap fill found at the server (its echo lost to a drop)', async () => {
    // The soak found it: the echo went with a drop, the store sent the message again after the
    // reconnect, and a seed server (which knows no clientMessageId) would store it twice.
    const s = await server(flat);
    const frames: string[] = [];
    s.modules.get('ws-chat')?.testing?.onVisitorMessage((_c, text) => frames.push(text));
    const { a } = adapter(s.url, memoryStore(), { WebSocket: losingFirstFrameWith('only once') });
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'c-0', text: 'hello' }); // its echo names the conversation
    await expect(a.send({ clientId: 'c-1', text: 'only once' })).rejects.toMatchObject({
      code: 'disconnected',
    });
    await until(() => a.status === 'connected'); // after the gap fill, which lists it
    // The store sends again what was not confirmed, under the same client id.
    expect(await a.send({ clientId: 'c-1', text: 'only once' })).toMatchObject({
      confirmed: true,
      id: expect.any(String),
    });
    await a.send({ clientId: 'c-2', text: 'next' }); // written after it: the server has had all by now
    expect(frames).toEqual(['hello', 'only once', 'next']);
  });

  it('stops asking for history when the server has no such call', async () => {
    const s = await server(flat);
    const storage = memoryStore();
    const fetches: string[] = [];
    const { a, messages } = adapter(s.url, storage, {
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        fetches.push(new URL(url).pathname);
        if (url.includes('/conversations/')) return Promise.resolve(new Response('no', { status: 404 }));
        return fetch(input, init);
      }) as typeof fetch,
    });
    a.connect();
    await until(() => a.status === 'connected');
    await a.send({ clientId: 'k', text: 'hi' });
    await until(() => messages.some((m) => m.clientId === 'k')); // the echo: the conversation is known
    s.dropConnections();
    await until(() => storage.get('history') === 'no');
    await until(() => a.status === 'connected');
    const asked = fetches.filter((p) => p.includes('/conversations/')).length;
    s.dropConnections();
    await until(() => a.status === 'reconnecting');
    await until(() => a.status === 'connected');
    expect(fetches.filter((p) => p.includes('/conversations/')).length).toBe(asked);
  });
});

describe('ws-chat adapter against misbehaving flat servers', () => {
  async function rawServer(onSocket: (ws: import('ws').WebSocket) => void, refuse = false) {
    const http: Server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/public/customer-token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true, data: { customerId: 'c', token: `cust_${Math.random()}` } }));
      } else res.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    let handshakes = 0;
    http.on('upgrade', (req, socket, head) => {
      handshakes++;
      if (refuse) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, onSocket);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    onCleanup(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          http.closeAllConnections();
          http.close(() => r());
        }),
    );
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, handshakes: () => handshakes };
  }

  it('drops malformed frames with a warning and keeps working', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    onCleanup(() => warn.mockRestore());
    const srv = await rawServer((ws) => {
      ws.send('not json');
      ws.send(JSON.stringify({ content: 42 }));
      ws.send(JSON.stringify({ senderId: 'agent', content: 'x'.repeat(100_000) }));
      ws.send(JSON.stringify({ senderId: 'agent', content: 'valid', conversationId: 'conv' }));
    });
    const { a, messages } = adapter(srv.url);
    a.connect();
    await until(() => messages.length === 1);
    expect(messages[0]?.text).toBe('valid');
    await until(() => a.status === 'connected');
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('asks for a new token once after a refused handshake, then fails with a clear error', async () => {
    const srv = await rawServer(() => {}, true);
    const { a } = adapter(srv.url);
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.code));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    onCleanup(() => warn.mockRestore());
    a.connect();
    await until(() => a.status === 'failed');
    expect(errors).toEqual(['auth']);
    expect(srv.handshakes()).toBe(2);
  });

  it('learns from the first message that a server never echoes, and stops waiting', async () => {
    const srv = await rawServer(() => {});
    const { a, storage } = adapter(srv.url, memoryStore(), { watchdogMs: 100 });
    a.connect();
    await until(() => a.status === 'connected');
    expect(await a.send({ clientId: 'k1', text: 'hi' })).toEqual({ confirmed: false });
    expect(storage.get('echoes')).toBe('no');
    expect(a.capabilities.deliveryConfirmation).toBe(false);
    expect(a.status).toBe('connected');
  });

  it('once a server is known not to echo, three quick sends resolve as soon as they are written', async () => {
    const frames: string[] = [];
    const srv = await rawServer((ws) => ws.on('message', (data) => frames.push(String(data))));
    const storage = memoryStore();
    storage.set('echoes', 'no');
    // A watchdog far longer than any test: a send that waited on it would time the test out.
    const { a } = adapter(srv.url, storage, { watchdogMs: 600_000 });
    a.connect();
    await until(() => a.status === 'connected');
    const receipts = [];
    for (const n of [1, 2, 3]) receipts.push(await a.send({ clientId: `q${n}`, text: `quick ${n}` }));
    expect(receipts).toEqual([{ confirmed: false }, { confirmed: false }, { confirmed: false }]);
    await until(() => frames.length === 3);
  });

  it('treats a silent link as dead once the server is known to echo', async () => {
    const srv = await rawServer(() => {});
    const storage = memoryStore();
    storage.set('echoes', 'yes');
    const { a, statuses } = adapter(srv.url, storage, { watchdogMs: 100 });
    a.connect();
    await until(() => a.status === 'connected');
    await expect(a.send({ clientId: 'k', text: 'hi' })).rejects.toMatchObject({ code: 'disconnected' });
    await until(() => statuses.some((s) => s.reason === 'silent'));
    await until(() => a.status === 'connected');
    expect(srv.handshakes()).toBeGreaterThanOrEqual(2);
  });
});
