/**
 * Issue 8, finding 3: storage is keyed by who the visitor is. A page that switches from user A to
 * user B (data-channel-id, data-client-id, data-user-id, Parley.identify) starts a fresh
 * conversation, and what A left on the device is removed, never shown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readJson, writeJson } from '../core/storage';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { parseConfig } from './config';
import { identitySegment, parseIdentity, sameIdentity, withIdentity } from './identity';
import { shareAcrossTabs } from './tabs';
import { storageFor, storageNamespace } from './transport';

const HASH = 'a'.repeat(64);
const config = (extra: Record<string, string> = {}) => {
  const result = parseConfig({ transport: 'ws-chat', server: 'https://chat.example.com', ...extra });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
};

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe('storage keyed by the visitor', () => {
  it.each([
    ['data-channel-id', { channelId: 'user-a' }, { channelId: 'user-b' }],
    ['data-user-id', { userId: 'a' }, { userId: 'b' }],
    ['an anonymous visitor who then logs in', {}, { userId: 'b' }],
    ['a user who then logs out', { userId: 'a' }, {}],
  ])('%s: B starts with nothing of A, and A is gone from the device', (_why, a, b) => {
    const storeA = storageFor(config(a));
    writeJson(storeA, 'messages', [{ text: 'what A wrote' }]);
    storeA.set('session', '{"token":"cust_A"}');
    const storeB = storageFor(config(b));
    expect(storeB.get('messages')).toBeNull();
    expect(storeB.get('session')).toBeNull();
    expect(Object.values(localStorage).join()).not.toContain('what A wrote');
    expect(Object.values(localStorage).join()).not.toContain('cust_A');
  });

  it('TWIN: data-client-id names the visitor too', () => {
    const twin = (clientId: string) =>
      config({ transport: 'twin', chatId: 'demo', clientId }) as ReturnType<typeof config>;
    writeJson(storageFor(twin('a')), 'twin.session', { id: 'A-session' });
    expect(readJson(storageFor(twin('b')), 'twin.session')).toBeNull();
  });

  it('the same visitor keeps their conversation; other backends are left alone', () => {
    writeJson(storageFor(config({ userId: 'a' })), 'messages', ['mine']);
    const other = storageFor({ ...config({ userId: 'z' }), server: 'https://chat.example.com:8443' });
    writeJson(other, 'messages', ['another backend']);
    expect(readJson(storageFor(config({ userId: 'a' })), 'messages')).toEqual(['mine']);
    expect(readJson(other, 'messages')).toEqual(['another backend']);
  });

  it('an id cannot reach into another namespace', () => {
    expect(identitySegment(config({ userId: 'a:b|c' }))).toBe('user:a%3Ab%7Cc');
    expect(storageNamespace(config())).toBe('ws-chat|https://chat.example.com|anon');
  });
});

describe('Parley.identify values', () => {
  it('takes an id with its hash, name and email, or null', () => {
    expect(parseIdentity({ id: '42', hash: HASH.toUpperCase(), name: 'Ann', email: 'a@b.c' })).toEqual({
      id: '42',
      hash: HASH,
      name: 'Ann',
      email: 'a@b.c',
    });
    expect(parseIdentity(null)).toBeNull();
  });

  it.each([
    [undefined],
    ['42'],
    [{ id: 42 }],
    [{ id: '42', hash: 'abc' }],
    [{ id: '' }],
    [{ id: '1', name: 7 }],
  ])('refuses %j with one [parley] error', (value) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(parseIdentity(value)).toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBe('[parley]');
  });

  it('knows when nothing changes', () => {
    const c = withIdentity(config(), { id: '42', hash: HASH });
    expect(c).toMatchObject({ userId: '42', userHash: HASH });
    expect(sameIdentity(c, { id: '42', hash: HASH })).toBe(true);
    expect(sameIdentity(c, { id: '43', hash: HASH })).toBe(false);
    expect(sameIdentity(withIdentity(c, null), null)).toBe(true);
  });
});

describe('data-user-id and data-user-hash', () => {
  it('are read, the hash in lower case', () => {
    expect(config({ userId: '42', userHash: HASH.toUpperCase() })).toMatchObject({
      userId: '42',
      userHash: HASH,
    });
  });

  it.each([
    [{ userId: '42', userHash: 'not-hex' }, 'data-user-hash='],
    [{ userHash: HASH }, 'data-user-hash needs data-user-id'],
    [
      { transport: 'twin', chatId: 'demo', userId: '42', clientId: 'c' },
      'data-client-id="c" and data-user-id',
    ],
  ])('refuse %j with one error', (extra, message) => {
    const result = parseConfig({ transport: 'ws-chat', server: 'https://chat.example.com', ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.stringContaining(message)]);
  });

  it('warn when the id is not signed', () => {
    const result = parseConfig({ transport: 'ws-chat', server: 'https://c.example', userId: '42' });
    expect(result.warnings).toEqual([expect.stringContaining('data-user-id without data-user-hash')]);
  });
});

describe('two widgets on one page (issue 8 regression)', () => {
  it('never exchange tokens: each backend has its own storage', () => {
    const a = storageFor(config({ channelId: 'same-visitor' }));
    const b = storageFor({ ...config({ channelId: 'same-visitor' }), server: 'https://other.example.com' });
    a.set('session', '{"token":"cust_A"}');
    b.set('session', '{"token":"cust_B"}');
    expect(a.get('session')).toBe('{"token":"cust_A"}');
    expect(b.get('session')).toBe('{"token":"cust_B"}');
  });
});

describe('tabs of two visitors never share a connection (finding 3 with tab sharing)', () => {
  it('the channel the tabs of a site talk on names the visitor, as storage does', async () => {
    const names: string[] = [];
    class RecordingChannel {
      onmessage: unknown = null;
      constructor(name: string) {
        names.push(name);
      }
      postMessage() {}
      close() {}
    }
    vi.stubGlobal('BroadcastChannel', RecordingChannel);
    try {
      for (const userId of ['a', 'b'])
        (
          await shareAcrossTabs(storageNamespace(config({ userId })), () => new EmulatorAdapter(), false)
        ).close();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(names).toHaveLength(2);
    expect(names[0]).toContain('user:a');
    expect(names[1]).toContain('user:b');
  });
});
