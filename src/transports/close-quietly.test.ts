// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { closeQuietly } from './close-quietly';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it('closes a Node socket that is still connecting without an uncaught error, and runs none of our handlers', async () => {
  // A server that never answers the upgrade keeps the socket in CONNECTING.
  const http = createServer();
  http.on('upgrade', () => {});
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => http.close(resolve)));
  const ws = new NodeWebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  const ran: string[] = [];
  ws.onclose = () => ran.push('close');
  ws.onerror = () => ran.push('error');
  const closed = new Promise((resolve) => ws.once('close', resolve));
  expect(ws.readyState).toBe(NodeWebSocket.CONNECTING);
  closeQuietly(ws as unknown as WebSocket);
  await closed; // the `error` Node's ws emits first found a listener; unhandled it fails the run
  expect(ran).toEqual([]);
});
