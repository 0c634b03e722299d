// @vitest-environment node
/**
 * Issue 8, finding 4: a visitor's user id is a claim. Started with an identity secret, the
 * reference server takes it only signed (HMAC-SHA256, as a site's backend computes it).
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { userHash, verifyUser } from './identity';
import { postJson, startTestServer, stopTestServers } from './test-helpers';

const SECRET = 'a-secret-only-the-site-backend-holds';
afterEach(stopTestServers);

describe('userHash', () => {
  it('is the hex HMAC-SHA256 of the id, as the README shows a backend computing it', () => {
    expect(userHash(SECRET, '42')).toBe(createHmac('sha256', SECRET).update('42').digest('hex'));
    expect(userHash(SECRET, '42')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies only with a secret, and then only the right hash', () => {
    expect(verifyUser(undefined, '42', undefined)).toEqual({ ok: true });
    expect(verifyUser(SECRET, '42', userHash(SECRET, '42'))).toEqual({ ok: true });
    expect(verifyUser(SECRET, '42', userHash(SECRET, '42').toUpperCase())).toEqual({ ok: true });
    expect(verifyUser(SECRET, '42', undefined).ok).toBe(false);
    expect(verifyUser(SECRET, '42', userHash(SECRET, '43')).ok).toBe(false);
    expect(verifyUser(SECRET, '42', userHash('another-secret-of-16+', '42')).ok).toBe(false);
    expect(verifyUser(SECRET, '42', 'short').ok).toBe(false);
  });
});

describe('TWIN session start with an identity secret', () => {
  const start = (body: Record<string, unknown>) =>
    startTestServer({ identitySecret: SECRET }).then((server) =>
      postJson(server, '/api/chats/v1/chats/demo/sessions?x_widget=1', { name: 'Ann', ...body }),
    );

  it.each([
    ['unsigned', { clientExternalId: '42' }],
    ['signed for someone else', { clientExternalId: '42', userHash: userHash(SECRET, '43') }],
    ['signed with another secret', { clientExternalId: '42', userHash: userHash('x'.repeat(20), '42') }],
  ])('refuses a user id %s with 401', async (_why, body) => {
    const res = await start(body);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/userHash/);
  });

  it('takes a signed one, and an anonymous visitor', async () => {
    expect((await start({ clientExternalId: '42', userHash: userHash(SECRET, '42') })).status).toBe(201);
    expect((await start({})).status).toBe(201);
  });
});

describe.each(['flat', 'envelope'] as const)(
  'ws-chat token (%s generation) with an identity secret',
  (generation) => {
    const token = async (body: Record<string, unknown>) => {
      const server = await startTestServer({ identitySecret: SECRET, wsChatProtocol: generation });
      const call = (extra: Record<string, unknown>) =>
        postJson(server, '/api/v1/public/customer-token', { name: 'Ann', channel: 'WEB', ...extra });
      return { first: await call(body), call };
    };
    const customerOf = async (res: Response) =>
      ((await res.json()) as { data: { customerId: string } }).data.customerId;
    const id = (n: string) => ({ channelId: `web_${n}`, channelUserId: `web_${n}` });

    it.each([
      ['unsigned', { userId: '42' }],
      ['signed for someone else', { userId: '42', userHash: userHash(SECRET, '43') }],
    ])('refuses a user id %s with 401', async (_why, body) => {
      const { first } = await token({ ...id('a'), ...body });
      expect(first.status).toBe(401);
    });

    it('a signed id is the same customer from any device; a channel id spelling it is not', async () => {
      const signed = { userId: '42', userHash: userHash(SECRET, '42') };
      const { first, call } = await token({ ...id('laptop'), ...signed });
      expect(first.status).toBe(200);
      const user42 = await customerOf(first);
      expect(await customerOf(await call({ ...id('phone'), ...signed }))).toBe(user42);
      const spoof = await call({ channelId: 'user:42', channelUserId: 'user:42' });
      expect(spoof.status).toBe(200);
      expect(await customerOf(spoof)).not.toBe(user42);
    });
  },
);
