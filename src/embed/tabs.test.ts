/**
 * embed/tabs.ts decides, per page, whether this tab can share the connection with the site's other
 * tabs. A page that cannot coordinate (no localStorage: no shared token either; neither a
 * BroadcastChannel nor storage events) keeps its own adapter and works alone, as one tab always did.
 * Where Web Locks tell it, the site's first tab runs alone until a second tab shows up, and only
 * then loads the sharing code and leads with the adapter it has.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../core/storage';
import { FakeLockManager, fakeBroadcastChannel } from '../core/test-tabs';
import { createChatStore } from '../store/chat-store';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { TabSharedTransport } from '../transports/tabs/shared';
import { shareAcrossTabs, type TabsEnv } from './tabs';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const NAMESPACE = 'ws-chat|https://chat.example.com|anon';

async function share(env?: TabsEnv, options: ConstructorParameters<typeof EmulatorAdapter>[0] = {}) {
  const built: EmulatorAdapter[] = [];
  const shared = await shareAcrossTabs(
    NAMESPACE,
    () => {
      const adapter = new EmulatorAdapter(options);
      built.push(adapter);
      return adapter;
    },
    false,
    env,
  );
  return { shared, built };
}

const until = (check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout: 10_000, interval: 5 },
  );

describe('sharing the connection with the other tabs', () => {
  it('works alone with its own adapter when localStorage cannot be used', async () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { shared, built } = await share();
    expect(built).toHaveLength(1);
    expect(shared.transport).toBe(built[0]);
    const statuses: string[] = [];
    shared.transport.on('status', (s) => statuses.push(s.status));
    shared.transport.connect();
    await vi.waitFor(() => expect(statuses).toContain('connected'));
    shared.close();
  });

  it('shares through storage events where there is no BroadcastChannel', async () => {
    const { shared } = await share({ locks: null, Channel: null });
    expect(shared.transport).toBeInstanceOf(TabSharedTransport);
    const joined = vi.fn();
    shared.attach({ joinTabs: joined });
    const [peers] = joined.mock.calls[0]!;
    expect(peers.bus.carriesBlobs).toBe(false); // the storage-event bus
    expect(peers.election.mode).toBe('heartbeat'); // no Web Locks here either
    expect(peers.shareOpen).toBe(true);
    shared.close();
  });

  it('shares through a BroadcastChannel at once where there are no Web Locks', async () => {
    const { shared } = await share({ locks: null, Channel: fakeBroadcastChannel() });
    expect(shared.transport).toBeInstanceOf(TabSharedTransport);
    const joined = vi.fn();
    shared.attach({ joinTabs: joined });
    expect(joined.mock.calls[0]![0].bus.carriesBlobs).toBe(true);
    shared.close();
  });

  it('the first tab runs alone on its own adapter; when a second shows up it leads with that adapter, and a message typed in the second reaches it once', async () => {
    const locks = new FakeLockManager();
    const Channel = fakeBroadcastChannel();
    const storage = memoryStore();
    const reply = (text: string) => `re: ${text}`;

    const a = await share({ locks: locks.tab(), Channel }, { reply });
    expect(a.shared.transport).not.toBeInstanceOf(TabSharedTransport);
    const storeA = createChatStore({ transport: a.shared.transport, storage });
    a.shared.attach(storeA);
    storeA.connect();
    await until(() => storeA.status.value.status === 'connected');
    storeA.send('alone in A');
    await until(() => storeA.messages.value.some((m) => m.text === 're: alone in A'));

    const b = await share({ locks: locks.tab(), Channel }, { reply });
    expect(b.shared.transport).toBeInstanceOf(TabSharedTransport);
    const storeB = createChatStore({ transport: b.shared.transport, storage: memoryStore() });
    b.shared.attach(storeB);
    storeB.connect();
    // B hears A's conversation from A (its own storage is empty here) and mirrors A's link.
    await until(() => storeB.messages.value.some((m) => m.text === 're: alone in A'));
    await until(() => storeB.status.value.status === 'connected');

    storeB.send('typed in B');
    await until(() => storeA.messages.value.some((m) => m.text === 're: typed in B'));
    await until(() => storeB.messages.value.some((m) => m.text === 're: typed in B'));
    // One adapter connected in A all along (adopted, not rebuilt); B's only adapter never connected.
    expect(a.built).toHaveLength(1);
    expect(a.built[0]!.delivered('typed in B')).toBe(1);
    expect(a.built[0]!.delivered('alone in A')).toBe(1);
    expect(b.built.every((x) => x.sent.length === 0)).toBe(true);
    // A's outbox confirmed it; B hears the state from A's store (it may come after the reply).
    await until(() => storeB.messages.value.find((m) => m.text === 'typed in B')?.state === 'sent');

    storeB.dispose();
    b.shared.close();
    storeA.dispose();
    a.shared.close();
  });

  it('the first tab gives its lock up when it closes alone, so the next tab is alone in turn', async () => {
    const locks = new FakeLockManager();
    const Channel = fakeBroadcastChannel();
    const a = await share({ locks: locks.tab(), Channel });
    expect(a.shared.transport).not.toBeInstanceOf(TabSharedTransport);
    a.shared.close();
    await new Promise((r) => setTimeout(r, 0)); // the browser frees the lock after the tab let it go
    const b = await share({ locks: locks.tab(), Channel });
    expect(b.shared.transport).not.toBeInstanceOf(TabSharedTransport);
    b.shared.close();
  });
});
