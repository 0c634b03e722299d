// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GREETING, HELP_TEXT } from '../bot';
import {
  type Frame,
  getToken,
  startTestServer,
  stopTestServers,
  TestClient,
  type Token,
  visitorFrame,
} from '../test-helpers';
import type { RunningServer } from '../types';

const isBot = (frame: Frame) => frame.senderId === 'bot';
const botSaid = (text: string) => (frame: Frame) => isBot(frame) && frame.content === text;

describe('ws-chat messages (flat generation)', () => {
  let server: RunningServer;
  let token: Token;
  beforeEach(async () => {
    server = await startTestServer({ wsChatProtocol: 'flat' });
    token = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_chat' });
  });
  afterEach(stopTestServers);

  it('echoes a visitor message with its metadata to every socket of the customer', async () => {
    const a = await TestClient.connect(server, token.token);
    const second = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_chat' });
    const b = await TestClient.connect(server, second.token); // another tab, another token
    a.send({ ...visitorFrame(token, 'hello', 'c-1'), metadata: { clientMessageId: 'c-1', orderId: 'O-1' } });

    const echoA = await a.next();
    const echoB = await b.next();
    expect(echoA).toEqual(echoB);
    expect(echoA).toMatchObject({
      channel: 'WEB',
      senderId: token.customerId,
      content: 'hello',
      metadata: { clientMessageId: 'c-1', orderId: 'O-1' },
    });
    expect(typeof echoA.conversationId).toBe('string');
    expect(typeof echoA.id).toBe('string');
    expect(new Date(String(echoA.timestamp)).toISOString()).toBe(echoA.timestamp);
  });

  it('greets on the first message, then answers "You said", with the bot frame shape', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(visitorFrame(token, 'hi', 'c-1'));
    const echo = await client.next();
    const greeting = await client.next();
    const said = await client.next();
    expect(greeting).toMatchObject({
      channel: 'WEB',
      conversationId: echo.conversationId,
      senderId: 'bot',
      senderName: 'Parley bot',
      content: GREETING,
    });
    expect(typeof greeting.id).toBe('string');
    expect(said.content).toBe('You said: hi');

    client.send(visitorFrame(token, 'help', 'c-2'));
    expect((await client.nextMatching(isBot)).content).toBe(HELP_TEXT);
    client.send(visitorFrame(token, 'echo ping', 'c-3'));
    expect((await client.nextMatching(isBot)).content).toBe('ping');
  });

  it('with wsChatEcho false, answers but never echoes to the sending socket (its other sockets still get it)', async () => {
    const quiet = await startTestServer({ wsChatProtocol: 'flat', wsChatEcho: false });
    const ann = await getToken(quiet, { name: 'Ann', channel: 'WEB', channelId: 'web_chat' });
    const a = await TestClient.connect(quiet, ann.token);
    const b = await TestClient.connect(
      quiet,
      (await getToken(quiet, { name: 'Ann', channel: 'WEB', channelId: 'web_chat' })).token,
    );
    a.send(visitorFrame(ann, 'hi', 'c-1'));
    expect((await b.next()).content).toBe('hi');
    // The sender's first frame is the bot's greeting: its own message did not come back.
    expect(await a.next()).toMatchObject({ senderId: 'bot', content: GREETING });
  });

  it('ignores the conversationId and senderId a client claims', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send({ conversationId: 'someone-else', senderId: 'mallory', content: 'x' });
    const echo = await client.next();
    expect(echo.conversationId).not.toBe('someone-else');
    expect(echo.senderId).toBe(token.customerId);
  });

  it('echoes a repeated clientMessageId again but stores and answers it once', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(visitorFrame(token, 'once', 'dup-1'));
    const echo = await client.next();
    await client.nextMatching(botSaid('You said: once'));
    client.send(visitorFrame(token, 'once', 'dup-1'));
    expect(await client.next()).toEqual(echo); // the same frame: same server id
    client.send(visitorFrame(token, 'marker', 'm-1'));
    await client.nextMatching(botSaid('You said: marker'));

    expect(client.frames.filter(botSaid('You said: once'))).toHaveLength(1);
    expect(client.frames.filter(botSaid(GREETING))).toHaveLength(1);
    const history = await fetchHistory(server, String(echo.conversationId), token.token);
    const body = (await history.json()) as { data: Frame[] };
    expect(body.data.filter((frame) => frame.content === 'once')).toHaveLength(1);
  });

  it('ignores malformed frames and keeps the socket working', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send('not json');
    client.send('[1,2]');
    client.send('"text"');
    client.send({ content: 42 });
    client.send({ content: 'x'.repeat(8 * 1024 + 1) });
    client.send({ content: 'bad metadata', metadata: 'nope' });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    client.send(visitorFrame(token, 'still here', 'ok-1'));
    const first = await client.next();
    expect(first.content).toBe('still here');
  });

  it('accepts content of exactly 8 KB', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(visitorFrame(token, 'y'.repeat(8 * 1024), 'big-1'));
    expect(String((await client.next()).content)).toHaveLength(8 * 1024);
  });

  it('keeps one conversation per customer across sockets', async () => {
    const a = await TestClient.connect(server, token.token);
    a.send(visitorFrame(token, 'one', 'k-1'));
    const first = await a.next();
    a.close();
    await a.closed;
    const b = await TestClient.connect(server, token.token);
    b.send(visitorFrame(token, 'two', 'k-2'));
    const second = await b.next();
    expect(second.conversationId).toBe(first.conversationId);
    // Not the first message any more: no second greeting.
    expect((await b.nextMatching(isBot)).content).toBe('You said: two');
  });

  it('serves the history to its customer only', async () => {
    const client = await TestClient.connect(server, token.token);
    client.send(visitorFrame(token, 'remember me', 'h-1'));
    const echo = await client.next();
    await client.nextMatching(botSaid('You said: remember me'));
    const conversationId = String(echo.conversationId);

    const own = await fetchHistory(server, conversationId, token.token);
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await own.json()) as { success: boolean; data: Frame[] };
    expect(body.success).toBe(true);
    expect(body.data.map((frame) => frame.content)).toEqual([
      'remember me',
      GREETING,
      'You said: remember me',
    ]);

    const bearer = await fetch(`${server.url}/api/v1/public/conversations/${conversationId}/messages`, {
      headers: { Authorization: `Bearer ${token.token}` },
    });
    expect(bearer.status).toBe(200);

    const stranger = await getToken(server, { name: 'Eve', channel: 'WEB', channelId: 'web_eve' });
    expect((await fetchHistory(server, conversationId, stranger.token)).status).toBe(403);
    expect((await fetchHistory(server, 'no-such-conversation', token.token)).status).toBe(403);
    expect((await fetchHistory(server, conversationId, 'cust_wrong')).status).toBe(401);
  });
});

function fetchHistory(server: RunningServer, conversationId: string, token: string): Promise<Response> {
  return fetch(
    `${server.url}/api/v1/public/conversations/${encodeURIComponent(conversationId)}/messages?token=${encodeURIComponent(token)}`,
  );
}
