import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Election, electLeader } from './election';
import { broadcastBus, storageBus, type TabBus } from './tab-bus';
import { FakeLockManager, fakeBroadcastChannel } from './test-tabs';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.useRealTimers();
});

function track<T extends Election | TabBus>(x: T): T {
  cleanups.push(() => ('stop' in x ? x.stop() : x.close()));
  return x;
}

const until = (check: () => boolean) =>
  vi.waitFor(() => {
    if (!check()) throw new Error('not yet');
  });

describe('tab bus', () => {
  it('delivers to the other tabs, not back to the sender, and nothing after close', async () => {
    const Channel = fakeBroadcastChannel();
    const a = track(broadcastBus('n', Channel)!);
    const b = track(broadcastBus('n', Channel)!);
    const other = track(broadcastBus('other', Channel)!);
    const got = { a: [] as unknown[], b: [] as unknown[], other: [] as unknown[] };
    a.on((m) => got.a.push(m));
    b.on((m) => got.b.push(m));
    other.on((m) => got.other.push(m));
    a.post({ hello: 1 });
    await until(() => got.b.length === 1);
    expect(got.b).toEqual([{ hello: 1 }]);
    b.close();
    a.post({ hello: 2 });
    b.post({ ignored: true }); // posting on a closed bus is a no-op, not a throw
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual({ a: [], b: [{ hello: 1 }], other: [] });
  });

  it('is null where BroadcastChannel is missing or refuses to open', () => {
    expect(broadcastBus('n', null)).toBeNull();
    const Refusing = class {
      constructor() {
        throw new DOMException('opaque origin', 'SecurityError');
      }
    } as unknown as typeof BroadcastChannel;
    expect(broadcastBus('n', Refusing)).toBeNull();
  });

  it('falls back to storage events, which carry JSON between tabs', () => {
    const values = new Map<string, string>();
    const windows = [new EventTarget(), new EventTarget()];
    const storage = {
      getItem: (k: string) => values.get(k) ?? null,
      removeItem: (k: string) => void values.delete(k),
      setItem(k: string, v: string) {
        values.set(k, v);
        // Browsers fire `storage` in every other tab of the origin; here: in window 1 only.
        windows[1]!.dispatchEvent(
          Object.assign(new Event('storage'), { key: k, newValue: v, storageArea: storage }),
        );
      },
    } as unknown as Storage;
    const a = track(storageBus('n', storage, windows[0] as unknown as Window)!);
    const b = track(storageBus('n', storage, windows[1] as unknown as Window)!);
    const got: unknown[] = [];
    b.on((m) => got.push(m));
    a.post({ same: 1 });
    a.post({ same: 1 });
    expect(got).toEqual([{ same: 1 }, { same: 1 }]);
    expect(a.carriesBlobs).toBe(false);
    expect(values.size).toBe(0); // the scratch key does not linger
    expect(storageBus('n', null, windows[0] as unknown as Window)).toBeNull();
  });
});

describe('leader election with Web Locks', () => {
  it('makes the first tab leader and the next one leader when the first leaves', async () => {
    const locks = new FakeLockManager();
    const a = track(electLeader({ name: 'parley', locks: locks.tab() }));
    await until(() => a.leader);
    const b = track(electLeader({ name: 'parley', locks: locks.tab() }));
    const roles: boolean[] = [];
    b.onChange((leader) => roles.push(leader));
    expect(a.mode).toBe('locks');
    // b waits; give the fake lock manager every chance to grant it wrongly
    await new Promise((r) => setTimeout(r, 5));
    expect(b.leader).toBe(false);
    a.stop();
    expect(a.leader).toBe(false);
    await until(() => b.leader);
    expect(roles).toEqual([true]);
  });

  it('hands over when the leading tab is closed without a word', async () => {
    const locks = new FakeLockManager();
    const tabA = locks.tab();
    const a = track(electLeader({ name: 'parley', locks: tabA }));
    const b = track(electLeader({ name: 'parley', locks: locks.tab() }));
    await until(() => a.leader);
    tabA.vanish();
    await until(() => b.leader);
  });

  it('withdraws a waiting tab on stop, and keeps names apart', async () => {
    const locks = new FakeLockManager();
    const a = track(electLeader({ name: 'one', locks: locks.tab() }));
    const other = track(electLeader({ name: 'two', locks: locks.tab() }));
    const b = track(electLeader({ name: 'one', locks: locks.tab() }));
    const c = track(electLeader({ name: 'one', locks: locks.tab() }));
    await until(() => a.leader && other.leader);
    b.stop();
    a.stop();
    await until(() => c.leader);
    expect(b.leader).toBe(false);
  });

  it('falls back to the heartbeat when the lock manager refuses outright', () => {
    const Channel = fakeBroadcastChannel();
    const refusing = {
      request() {
        throw new TypeError('no');
      },
    };
    const e = track(electLeader({ name: 'x', locks: refusing, bus: track(broadcastBus('x', Channel)!) }));
    expect(e.mode).toBe('heartbeat');
  });
});

describe('leader election without locks', () => {
  it('leads alone when nothing can coordinate', () => {
    const e = track(electLeader({ name: 'x' }));
    expect(e.mode).toBe('alone');
    expect(e.leader).toBe(true);
  });

  function heartbeatTabs() {
    vi.useFakeTimers();
    const Channel = fakeBroadcastChannel();
    const target = new EventTarget() as unknown as Window;
    return (extra: { target?: Window } = {}) => {
      const bus = track(broadcastBus('hb', Channel)!);
      return { bus, election: track(electLeader({ name: 'hb', bus, target, ...extra })) };
    };
  }

  it('lets a newcomer lead when nobody answers, and follow when a leader does', async () => {
    const tab = heartbeatTabs();
    const a = tab().election;
    expect(a.mode).toBe('heartbeat');
    await vi.advanceTimersByTimeAsync(300);
    expect(a.leader).toBe(true);
    const b = tab().election;
    await vi.advanceTimersByTimeAsync(10_000);
    expect([a.leader, b.leader]).toEqual([true, false]);
  });

  it('hands over soon after the leader says goodbye', async () => {
    const tab = heartbeatTabs();
    const a = tab().election;
    await vi.advanceTimersByTimeAsync(300);
    const b = tab().election;
    await vi.advanceTimersByTimeAsync(2000);
    a.stop();
    await vi.advanceTimersByTimeAsync(300); // a quarter beat of jitter at most, plus delivery
    expect(b.leader).toBe(true);
  });

  it('says goodbye on pagehide', async () => {
    vi.useFakeTimers();
    const Channel = fakeBroadcastChannel();
    const pageA = new EventTarget() as unknown as Window;
    const a = track(electLeader({ name: 'hb', bus: track(broadcastBus('hb', Channel)!), target: pageA }));
    await vi.advanceTimersByTimeAsync(300);
    expect(a.leader).toBe(true);
    const b = track(electLeader({ name: 'hb', bus: track(broadcastBus('hb', Channel)!) }));
    await vi.advanceTimersByTimeAsync(2000);
    pageA.dispatchEvent(new Event('pagehide'));
    expect(a.leader).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    expect(b.leader).toBe(true);
    // Back from the back/forward cache: it asks, hears the new leader, and follows.
    pageA.dispatchEvent(new Event('pageshow'));
    await vi.advanceTimersByTimeAsync(5000);
    expect([a.leader, b.leader]).toEqual([false, true]);
  });

  it('takes over when the beats stop without a goodbye', async () => {
    const tab = heartbeatTabs();
    const a = tab();
    await vi.advanceTimersByTimeAsync(300);
    const b = tab().election;
    await vi.advanceTimersByTimeAsync(2000);
    a.bus.close(); // a frozen or killed tab: silence
    await vi.advanceTimersByTimeAsync(2000);
    expect(b.leader).toBe(false); // not yet: silence must last 3.5 beats
    await vi.advanceTimersByTimeAsync(3000);
    expect(b.leader).toBe(true);
  });

  it('settles two leaders on one', async () => {
    vi.useFakeTimers();
    const Channel = fakeBroadcastChannel();
    // Both start before either can hear the other (as two tabs restored at once).
    const a = track(electLeader({ name: 'hb', bus: track(broadcastBus('hb', Channel)!), askMs: 0 }));
    const b = track(electLeader({ name: 'hb', bus: track(broadcastBus('hb', Channel)!), askMs: 0 }));
    await vi.advanceTimersByTimeAsync(5000);
    expect([a.leader, b.leader].filter(Boolean)).toHaveLength(1);
    expect((a.leader ? a : b).id < (a.leader ? b : a).id).toBe(true);
  });
});
