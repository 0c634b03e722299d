/**
 * The reference router against the real one's rules (docs/protocols.md), with plain `ws` clients as
 * mailboxes: 400/409/503, eviction, entries left behind after a close, relaying unchanged, silent
 * drops, a ping before every delivery, heartbeats coming back, and the demo bot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, stopTestServers, TestClient, waitFor } from '../test-helpers';
import type { RunningServer } from '../types';
import { BOT_MAILBOX } from './bot';
import { getPostofficeModule, POSTOFFICE_PATH, POSTOFFICE_TOKEN_PATH } from './index';

afterEach(stopTestServers);

function routerUrl(server: RunningServer, query: Record<string, string | number>): string {
  const url = new URL(`${server.url.replace(/^http/, 'ws')}${POSTOFFICE_PATH}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  return url.href;
}

/** Open a mailbox; waits until the router accepted it. */
async function mailbox(server: RunningServer, clientID: string, startTime?: number): Promise<TestClient> {
  const ws = new WebSocket(
    routerUrl(server, startTime === undefined ? { clientID } : { clientID, startTime }),
  );
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

/** The HTTP status of a refused handshake. */
function refusal(server: RunningServer, query: Record<string, string | number>): Promise<number> {
  const ws = new WebSocket(routerUrl(server, query));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    ws.on('error', () => {});
  });
}

const msg = (from: string, to: unknown, content: unknown = 'hi', extra: Record<string, unknown> = {}) => ({
  from,
  to,
  subject: 'chat',
  content,
  type: 'msg',
  ...extra,
});

describe('postoffice reference router', () => {
  it('answers 400 without a clientID', async () => {
    const server = await startTestServer();
    expect(await refusal(server, {})).toBe(400);
  });

  it('refuses (409) a startTime not larger than the one recorded, and accepts a larger one', async () => {
    const server = await startTestServer();
    await mailbox(server, 'user_1', 5000);
    expect(await refusal(server, { clientID: 'user_1', startTime: 5000 })).toBe(409);
    expect(await refusal(server, { clientID: 'user_1', startTime: 4999 })).toBe(409);
    // Go's ParseInt with the error ignored: garbage is 0.
    expect(await refusal(server, { clientID: 'user_1', startTime: 'soon' })).toBe(409);
    await mailbox(server, 'user_1', 5001);
    expect(getPostofficeModule(server).router.recordedStartTime('user_1')).toBe(5001);
  });

  it('closes the older connection abruptly (1006) when the same clientID connects again', async () => {
    const server = await startTestServer();
    const older = await mailbox(server, 'user_2', Date.now());
    const newer = await mailbox(server, 'user_2', Date.now() + 1);
    expect((await older.closed).code).toBe(1006);
    // Frames for the mailbox now reach the newer connection only.
    const sender = await mailbox(server, 'sender', Date.now());
    sender.send(msg('sender', 'user_2', 'for the newest'));
    expect((await newer.next()).content).toBe('for the newest');
    expect(getPostofficeModule(server).router.stats.evicted).toBe(1);
  });

  it('keeps a closed mailbox and its startTime (the real cleanup panics): no startTime after ms gets 409', async () => {
    const server = await startTestServer();
    const first = await mailbox(server, 'user_3', Date.now());
    first.ws.close();
    await first.closed;
    await waitFor(() => getPostofficeModule(server).router.openConnections === 0, 'the close');
    // Without startTime the router takes the current second, smaller than any millisecond value.
    expect(await refusal(server, { clientID: 'user_3' })).toBe(409);
    await mailbox(server, 'user_3', Date.now());
  });

  it('forgets a dead entry after a failed delivery, but not its startTime', async () => {
    const server = await startTestServer();
    const router = getPostofficeModule(server).router;
    const gone = await mailbox(server, 'user_4', 9_000_000_000_000);
    gone.ws.close();
    await gone.closed;
    const sender = await mailbox(server, 'sender', Date.now());
    sender.send(msg('sender', 'user_4', 'into the void'));
    await waitFor(() => router.stats.dropped === 1, 'the dropped delivery');
    expect(router.recordedStartTime('user_4')).toBe(9_000_000_000_000);
    // With no entry left, the startTime check is skipped altogether.
    await mailbox(server, 'user_4', 1);
  });

  it('answers 503 over its connection limit', async () => {
    const server = await startTestServer({ postofficeMaxConnections: 2 });
    await mailbox(server, 'a', Date.now());
    await mailbox(server, 'b', Date.now());
    expect(await refusal(server, { clientID: 'c', startTime: Date.now() })).toBe(503);
  });

  it('does not check the token, unless configured to', async () => {
    const open = await startTestServer();
    await mailbox(open, 'user_5', Date.now()); // no token at all
    const checking = await startTestServer({ postofficeCheckToken: true });
    expect(await refusal(checking, { clientID: 'user_6', startTime: Date.now(), token: 'forged' })).toBe(401);
    const res = await fetch(`${checking.url}${POSTOFFICE_TOKEN_PATH}`);
    const { token } = (await res.json()) as { token: string };
    const ws = new WebSocket(routerUrl(checking, { clientID: 'user_6', startTime: Date.now(), token }));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.terminate();
  });

  it('hands out tokens shaped like the router token call: {token, expires (ms), ttl (s)}', async () => {
    const server = await startTestServer({ postofficeTokenTtlS: 120 });
    const before = Date.now();
    const res = await fetch(`${server.url}${POSTOFFICE_TOKEN_PATH}`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { token: string; expires: number; ttl: number };
    expect(body.token).toMatch(/^\w{16,}$/);
    expect(body.ttl).toBe(120);
    expect(body.expires).toBeGreaterThanOrEqual(before + 120_000);
    expect(getPostofficeModule(server).tokenRequests).toBe(1);
  });

  it('relays frames unchanged to one or several mailboxes, with a ping before each, from not checked', async () => {
    const server = await startTestServer();
    const a = await mailbox(server, 'a', Date.now());
    const b = await mailbox(server, 'b', Date.now());
    const sender = await mailbox(server, 'sender', Date.now());
    const spoofed = msg('the-ceo', ['a', 'b'], { text: 'hi', extra: [1] }, { createTime: 1, custom: true });
    sender.send(spoofed);
    expect(await a.next()).toEqual(spoofed);
    expect(await b.next()).toEqual(spoofed);
    sender.send(msg('sender', 'a', 'second'));
    await a.next();
    expect(a.pings).toBe(2);
    expect(b.pings).toBe(1);
  });

  it('drops non-JSON frames, frames without `to` and frames for offline mailboxes, silently', async () => {
    const server = await startTestServer();
    const router = getPostofficeModule(server).router;
    const a = await mailbox(server, 'a', Date.now());
    const sender = await mailbox(server, 'sender', Date.now());
    sender.send('not json');
    sender.send({ from: 'sender', content: 'no to', type: 'msg', subject: 's' });
    sender.send(msg('sender', 'nobody'));
    sender.send(msg('sender', 'a', 'after the drops'));
    expect((await a.next()).content).toBe('after the drops');
    expect(router.stats.dropped).toBe(3);
    expect(sender.frames).toEqual([]); // nothing tells the sender
    expect(sender.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('returns a heartbeat addressed to its sender, and never times out an idle link', async () => {
    const server = await startTestServer();
    const me = await mailbox(server, 'me', Date.now());
    const hb = {
      from: 'me',
      to: 'me',
      subject: 'Heartbeat',
      content: 'Keep-Alive',
      type: 'heartbeat',
      id: 'x',
    };
    me.send(hb);
    expect(await me.next()).toEqual(hb);
    expect(me.pings).toBe(1); // only the one before the delivery: no idle pings
  });

  it('runs the demo bot as a mailbox: greeting, inReplyTo, createTime in seconds, JSON content', async () => {
    const server = await startTestServer();
    const visitor = await mailbox(server, 'web_v', Date.now());
    visitor.send(msg('web_v', BOT_MAILBOX, 'hello', { id: 'c-1' }));
    const greeting = await visitor.next();
    expect(greeting).toMatchObject({ from: BOT_MAILBOX, to: 'web_v', type: 'msg', inReplyTo: 'c-1' });
    expect(greeting.createTime).toBeLessThan(1e12); // seconds
    expect(await visitor.next()).toMatchObject({ content: 'You said: hello', inReplyTo: 'c-1' });
    visitor.send(msg('web_v', BOT_MAILBOX, 'buttons', { id: 'c-2' }));
    const buttons = await visitor.next();
    expect(buttons.content).toMatchObject({ text: 'Choose one:', answers: expect.any(Array) });
    expect(buttons.createTime).toBeGreaterThan(1e12); // milliseconds
    // Heartbeats to the bot (as the router's own demo sends them) get no answer.
    visitor.send({
      from: 'web_v',
      to: BOT_MAILBOX,
      subject: 'Heartbeat',
      content: 'Keep-Alive',
      type: 'heartbeat',
    });
    // A message sent again with the same id (after a lost link) is answered once.
    visitor.send(msg('web_v', BOT_MAILBOX, 'echo done', { id: 'c-3' }));
    visitor.send(msg('web_v', BOT_MAILBOX, 'echo done', { id: 'c-3' }));
    visitor.send(msg('web_v', BOT_MAILBOX, 'echo last', { id: 'c-4' }));
    expect((await visitor.next()).content).toBe('done');
    expect((await visitor.next()).content).toBe('last');
  });

  it('does not let a visitor take over the bot mailbox', async () => {
    const server = await startTestServer();
    expect(await refusal(server, { clientID: BOT_MAILBOX, startTime: Date.now() })).toBe(409);
  });
});

describe('bounded memory (issue 8: the reference server keeps nothing without bound)', () => {
  it('forgets the oldest mailboxes not connected beyond its count; a connected one stays', async () => {
    const server = await startTestServer({ replyDelayMs: 0, limits: { mailboxes: 3 } });
    const { router } = getPostofficeModule(server);
    const live = await mailbox(server, 'live', 1);
    for (const id of ['a', 'b', 'c']) {
      const gone = await mailbox(server, id, 1);
      gone.close();
      await waitFor(() => router.openConnections === 1, `the router saw ${id} close`);
    }
    // The bot's mailbox, 'live' and the latest are kept: made-up ids cannot grow the router.
    expect(['live', 'a', 'b', 'c'].map((id) => router.recordedStartTime(id))).toEqual([
      1,
      undefined,
      undefined,
      1,
    ]);
    expect(router.recordedStartTime(BOT_MAILBOX)).toBeDefined();
    live.close();
  });

  it('keeps tokens by count, the oldest forgotten first', async () => {
    const server = await startTestServer({ postofficeCheckToken: true, limits: { tokens: 2 } });
    const token = async () =>
      ((await (await fetch(`${server.url}${POSTOFFICE_TOKEN_PATH}`)).json()) as { token: string }).token;
    const first = await token();
    await token();
    const third = await token();
    expect(await refusal(server, { clientID: 'user_t', startTime: 1, token: first })).toBe(401);
    const ws = new WebSocket(routerUrl(server, { clientID: 'user_u', startTime: 1, token: third }));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.terminate();
  });

  it("keeps the bot's visitor texts by bytes (a frame may be 1 MB)", async () => {
    const server = await startTestServer({ replyDelayMs: 0, limits: { historyBytes: 3000 } });
    const postoffice = getPostofficeModule(server);
    const visitor = await mailbox(server, 'web_big');
    for (const [i, letter] of ['a', 'b', 'c'].entries())
      visitor.send(msg('web_big', BOT_MAILBOX, letter.repeat(1400), { id: `big-${i}` }));
    await waitFor(() => postoffice.visitorTexts().includes('c'.repeat(1400)), 'the last text taken');
    expect(postoffice.visitorTexts().map((t) => t[0])).toEqual(['b', 'c']);
  });
});
