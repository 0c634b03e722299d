// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import {
  getToken,
  refusedStatus,
  startTestServer,
  stopTestServers,
  TestClient,
  visitorFrame,
  waitFor,
} from '../test-helpers';
import { getWsChatModule } from './index';

describe('ws-chat connections (flat generation)', () => {
  afterEach(stopTestServers);

  it('revokeTokens() closes sockets with 4001 and refuses the old token; a new token works', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat' });
    const token = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_revoke' });
    const client = await TestClient.connect(server, token.token);

    getWsChatModule(server).revokeTokens();
    expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
    expect(await refusedStatus(server, token.token)).toBe(401);

    const fresh = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_revoke' });
    expect(fresh.customerId).toBe(token.customerId);
    const again = await TestClient.connect(server, fresh.token);
    again.send(visitorFrame(fresh, 'back', 'r-1'));
    expect((await again.next()).content).toBe('back');
  });

  it('dropConnections() cuts sockets abruptly and the server accepts reconnects', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat' });
    const token = await getToken(server);
    const a = await TestClient.connect(server, token.token);
    const b = await TestClient.connect(server, token.token);

    server.dropConnections();
    expect((await a.closed).code).toBe(1006); // no close frame: like a network failure
    expect((await b.closed).code).toBe(1006);

    const again = await TestClient.connect(server, token.token);
    again.send(visitorFrame(token, 'after the drop', 'd-1'));
    expect((await again.next()).content).toBe('after the drop');
  });

  it('pings every socket and terminates one that does not pong', async () => {
    // Long enough that a busy machine still answers in time (a pong late by one period is a drop).
    const server = await startTestServer({ wsChatProtocol: 'flat', pingIntervalMs: 500 });
    const token = await getToken(server);
    const healthy = await TestClient.connect(server, token.token);
    const silent = await TestClient.connect(server, token.token, { autoPong: false });

    expect((await silent.closed).code).toBe(1006);
    await waitFor(() => healthy.pings >= 3, 'three pings to the healthy socket', 15_000);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
  });

  it('close() resolves while clients are connected, and closes them', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat' });
    const token = await getToken(server);
    const a = await TestClient.connect(server, token.token);
    const b = await TestClient.connect(server, token.token);
    await server.close();
    await Promise.all([a.closed, b.closed]);
    await server.close(); // idempotent
  });

  it('stops replying after close() even with replies pending', async () => {
    const server = await startTestServer({ wsChatProtocol: 'flat', replyDelayMs: 60_000 });
    const token = await getToken(server);
    const client = await TestClient.connect(server, token.token);
    client.send(visitorFrame(token, 'hello', 'p-1'));
    await client.next(); // the echo; the bot's reply waits a minute
    await server.close();
    await client.closed;
  });
});
