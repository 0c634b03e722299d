import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { type MountOptions, mountWidget } from './test-helpers';

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

function openLog(o: Parameters<typeof setup>[0] = {}) {
  const env = setup(o);
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return { ...env, log: screen.getByRole('log') };
}

describe('MessageList', () => {
  it('shows a system message as a notice in the flow, not as a bubble', async () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive({ text: 'This conversation may be recorded.', author: { kind: 'system' } });
    });
    const line = (await within(log).findByText('This conversation may be recorded.')).closest('div')!;
    expect(line.className).toContain('notice');
    expect(log.querySelector('.msg')).toBeNull();
  });

  it('says why the backend refused a message, beside the retry', async () => {
    const { log, store } = openLog({ emulator: { sendMode: 'refuse' } });
    act(() => {
      store.connect();
      store.send('too long');
    });
    expect(await within(log).findByText('Refused by the emulator')).toBeTruthy();
    expect(within(log).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows the visitor and the others distinctly, with sender name and time', async () => {
    const { log, transport, store } = openLog();
    act(() => {
      store.send('Hi');
      transport.receive({ text: 'Hello, how can I help?', author: { kind: 'bot', name: 'Ada' } });
    });
    const mine = (await within(log).findByText('Hi')).closest('.msg')!;
    const theirs = within(log).getByText('Hello, how can I help?').closest('.msg')!;
    expect(mine.className).toContain('msg--out');
    expect(theirs.className).toContain('msg--in');
    expect(within(theirs as HTMLElement).getByText('Ada')).toBeTruthy();
    expect(within(mine as HTMLElement).getByText('You')).toBeTruthy();
    expect(theirs.querySelector('time')?.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('groups consecutive messages of one sender: the name shows once, screen readers still hear it', () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive({ text: 'first', author: { kind: 'bot', name: 'Ada' } });
      transport.receive({ text: 'second', author: { kind: 'bot', name: 'Ada' } });
    });
    expect(log.querySelectorAll('.msg__name')).toHaveLength(1);
    const second = within(log).getByText('second').closest('.msg') as HTMLElement;
    expect(second.textContent).toContain('Ada:');
  });

  it('turns safe URLs into links that open in a new tab, and nothing else', async () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive({
        text: 'See https://example.com/docs. Mail mailto:help@example.com or call tel:+123. Not javascript:alert(1) nor java\tscript:alert(2) nor data:text/html,hi',
      });
    });
    // The formatter is a file of its own, loaded with the first text that may hold a link (RichText).
    const links = await within(log).findAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/docs',
      'mailto:help@example.com',
      'tel:+123',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
    }
    expect(log.textContent).toContain('javascript:alert(1)');
  });

  it('shows hostile markup literally and creates no elements from it', () => {
    const { log, transport } = openLog();
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold?</b>';
    act(() => {
      transport.receive({ text: hostile });
    });
    expect(within(log).getByText(hostile)).toBeTruthy();
    expect(log.querySelector('img, script, b')).toBeNull();
  });

  it('follows new messages while the visitor is at the bottom, not while reading above', () => {
    const { log, transport } = openLog();
    let top = 0;
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => 1000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 300 });
    Object.defineProperty(log, 'scrollTop', {
      configurable: true,
      get: () => top,
      set: (v: number) => {
        top = v;
      },
    });
    act(() => void transport.receive({ text: 'one' }));
    expect(top).toBe(1000);
    top = 100; // the visitor scrolled up to read
    fireEvent.scroll(log);
    act(() => void transport.receive({ text: 'two' }));
    expect(top).toBe(100);

    // Instead, a button offers to jump to what was missed.
    fireEvent.click(screen.getByRole('button', { name: 'Jump to latest messages' }));
    expect(top).toBe(1000);
    expect(screen.queryByRole('button', { name: 'Jump to latest messages' })).toBeNull();
  });

  it('shows operator notices in the flow', () => {
    const { log, transport } = openLog();
    act(() => transport.operator({ operator: { kind: 'operator', id: 'a', name: 'Anna' } }));
    act(() =>
      transport.operator({
        operator: { kind: 'operator', id: 'b', name: 'Boris' },
        previous: { kind: 'operator', id: 'a', name: 'Anna' },
      }),
    );
    expect(within(log).getByText('Anna joined the conversation')).toBeTruthy();
    expect(within(log).getByText('Boris took over from Anna')).toBeTruthy();
  });
});
