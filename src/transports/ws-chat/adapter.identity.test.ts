// @vitest-environment node
/**
 * Verified identity over ws-chat (issue 8, finding 4), against the reference server started with an
 * identity secret: the adapter sends `userId` + `userHash` with the token request, the server takes
 * the id only signed, and a signed user is the same customer from any device.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adapter, GENERATIONS, server, until } from './test-support';

const SECRET = 'the-site-backend-secret';
const hash = (id: string) => createHmac('sha256', SECRET).update(id).digest('hex');

describe.each(GENERATIONS)('%s generation', (generation) => {
  it('a signed user id connects, and is the same customer on another device', async () => {
    const s = await server({ identitySecret: SECRET, wsChatProtocol: generation });
    const laptop = adapter(s.url, undefined, { protocol: generation, userId: '42', userHash: hash('42') });
    const phone = adapter(s.url, undefined, { protocol: generation, userId: '42', userHash: hash('42') });
    laptop.a.connect();
    phone.a.connect();
    await until(() => laptop.statuses.at(-1)?.status === 'connected');
    await until(() => phone.statuses.at(-1)?.status === 'connected');
    const customer = (storage: typeof laptop.storage) =>
      (JSON.parse(storage.get('session') ?? '{}') as { customerId?: string }).customerId;
    expect(customer(laptop.storage)).toBeDefined();
    expect(customer(phone.storage)).toBe(customer(laptop.storage));
  });

  it('a wrong hash is refused: the adapter fails instead of connecting', async () => {
    const s = await server({ identitySecret: SECRET, wsChatProtocol: generation });
    const { a, statuses } = adapter(s.url, undefined, {
      protocol: generation,
      userId: '42',
      userHash: hash('43'),
    });
    a.connect();
    await until(() => statuses.at(-1)?.status === 'failed');
    expect(statuses.some((st) => st.status === 'connected')).toBe(false);
  });
});
