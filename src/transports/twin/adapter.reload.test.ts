// @vitest-environment node
/**
 * A TWIN post in flight when the page goes away (issue 16, point 6), against the TWIN reference
 * module on 127.0.0.1. TWIN posts carry no id and TWIN has no history call, so the adapter keeps
 * each attempt in storage before fetch is called: a reload that never heard the answer does not
 * post the message again by itself (the store shows it "not confirmed"; the visitor's Retry, a
 * later round, posts it), while a post that failed under a living page is retried as before.
 */
import { type AddressInfo, createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startTwinTestServer, type TwinTestServer } from '../../../server/twin/testing';
import { TransportError } from '../../core/errors';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import type { StatusChange } from '../../core/types';
import { until } from '../socketio/test-servers';
import type { Transport } from '../types';
import { createTwinAdapter } from './adapter';
import type { FetchLike } from './http';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function twinServer(): Promise<{ server: TwinTestServer; posted: string[] }> {
  const server = await startTwinTestServer();
  cleanups.push(() => server.close());
  const posted: string[] = [];
  server.module.testing.onVisitorMessage((_session, text) => posted.push(text));
  return { server, posted };
}

/** One page's adapter on the site's storage, connected. */
async function page(server: TwinTestServer, storage: KeyValueStore, fetch?: FetchLike): Promise<Transport> {
  const a = createTwinAdapter({
    server: server.url,
    chatId: 'demo',
    storage,
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
    ...(fetch ? { fetch } : {}),
  });
  let status: StatusChange['status'] = 'idle';
  a.on('status', (s) => (status = s.status));
  cleanups.push(() => a.disconnect());
  a.connect();
  await until(() => status === 'connected', 'connected');
  return a;
}

const isPost = (url: string) => url.includes('/messages');

/** A port nothing listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A page that goes away while its post is in flight: the request still reaches the server (the
 * browser completes a keepalive fetch after an unload), but its answer never reaches the page.
 */
function unloadingFetch(): { fetch: FetchLike; reached: Promise<void> } {
  let reachedServer = () => {};
  const reached = new Promise<void>((resolve) => (reachedServer = resolve));
  const fetchFn: FetchLike = (url, init) => {
    if (!isPost(url)) return fetch(url, init);
    void fetch(url, init).then(reachedServer);
    return new Promise<Response>(() => {}); // the page is gone: nobody hears the answer
  };
  return { fetch: fetchFn, reached };
}

describe('a post in flight when the page goes away', () => {
  it('is in storage before fetch is called, and goes with keepalive', async () => {
    const { server } = await twinServer();
    const storage = memoryStore();
    const seen: Array<{ stored: string | null; keepalive: boolean | undefined }> = [];
    const spy: FetchLike = (url, init) => {
      if (isPost(url)) seen.push({ stored: storage.get('twin.posting'), keepalive: init.keepalive });
      return fetch(url, init);
    };
    const a = await page(server, storage, spy);
    await a.send({ clientId: 'c1', text: 'hello' });
    expect(seen).toHaveLength(1);
    // client id, when, the page that posted it, the retry round
    expect(JSON.parse(seen[0]!.stored ?? '[]')).toEqual([['c1', expect.any(Number), expect.any(String), 0]]);
    expect(seen[0]!.keepalive).toBe(true);
    // Answered: the record goes (the confirmed send is kept in `twin.sent` instead).
    expect(storage.get('twin.posting')).toBeNull();
  });

  it('is not posted again after a reload: the store is told "unconfirmed"; the visitor\'s retry posts it', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const unloading = unloadingFetch();
    const before = await page(server, storage, unloading.fetch);
    void before.send({ clientId: 'c1', text: 'in flight' });
    await unloading.reached;
    before.disconnect(); // the page reloads

    const after = await page(server, storage);
    // The outbox offers the message again, as it does after every reload.
    const offered = await after.send({ clientId: 'c1', text: 'in flight' }).catch((e: unknown) => e);
    expect(offered).toBeInstanceOf(TransportError);
    expect(offered).toMatchObject({ code: 'unconfirmed', retryable: false });
    await after.send({ clientId: 'c2', text: 'next' });
    // Offered again in the same round (the store had no time to save "failed"): still not posted.
    await expect(after.send({ clientId: 'c1', text: 'in flight' })).rejects.toMatchObject({
      code: 'unconfirmed',
    });
    expect(posted).toEqual(['in flight', 'next']);

    // The visitor decides to send it again (the store's Retry, a new round): now it is posted.
    await expect(after.send({ clientId: 'c1', text: 'in flight', retries: 1 })).resolves.toMatchObject({
      confirmed: true,
    });
    expect(posted).toEqual(['in flight', 'next', 'in flight']);
  });

  it('is not posted again by the tab that takes the connection over either', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore(); // one site: the tabs share storage
    const unloading = unloadingFetch();
    const leader = await page(server, storage, unloading.fetch);
    const follower = await page(server, storage);
    void leader.send({ clientId: 'c1', text: 'from the closing tab' });
    await unloading.reached;
    leader.disconnect();
    await expect(follower.send({ clientId: 'c1', text: 'from the closing tab' })).rejects.toMatchObject({
      code: 'unconfirmed',
    });
    expect(posted).toEqual(['from the closing tab']);
  });
});

describe('an answer whose status came and whose body the page did not read', () => {
  /**
   * The page goes away between the answer's head and its body: Chrome fails the body read during
   * pagehide (measured in the soak: a 201 read as "unreadable", the message shown failed with a
   * Retry that would store it twice), or the page is gone before the read ends.
   */
  function headOnly(body: 'fails' | 'never'): FetchLike {
    return async (url, init) => {
      const res = await fetch(url, init);
      if (!isPost(url)) return res;
      await res.arrayBuffer(); // the server's answer, consumed here: the page never sees it
      const stream = new ReadableStream({
        start(controller) {
          if (body === 'fails') controller.error(new TypeError('Failed to fetch'));
        },
      });
      return new Response(stream, { status: res.status });
    };
  }

  it('a body read that fails: sent (the status said so), and not posted again after a reload', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const a = await page(server, storage, headOnly('fails'));
    const receipt = await a.send({ clientId: 'c1', text: 'stored' });
    expect(receipt).toMatchObject({ confirmed: true, at: expect.any(Number) });
    expect(receipt.id).toBeUndefined(); // the id was in the body
    expect(storage.get('twin.posting')).toBeNull();
    a.disconnect();

    const after = await page(server, storage);
    await expect(after.send({ clientId: 'c1', text: 'stored' })).resolves.toMatchObject({ confirmed: true });
    expect(posted).toEqual(['stored']);
  });

  it('a page gone before the body: the next page knows it arrived (no question to the visitor)', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const a = await page(server, storage, headOnly('never'));
    void a.send({ clientId: 'c1', text: 'stored' });
    await until(() => storage.get('twin.sent') !== null, 'the status recorded');
    a.disconnect(); // the reload

    const after = await page(server, storage);
    await expect(after.send({ clientId: 'c1', text: 'stored' })).resolves.toMatchObject({ confirmed: true });
    expect(posted).toEqual(['stored']);
  });
});

describe('a post that failed while the page was alive', () => {
  /** Posts fail as `how` says while `failing` is set. */
  function failing(how: 'network' | 503) {
    const state = { failing: true };
    const fetchFn: FetchLike = (url, init) => {
      if (!state.failing || !isPost(url)) return fetch(url, init);
      if (how === 'network') return Promise.reject(new TypeError('Failed to fetch'));
      return Promise.resolve(new Response('{"message":"busy"}', { status: 503 }));
    };
    return { state, fetch: fetchFn };
  }

  it('without an answer (a refused connection): this page posts it again, and so does a later page', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    // A real refusal: the post goes to a port nothing listens on (a server restarting).
    const closed = await closedPort();
    const refusing = { on: true };
    const fetchFn: FetchLike = (url, init) =>
      refusing.on && isPost(url)
        ? fetch(url.replace(server.url, `http://127.0.0.1:${closed}`), init)
        : fetch(url, init);
    const a = await page(server, storage, fetchFn);
    await expect(a.send({ clientId: 'c1', text: 'first' })).rejects.toMatchObject({ code: 'network' });
    refusing.on = false;
    await a.send({ clientId: 'c1', text: 'first' }); // the outbox's retry, on the same page
    expect(posted).toEqual(['first']);

    // Refused again, and the page reloads before its outbox tried again: the next page posts it.
    // fetch cannot tell this from an answer cut after the server stored the post, and the page
    // that saw the failure would have posted it again: a reload does not turn that into a
    // question to the visitor about a post that never arrived (the soak lost such messages).
    refusing.on = true;
    await expect(a.send({ clientId: 'c2', text: 'second' })).rejects.toMatchObject({ code: 'network' });
    a.disconnect();
    const after = await page(server, storage);
    await expect(after.send({ clientId: 'c2', text: 'second' })).resolves.toMatchObject({ confirmed: true });
    expect(posted).toEqual(['first', 'second']);
    expect(storage.get('twin.posting')).toBeNull();
  });

  it('with an HTTP answer (503), or while the browser is offline, it is posted again after a reload', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const busy = failing(503);
    const a = await page(server, storage, busy.fetch);
    await expect(a.send({ clientId: 'c1', text: 'first' })).rejects.toMatchObject({
      code: 'network',
      status: 503,
    });
    const offline = failing('network');
    const b = await page(server, storage, offline.fetch);
    vi.stubGlobal('navigator', { onLine: false });
    try {
      await expect(b.send({ clientId: 'c2', text: 'second' })).rejects.toMatchObject({ code: 'network' });
    } finally {
      vi.unstubAllGlobals();
    }
    a.disconnect();
    b.disconnect();
    const after = await page(server, storage);
    await after.send({ clientId: 'c1', text: 'first' });
    await after.send({ clientId: 'c2', text: 'second' });
    expect(posted).toEqual(['first', 'second']);
    expect(storage.get('twin.posting')).toBeNull();
  });
});

describe('a page going away', () => {
  /** The window's listeners, on an EventTarget the test dispatches on. */
  function fakeWindow() {
    const win = new EventTarget();
    const listening = new Set<string>();
    vi.stubGlobal('addEventListener', (type: string, fn: EventListener) => {
      listening.add(type);
      win.addEventListener(type, fn);
    });
    vi.stubGlobal('removeEventListener', (type: string, fn: EventListener) => {
      listening.delete(type);
      win.removeEventListener(type, fn);
    });
    cleanups.push(() => vi.unstubAllGlobals());
    return { win, listening };
  }

  /** Chrome fails the fetch of a page navigating away while it completes the keepalive request. */
  function dyingFetch() {
    const failing = { reject: (_e: Error) => {} };
    let reachedServer = () => {};
    const reached = new Promise<void>((resolve) => (reachedServer = resolve));
    const fetchFn: FetchLike = (url, init) => {
      if (!isPost(url)) return fetch(url, init);
      void fetch(url, init).then(reachedServer);
      return new Promise<Response>((_, reject) => (failing.reject = reject));
    };
    return { fetch: fetchFn, reached, failPost: (e: Error) => failing.reject(e) };
  }

  it('posts nothing more after beforeunload, and leaves the post that failed meanwhile to the next page', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const { win, listening } = fakeWindow();
    const { fetch: dying, reached, failPost } = dyingFetch();
    const a = await page(server, storage, dying);
    const first = a.send({ clientId: 'c1', text: 'in flight' }).catch((e: unknown) => e);
    await reached;
    const unloadListeners = () => [...listening].filter((t) => t === 'beforeunload' || t === 'pagehide');
    expect(unloadListeners()).toEqual(['beforeunload', 'pagehide']);
    win.dispatchEvent(new Event('beforeunload'));
    failPost(new TypeError('Failed to fetch'));
    expect(await first).toMatchObject({ code: 'network' });
    expect(unloadListeners()).toEqual([]); // only while a post is in flight

    // The outbox tries again at once when more messages wait: the dying page posts nothing more.
    await expect(a.send({ clientId: 'c1', text: 'in flight' })).rejects.toMatchObject({
      code: 'disconnected',
    });
    await expect(a.send({ clientId: 'c2', text: 'next' })).rejects.toMatchObject({ code: 'disconnected' });
    expect(posted).toEqual(['in flight']);

    a.disconnect();
    const after = await page(server, storage);
    await expect(after.send({ clientId: 'c1', text: 'in flight' })).rejects.toMatchObject({
      code: 'unconfirmed',
    });
    await after.send({ clientId: 'c2', text: 'next' });
    expect(posted).toEqual(['in flight', 'next']);
  });
  it('a fetch failed during pagehide before the adapter heard pagehide: still left to the next page', async () => {
    const { server, posted } = await twinServer();
    const storage = memoryStore();
    const { win } = fakeWindow();
    const { fetch: dying, reached, failPost } = dyingFetch();
    const a = await page(server, storage, dying);
    const first = a.send({ clientId: 'c1', text: 'in flight' }).catch((e: unknown) => e);
    await reached;
    // No beforeunload (none is dispatched to a page that had no listener when the navigation
    // began). Chrome fails the fetch while it dispatches pagehide, in a microtask that runs after
    // the page's own listener (the store's flush) and before the adapter's (seen in the soak).
    failPost(new TypeError('Failed to fetch'));
    for (let i = 0; i < 50; i++) await Promise.resolve(); // that microtask checkpoint: no task runs
    win.dispatchEvent(new Event('pagehide')); // the adapter's listener, later in the same dispatch
    expect(await first).toMatchObject({ code: 'network' });
    await expect(a.send({ clientId: 'c2', text: 'next' })).rejects.toMatchObject({ code: 'disconnected' });

    a.disconnect();
    const after = await page(server, storage);
    await expect(after.send({ clientId: 'c1', text: 'in flight' })).rejects.toMatchObject({
      code: 'unconfirmed',
    });
    expect(posted).toEqual(['in flight']);
  });
});
