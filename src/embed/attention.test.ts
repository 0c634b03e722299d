import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../core/storage';
import { createChatStore } from '../store/chat-store';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { createAttention } from './attention';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.unstubAllGlobals();
});

function setup(options: { titleBadge?: boolean; sound?: boolean } = {}) {
  const transport = new EmulatorAdapter();
  const store = createChatStore({ transport, storage: memoryStore() });
  const attention = createAttention(store, { titleBadge: false, sound: false, title: 'Support', ...options });
  cleanups.push(
    () => attention.dispose(),
    () => store.dispose(),
  );
  return { transport, store, attention };
}

describe('title badge', () => {
  it('shows the unread count in the page title and restores it when read', () => {
    document.title = 'Shop';
    const { transport, store } = setup({ titleBadge: true });
    transport.receive({ text: 'one' });
    transport.receive({ text: 'two' });
    expect(document.title).toBe('(2) Shop');
    store.setOpen(true);
    expect(document.title).toBe('Shop');
  });

  it('leaves the title alone unless asked', () => {
    document.title = 'Shop';
    const { transport } = setup();
    transport.receive({ text: 'one' });
    expect(document.title).toBe('Shop');
  });
});

describe('sound', () => {
  it('chimes for a message while the panel is closed, not for the visitor or an open panel', () => {
    const start = vi.fn();
    class FakeAudio {
      currentTime = 0;
      destination = {};
      createOscillator = () => ({ frequency: {}, connect: (g: unknown) => g, start, stop: vi.fn() });
      createGain = () => ({
        gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() },
        connect: (d: unknown) => d,
      });
      close = () => Promise.resolve();
    }
    vi.stubGlobal('AudioContext', FakeAudio);
    const { transport, store } = setup({ sound: true });
    transport.receive({ text: 'ding' });
    expect(start).toHaveBeenCalledTimes(1);
    store.setOpen(true);
    transport.receive({ text: 'seen' });
    expect(start).toHaveBeenCalledTimes(1);
  });
});

describe('notifications', () => {
  function fakeNotification(permission: NotificationPermission) {
    const shown: Array<{ title: string; body: string }> = [];
    class FakeNotification {
      static permission: NotificationPermission = permission;
      static requestPermission = vi.fn(async () => {
        FakeNotification.permission = 'granted';
        return 'granted' as const;
      });
      onclick: (() => void) | null = null;
      constructor(title: string, init: { body: string }) {
        shown.push({ title, body: init.body });
      }
      close() {}
    }
    vi.stubGlobal('Notification', FakeNotification);
    return { shown, FakeNotification };
  }

  it('notifies only after the page enabled it, and only while the tab is hidden', async () => {
    const { shown, FakeNotification } = fakeNotification('default');
    const { transport, attention } = setup();
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    transport.receive({ text: 'before enabling' });
    expect(shown).toEqual([]);
    expect(await attention.enableNotifications()).toBe(true);
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    transport.receive({ text: 'a reply' });
    expect(shown).toEqual([{ title: 'Support', body: 'a reply' }]);
    hidden.mockReturnValue('visible');
    transport.receive({ text: 'while looking' });
    expect(shown).toHaveLength(1);
  });

  it('shows a file name with its bidi controls visible, so it cannot pose as another file (issue 8)', async () => {
    const { shown } = fakeNotification('granted');
    const { transport, attention } = setup();
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    await attention.enableNotifications();
    transport.receive({
      text: '',
      attachments: [{ name: 'invoice\u202Efdp.exe', url: 'https://example.com/f/1' }],
    });
    expect(shown.map((n) => n.body)).toEqual(['invoice\uFFFDfdp.exe']);
  });

  it('stays off when the visitor refused', async () => {
    fakeNotification('denied');
    const { attention } = setup();
    expect(await attention.enableNotifications()).toBe(false);
  });
});
