import { afterEach, describe, expect, it, vi } from 'vitest';
import { electLeader } from '../../core/election';
import { TransportError } from '../../core/errors';
import { broadcastBus, type TabBus } from '../../core/tab-bus';
import { FakeLockManager, fakeBroadcastChannel } from '../../core/test-tabs';
import type { IncomingMessage, StatusChange } from '../../core/types';
import { type ContractHarness, transportContract } from '../contract';
import { EmulatorAdapter } from '../emulator/adapter';
import { TabSharedTransport } from './shared';

const NAME = 'parley:test';
const until = (check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout: 10_000, interval: 5 },
  );

/** One browser: tabs share a BroadcastChannel network and a lock manager. */
function browser(reply: (text: string) => string | null = (t) => `echo: ${t}`, refuseConnect = false) {
  const Channel = fakeBroadcastChannel();
  const locks = new FakeLockManager();
  const tabs: Tab[] = [];
  const open = (): Tab => {
    const tabLocks = locks.tab();
    const bus = broadcastBus(NAME, Channel)!;
    const election = electLeader({ name: NAME, locks: tabLocks, bus });
    /** Every adapter this tab built: the first only tells kind and capabilities. */
    const built: EmulatorAdapter[] = [];
    const transport = new TabSharedTransport({
      bus,
      election,
      create: () => {
        const adapter = new EmulatorAdapter({ reply, refuseConnect });
        built.push(adapter);
        return adapter;
      },
    });
    const statuses: StatusChange[] = [];
    const messages: IncomingMessage[] = [];
    transport.on('status', (s) => statuses.push(s));
    transport.on('message', (m) => messages.push(m));
    const tab: Tab = {
      transport,
      bus,
      built,
      statuses,
      messages,
      /** The adapters that held a connection (all but the first). */
      reals: () => built.slice(1),
      crash() {
        tabLocks.vanish();
        bus.close();
      },
    };
    tabs.push(tab);
    return tab;
  };
  return {
    open,
    tabs,
    /** Everything every real adapter was asked to send: the backend's view. */
    sent: () => tabs.flatMap((t) => t.reals().flatMap((a) => a.sent.map((m) => m.text))),
    close() {
      for (const t of tabs) {
        t.transport.close();
        t.bus.close();
      }
    },
  };
}

interface Tab {
  transport: TabSharedTransport;
  bus: TabBus;
  built: EmulatorAdapter[];
  statuses: StatusChange[];
  messages: IncomingMessage[];
  reals(): EmulatorAdapter[];
  crash(): void;
}

const browsers: Array<ReturnType<typeof browser>> = [];
function newBrowser(reply?: (text: string) => string | null, refuseConnect = false) {
  const b = browser(reply, refuseConnect);
  browsers.push(b);
  return b;
}
afterEach(() => {
  for (const b of browsers.splice(0)) b.close();
});

/** Opens two tabs; the first leads and both want the connection. */
async function twoTabs(reply?: (text: string) => string | null) {
  const b = newBrowser(reply);
  const a = b.open();
  await until(() => a.transport.leading);
  const f = b.open();
  a.transport.connect();
  f.transport.connect();
  await until(() => f.statuses.at(-1)?.status === 'connected');
  return { b, a, f };
}

/** The contract's view of one browser: the real adapters behind the tabs are "the backend". */
function harness(b: ReturnType<typeof browser>, tab: Tab): ContractHarness {
  const reals = () => b.tabs.flatMap((t) => t.reals());
  return {
    transport: tab.transport,
    dropConnection: () => {
      for (const a of reals()) a.drop();
    },
    openSockets: () => reals().filter((a) => a.status === 'connected').length,
    delivered: (text) => b.sent().filter((t) => t === text).length,
    dispose: () => {},
  };
}

async function leading(refuse = false) {
  const b = newBrowser(undefined, refuse);
  const tab = b.open();
  await until(() => tab.transport.leading);
  return harness(b, tab);
}

async function following(refuse = false) {
  const b = newBrowser(undefined, refuse);
  const leader = b.open();
  await until(() => leader.transport.leading);
  const follower = b.open();
  return harness(b, follower);
}

// `refused`: the backend behind the leader refuses the connection for good.
transportContract('tab-shared, as the leading tab', () => leading(), { refused: () => leading(true) });
transportContract('tab-shared, as a follower of another tab', () => following(), {
  refused: () => following(true),
});

describe('one connection for all tabs', () => {
  it('connects one real adapter for two tabs; the follower builds none', async () => {
    const { a, f } = await twoTabs();
    expect(a.reals()).toHaveLength(1);
    expect(a.reals()[0]?.status).toBe('connected');
    expect(f.reals()).toHaveLength(0);
    expect(f.transport.leading).toBe(false);
  });

  it('sends a follower message through the leader once and resolves with its receipt', async () => {
    const { b, f } = await twoTabs();
    const receipt = await f.transport.send({ clientId: 'c1', text: 'from tab B' });
    expect(receipt).toMatchObject({ confirmed: true, id: expect.any(String) });
    expect(b.sent()).toEqual(['from tab B']);
  });

  it('gives both tabs every event of the leader', async () => {
    const { a, f } = await twoTabs(() => null);
    const real = a.reals()[0]!;
    const typing: unknown[] = [];
    const errors: unknown[] = [];
    f.transport.on('typing', (t) => typing.push(t));
    f.transport.on('error', (e) => errors.push(e));
    real.receive({ id: 'm1', text: 'reply', answers: [{ text: 'Yes' }] });
    real.receive({ id: 'm2', text: 'a streamed ans', partial: true });
    real.typing(true, 'Anna');
    real.fail(new TransportError('auth', 'refused', { status: 401 }));
    await until(() => errors.length === 1);
    expect(a.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(f.messages).toEqual(a.messages);
    expect(typing).toEqual([{ on: true, author: { kind: 'bot', name: 'Anna' } }]);
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]).toMatchObject({ code: 'auth', message: 'refused', retryable: false, status: 401 });
  });

  it('does not connect until some tab wants to, then connects for it', async () => {
    const b = newBrowser();
    const a = b.open();
    await until(() => a.transport.leading);
    const f = b.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(a.reals()[0]?.status).toBe('idle');
    f.transport.connect();
    await until(() => f.statuses.at(-1)?.status === 'connected');
    expect(a.reals()[0]?.status).toBe('connected');
  });

  it('carries a follower upload, with progress and the file name, and aborts it on request', async () => {
    const { a, f } = await twoTabs();
    const real = a.reals()[0]!;
    const progress: number[] = [];
    const file = new File(['hello world'], 'note.txt', { type: 'text/plain' });
    const result = await f.transport.upload(file, { onProgress: (loaded) => progress.push(loaded) });
    expect(result).toMatchObject({ name: 'note.txt', size: 11, contentType: 'text/plain' });
    expect(progress).toEqual([11]);

    real.uploadMode = 'hold';
    const signals: Array<AbortSignal | undefined> = [];
    const upload = real.upload.bind(real);
    real.upload = (blob, options = {}) => {
      signals.push(options.signal);
      return upload(blob, options);
    };
    const controller = new AbortController();
    const held = f.transport.upload(new Blob(['x'.repeat(10)]), {
      signal: controller.signal,
      onProgress: (loaded) => progress.push(loaded),
    });
    await until(() => progress.length === 2);
    controller.abort();
    await expect(held).rejects.toMatchObject({ code: 'aborted' });
    await until(() => signals[0]?.aborted === true); // the leader's upload was cancelled too
    real.finishUploads();
    expect(real.uploads).toEqual(['note.txt']);
  });

  it('hands the connection to the next tab when the leader is closed, and a pending send goes once', async () => {
    const { b, a, f } = await twoTabs();
    a.reals()[0]!.sendMode = 'hold';
    const pending = f.transport.send({ clientId: 'c-late', text: 'in flight' });
    await until(() => b.sent().length === 1);
    a.crash(); // the page closes: no goodbye, the browser releases its lock
    await until(() => f.transport.leading);
    await until(() => f.statuses.at(-1)?.status === 'connected');
    // The new leader built its own adapter and did the call the old one never answered.
    expect(f.reals()).toHaveLength(1);
    await expect(pending).resolves.toMatchObject({ confirmed: true });
    expect(f.reals()[0]!.sent.map((m) => m.clientId)).toEqual(['c-late']);
  });

  it('offers unanswered calls to a new leader in another tab', async () => {
    const b = newBrowser();
    const a = b.open();
    await until(() => a.transport.leading);
    const c = b.open();
    const f = b.open();
    for (const t of [a, c, f]) t.transport.connect();
    await until(() => f.statuses.at(-1)?.status === 'connected' && c.statuses.at(-1)?.status === 'connected');
    a.reals()[0]!.sendMode = 'hold';
    const pending = f.transport.send({ clientId: 'c9', text: 'again' });
    await until(() => b.sent().length === 1);
    a.transport.close(); // the widget is destroyed in the leading tab: goodbye, then the lock goes
    await until(() => c.transport.leading);
    await expect(pending).resolves.toMatchObject({ confirmed: true });
    expect(c.reals()[0]!.sent.map((m) => m.clientId)).toEqual(['c9']);
    expect(f.statuses.map((s) => s.status)).toContain('reconnecting');
    expect(f.statuses.at(-1)?.status).toBe('connected');
  });

  it('lets the follower disconnect alone, refusing its sends but keeping the leader up', async () => {
    const { a, f } = await twoTabs();
    f.transport.disconnect();
    expect(f.statuses.at(-1)?.status).toBe('disconnected');
    await expect(f.transport.send({ clientId: 'x', text: 'no' })).rejects.toMatchObject({
      code: 'disconnected',
    });
    expect(a.reals()[0]?.status).toBe('connected');
  });

  it('forgets the visitor in the leader when a follower logs out', async () => {
    const { a, f } = await twoTabs();
    f.transport.forget();
    // The follower clears the shared storage at once through its unconnected adapter...
    expect(f.built[0]?.forgotten).toBe(1);
    // ...and the leader forgets the visitor and drops the link.
    await until(() => a.reals()[0]?.forgotten === 1);
    expect(a.reals()[0]?.status).toBe('disconnected');
  });

  it('ignores what is not a well-formed tab message', async () => {
    const { b, a, f } = await twoTabs(() => null);
    for (const junk of [
      null,
      'tx:event',
      { t: 'tx:event', from: 'x' },
      { t: 'tx:event', from: 'x', event: { name: 'message', value: { id: 1 } } },
      { t: 'tx:call', from: 'x', to: 'y', id: 'z', call: { op: 'drop-tables' } },
      { t: 'tx:leader', from: 'evil', status: { status: 'hacked' } },
    ]) {
      a.bus.post(junk);
    }
    a.reals()[0]!.receive({ id: 'ok', text: 'still fine' });
    await until(() => f.messages.length === 1);
    expect(f.messages[0]?.id).toBe('ok');
    expect(b.sent()).toEqual([]);
  });
});

describe('the leading tab acknowledges only what its store took (issue 8, finding 2)', () => {
  it("tells the real adapter when this tab's store could not take a message, so TWIN leaves it unacknowledged", async () => {
    const b = newBrowser();
    const tab = b.open();
    await until(() => tab.transport.leading);
    tab.transport.connect();
    await until(() => tab.statuses.at(-1)?.status === 'connected');
    const real = tab.reals()[0]!;
    // What an adapter sees of its listeners: TWIN acknowledges only when this is true.
    const deliver = (id: string) =>
      (real as unknown as { events: { emit(name: 'message', m: IncomingMessage): boolean } }).events.emit(
        'message',
        { id, text: id, at: Date.now(), author: { kind: 'bot' } },
      );
    expect(deliver('taken')).toBe(true);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const off = tab.transport.on('message', () => {
      throw new Error('the store failed');
    });
    expect(deliver('not kept')).toBe(false);
    off();
    vi.restoreAllMocks();
  });
});
