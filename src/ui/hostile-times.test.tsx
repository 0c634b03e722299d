/**
 * Issue 8, finding 1: one out-of-range timestamp used to stop the log rendering for good
 * (`RangeError: Invalid time value`), and, persisted, kept the panel from opening after a reload.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../core/storage';
import { createTranslator } from '../i18n';
import { createChatStore } from '../store/chat-store';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { ChatPanel } from './ChatPanel';
import { Widget } from './Widget';

afterEach(cleanup);

function open(storage = memoryStore()) {
  const transport = new EmulatorAdapter();
  const store = createChatStore({ transport, storage });
  store.connect();
  const t = createTranslator('en');
  render(
    <Widget
      store={store}
      t={t}
      options={{ title: 'Support', position: 'right', inline: false, theme: 'light' }}
      panel={(slot) => <ChatPanel store={store} t={t} title="Support" {...slot} />}
    />,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return { transport, store, log: screen.getByRole('log') };
}

describe('times a Date cannot hold', () => {
  it.each([
    ['1e17 ms', 1e17],
    ['nanoseconds', 1.7e18],
    ['NaN', Number.NaN],
  ])('a message stamped %s shows, and so do the messages after it', (_why, at) => {
    const { transport, log } = open();
    act(() => void transport.receive({ text: 'from nowhen', at }));
    act(() => void transport.receive({ text: 'the next one' }));
    expect(within(log).getByText('from nowhen')).toBeTruthy();
    expect(within(log).getByText('the next one')).toBeTruthy();
    for (const time of log.querySelectorAll('time'))
      expect(Date.parse(time.getAttribute('datetime') ?? '')).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('a message from the year 200000 shows with its arrival time', () => {
    const { transport, store } = open();
    const before = Date.now();
    act(() => void transport.receive({ text: 'far future', at: 6.25e15 }));
    expect(store.messages.value[0]?.at).toBeGreaterThanOrEqual(before);
    expect(store.messages.value[0]?.at).toBeLessThanOrEqual(Date.now());
  });

  it('a stored conversation holding such a time still opens after a reload', () => {
    const storage = memoryStore();
    const good = { key: 'in:1', direction: 'in', text: 'kept', at: Date.now(), author: { kind: 'bot' } };
    const bad = { ...good, key: 'in:2', text: 'from nowhen', at: 1e17 };
    storage.set('messages', JSON.stringify([good, bad]));
    const { log } = open(storage);
    expect(within(log).getByText('kept')).toBeTruthy();
    expect(within(log).queryByText('from nowhen')).toBeNull();
  });
});
