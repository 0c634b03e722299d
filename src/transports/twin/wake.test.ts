/**
 * The TWIN adapter and the browser, through the shared reconnector: it had no wake-up retry before
 * (a laptop waking with the link down waited out the whole backoff), and its timers and listeners
 * must all go with disconnect().
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startTwinTestServer } from '../../../server/twin/testing';
import { memoryStore } from '../../core/storage';
import { until } from '../socketio/test-servers';
import { installFakeBrowser as fakeBrowser } from '../test-browser';
import { createTwinAdapter } from './adapter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  vi.unstubAllGlobals();
});

describe('twin adapter and the browser', () => {
  it('reconnects at once when the network comes back instead of waiting out a long backoff', async () => {
    const browser = fakeBrowser();
    const server = await startTwinTestServer();
    cleanups.push(() => server.close());
    // A backoff far longer than the test may take: only the wake-up can bring the link back.
    const a = createTwinAdapter({
      server: server.url,
      chatId: 'demo',
      storage: memoryStore(),
      WebSocket,
      backoff: { baseMs: 600_000, capMs: 600_000 },
    });
    cleanups.push(() => a.disconnect());
    const statuses: string[] = [];
    a.on('status', (s) => statuses.push(s.status));
    a.connect();
    await until(() => statuses.at(-1) === 'connected', 'connected');
    server.module.dropConnections();
    await until(() => statuses.at(-1) === 'reconnecting', 'reconnecting');
    browser.win.dispatchEvent(new Event('online'));
    await until(() => statuses.at(-1) === 'connected', 'connected again after online');
    expect(statuses.filter((s) => s === 'connected')).toHaveLength(2);
  });

  it('removes its browser listeners on disconnect', async () => {
    const browser = fakeBrowser();
    const server = await startTwinTestServer();
    cleanups.push(() => server.close());
    const a = createTwinAdapter({ server: server.url, chatId: 'demo', storage: memoryStore(), WebSocket });
    const statuses: string[] = [];
    a.on('status', (s) => statuses.push(s.status));
    a.connect();
    await until(() => statuses.at(-1) === 'connected', 'connected');
    expect([...browser.live].sort()).toEqual(['document:visibilitychange', 'window:online']);
    a.disconnect();
    expect(browser.live).toEqual([]);
  });
});
