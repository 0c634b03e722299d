// @vitest-environment node
/**
 * A message whose send the page could not see through (issue 16, point 6): the store over the real
 * TWIN adapter and reference module. The page reloads while the post is in flight (the request
 * reaches the server, its answer never reaches the page); the next page shows the message failed
 * and "not confirmed", posts nothing by itself, keeps that across another reload, and posts it
 * again only when the visitor retries.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startTwinTestServer, type TwinTestServer } from '../../server/twin/testing';
import { type KeyValueStore, memoryStore } from '../core/storage';
import { createTwinAdapter } from '../transports/twin/adapter';
import type { FetchLike } from '../transports/twin/http';
import { type ChatStore, createChatStore } from './chat-store';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
const WAIT = { timeout: 20_000, interval: 20 };

/** One page: a store over a TWIN adapter, on the site's storage, connected. */
async function page(server: TwinTestServer, storage: KeyValueStore, fetch?: FetchLike): Promise<ChatStore> {
  const transport = createTwinAdapter({
    server: server.url,
    chatId: 'demo',
    storage,
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
    ...(fetch ? { fetch } : {}),
  });
  const store = createChatStore({ transport, storage });
  cleanups.push(() => store.dispose());
  store.connect();
  await vi.waitFor(() => expect(store.status.value.status).toBe('connected'), WAIT);
  return store;
}

const item = (store: ChatStore, text: string) => store.messages.value.find((m) => m.text === text);

it('a post in flight at a reload: "not confirmed" after it, posted once, and again only on Retry', async () => {
  const server = await startTwinTestServer();
  cleanups.push(() => server.close());
  const posted: string[] = [];
  server.module.testing.onVisitorMessage((_session, text) => posted.push(text));
  const storage = memoryStore();

  // The page goes away while its post is in flight: the request reaches the server (the browser
  // completes a keepalive fetch), its answer never reaches the page.
  const unloading: FetchLike = (url, init) => {
    if (!url.includes('/messages')) return fetch(url, init);
    void fetch(url, init);
    return new Promise<Response>(() => {});
  };
  const first = await page(server, storage, unloading);
  first.send('in flight');
  await vi.waitFor(() => expect(posted).toEqual(['in flight']), WAIT);
  first.dispose(); // the reload (dispose writes what pagehide would)

  const second = await page(server, storage);
  await vi.waitFor(() => expect(item(second, 'in flight')?.state).toBe('failed'), WAIT);
  expect(item(second, 'in flight')).toMatchObject({ unconfirmed: true });
  // The outbox carries on with the next message; the unconfirmed one was not posted again.
  second.send('next');
  await vi.waitFor(() => expect(item(second, 'next')?.state).toBe('sent'), WAIT);
  expect(posted).toEqual(['in flight', 'next']);
  second.dispose();

  // Another reload: still "not confirmed", still not posted; the visitor's Retry posts it.
  const third = await page(server, storage);
  const kept = item(third, 'in flight')!;
  expect(kept).toMatchObject({ state: 'failed', unconfirmed: true });
  third.retry(kept.key);
  await vi.waitFor(() => expect(item(third, 'in flight')?.state).toBe('sent'), WAIT);
  expect(item(third, 'in flight')?.unconfirmed).toBeUndefined();
  expect(posted).toEqual(['in flight', 'next', 'in flight']);
});
