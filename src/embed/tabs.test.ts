/**
 * embed/tabs.ts decides, per page, whether this tab can share the connection with the site's other
 * tabs. A page that cannot coordinate (no localStorage: no shared token either; neither a
 * BroadcastChannel nor storage events) keeps its own adapter and works alone, as one tab always did.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { TabSharedTransport } from '../transports/tabs/shared';
import { shareAcrossTabs } from './tabs';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function share() {
  const built: EmulatorAdapter[] = [];
  const shared = shareAcrossTabs(
    'ws-chat|https://chat.example.com|anon',
    () => {
      const adapter = new EmulatorAdapter();
      built.push(adapter);
      return adapter;
    },
    false,
  );
  return { shared, built };
}

describe('sharing the connection with the other tabs', () => {
  it('works alone with its own adapter when localStorage cannot be used', async () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { shared, built } = share();
    expect(built).toHaveLength(1);
    expect(shared.transport).toBe(built[0]);
    expect(shared.peers).toBeUndefined();
    const statuses: string[] = [];
    shared.transport.on('status', (s) => statuses.push(s.status));
    shared.transport.connect();
    await vi.waitFor(() => expect(statuses).toContain('connected'));
    shared.close();
  });

  it('shares through storage events where there is no BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const { shared } = share();
    expect(shared.transport).toBeInstanceOf(TabSharedTransport);
    expect(shared.peers?.bus.carriesBlobs).toBe(false); // the storage-event bus
    expect(shared.peers?.election.mode).toBe('heartbeat'); // no Web Locks here either
    expect(shared.peers?.shareOpen).toBe(true);
    shared.close();
  });

  it('shares through a BroadcastChannel where there is one', () => {
    const { shared } = share();
    expect(shared.transport).toBeInstanceOf(TabSharedTransport);
    expect(shared.peers?.bus.carriesBlobs).toBe(true);
    shared.close();
  });
});
