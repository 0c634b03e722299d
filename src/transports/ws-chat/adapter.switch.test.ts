// @vitest-environment node
/**
 * A visitor from before the server's upgrade: the adapter found the flat generation and keeps a
 * session without a session id, and the server now refuses flat frames with INVALID_FORMAT. What
 * the visitor wrote must reach the server once each, in order, as envelopes, with the widget's
 * real store on top (it queues and re-sends what the adapter gives back).
 */
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/types';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import { server, serverTexts, until, widget } from './test-support';

/** Storage as the old server left it; `echoes` as learnt from it ('yes', 'no', or not yet). */
async function upgradedVisitor(s: RunningServer, echoes?: 'yes' | 'no'): Promise<KeyValueStore> {
  const storage = memoryStore();
  const res = await fetch(`${s.url}/api/v1/public/customer-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Old', channel: 'WEB', channelUserId: 'web_old' }),
  });
  const { data } = (await res.json()) as { data: { customerId: string; token: string } };
  storage.set('session', JSON.stringify({ customerId: data.customerId, token: data.token }));
  storage.set('generation', 'flat');
  storage.set('channelId', 'web_old');
  if (echoes) storage.set('echoes', echoes);
  return storage;
}

const outgoing = (store: ReturnType<typeof widget>['store']) =>
  store.messages.value.filter((m) => m.direction === 'out').map((m) => [m.text, m.state]);

describe('ws-chat adapter, a flat finding meets the current server', () => {
  it('re-sends once, as an envelope, a flat frame the server refused with INVALID_FORMAT', async () => {
    const s = await server({ wsChatProtocol: 'envelope' });
    const storage = await upgradedVisitor(s);
    const { a, store } = widget(s.url, storage);
    a.connect();
    await until(() => a.status === 'connected');
    store.send('hello after the upgrade');
    await until(() => store.messages.value.some((m) => m.text === 'You said: hello after the upgrade'));
    expect(storage.get('generation')).toBe('envelope');
    expect(serverTexts(s)).toEqual(['hello after the upgrade']);
    expect(outgoing(store)).toEqual([['hello after the upgrade', 'sent']]);
  });

  // 'no': every send resolved as soon as it was written, so the adapter re-sends them itself;
  // 'yes': the first waits for an echo, fails as retryable, and the store sends it and the rest again.
  it.each(['no', 'yes'] as const)(
    'three messages written as flat frames (old server echoed: %s) arrive once each, in order',
    async (echoes) => {
      const s = await server({ wsChatProtocol: 'envelope', bot: false });
      const storage = await upgradedVisitor(s, echoes);
      const { a, store } = widget(s.url, storage);
      a.connect();
      await until(() => a.status === 'connected');
      const texts = ['one', 'two', 'three'];
      for (const text of texts) store.send(text);
      await until(() => serverTexts(s).length >= 3 && outgoing(store).every(([, state]) => state === 'sent'));
      expect(storage.get('generation')).toBe('envelope');
      expect(serverTexts(s)).toEqual(texts);
      expect(outgoing(store)).toEqual(texts.map((t) => [t, 'sent']));
    },
  );
});
