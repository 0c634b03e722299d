// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getToken,
  postJson,
  refusedStatus,
  startTestServer,
  stopTestServers,
  TestClient,
} from '../test-helpers';
import type { RunningServer } from '../types';

const TOKEN_PATH = '/api/v1/public/customer-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('ws-chat customer token (flat generation)', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startTestServer({ wsChatProtocol: 'flat' });
  });
  afterEach(stopTestServers);

  it('creates a customer and answers the seed shape', async () => {
    const res = await postJson(server, TOKEN_PATH, { name: 'Ann', channel: 'WEB', channelId: 'web_1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { success: boolean; data: Record<string, string> };
    expect(body.success).toBe(true);
    expect(body.data.customerId).toMatch(UUID);
    expect(body.data.token).toMatch(/^cust_[0-9a-f-]{36}$/);
    expect(body.data).toMatchObject({ name: 'Ann', channel: 'WEB' });
  });

  it('maps the same channelId to the same customer with a new token each time', async () => {
    const first = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_same' });
    const second = await getToken(server, { name: 'Ann B.', channel: 'WEB', channelId: 'web_same' });
    const other = await getToken(server, { name: 'Bob', channel: 'WEB', channelId: 'web_other' });
    expect(second.customerId).toBe(first.customerId);
    expect(second.token).not.toBe(first.token);
    expect(second.name).toBe('Ann B.');
    expect(other.customerId).not.toBe(first.customerId);
  });

  it('keeps old tokens valid', async () => {
    const first = await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_keep' });
    await getToken(server, { name: 'Ann', channel: 'WEB', channelId: 'web_keep' });
    const client = await TestClient.connect(server, first.token);
    client.close();
  });

  it.each([
    [{ channel: 'WEB', channelId: 'x' }, 'name'],
    [{ name: '', channel: 'WEB', channelId: 'x' }, 'name'],
    [{ name: 'Ann', channelId: 'x' }, 'channel'],
    [{ name: 'Ann', channel: 'WEB', channelId: 42 }, 'channelId'],
    [{ name: 'Ann', channel: 'web', channelId: 'x' }, 'channel must be one of WEB'],
    [{ name: 'Ann', channel: 'FAX', channelId: 'x' }, 'channel must be one of'],
    [[1, 2], 'JSON object'],
    ['{not json', 'not valid JSON'],
    [{ name: 'x'.repeat(17 * 1024), channel: 'WEB', channelId: 'x' }, 'larger than 16 KB'],
  ])('answers 400 naming the problem for %j', async (body, message) => {
    const res = await postJson(server, TOKEN_PATH, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const json = (await res.json()) as { success: boolean; error: string };
    expect(json.success).toBe(false);
    expect(json.error).toContain(message);
  });

  it('accepts every channel of the seed', async () => {
    for (const channel of [
      'WEB',
      'WECHAT',
      'WHATSAPP',
      'LINE',
      'TELEGRAM',
      'FACEBOOK',
      'EMAIL',
      'SMS',
      'PHONE',
      'APP',
    ]) {
      const token = await getToken(server, { name: 'Ann', channel, channelId: `id_${channel}` });
      expect(token.channel).toBe(channel);
    }
  });

  it('answers the CORS preflight', async () => {
    const res = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('answers 405 to a GET on the token path', async () => {
    const res = await fetch(`${server.url}${TOKEN_PATH}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
  });

  it('refuses the WebSocket handshake with 401 for an unknown or missing token', async () => {
    expect(await refusedStatus(server, 'cust_00000000-0000-0000-0000-000000000000')).toBe(401);
    expect(await refusedStatus(server, '')).toBe(401);
  });
});
