import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '../core/errors';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { type MountOptions, mountWidget } from './test-helpers';

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

const launcher = () => screen.getByRole('button', { name: 'Open chat' });
/** The header's live status line (the typing indicator is another status region). */
const connection = () => screen.getByRole('dialog').querySelector('.status [role="status"]')!;
const openPanel = () => {
  fireEvent.click(launcher());
  return screen.getByRole('dialog', { name: 'Support' });
};

describe('Widget: opening and closing', () => {
  it('shows only the launcher until it is clicked', () => {
    setup();
    expect(launcher().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens the panel and focuses the composer', () => {
    setup();
    openPanel();
    expect(launcher().getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' }));
  });

  it('closes on Escape and returns focus to the launcher', () => {
    const { store } = setup();
    openPanel();
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.isOpen.value).toBe(false);
    expect(document.activeElement).toBe(launcher());
  });

  it('closes with the close button and returns focus to the launcher', () => {
    setup();
    openPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Close chat' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcher());
  });

  it('the launcher toggles the panel', () => {
    setup();
    openPanel();
    fireEvent.click(launcher());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(launcher().getAttribute('aria-expanded')).toBe('false');
  });

  it('leaves focus alone when the page closes the panel while focus is elsewhere', () => {
    const { store } = setup();
    const outside = document.body.appendChild(document.createElement('button'));
    openPanel();
    outside.focus();
    act(() => store.setOpen(false));
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });

  it('keeps the draft when the panel closes and opens again', () => {
    setup();
    openPanel();
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), {
      target: { value: 'half a thought' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Close chat' }));
    openPanel();
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe(
      'half a thought',
    );
  });

  it('in inline mode shows the panel without launcher or close button, and Escape does nothing', () => {
    const { store } = setup({ options: { inline: true } });
    const dialog = screen.getByRole('dialog', { name: 'Support' });
    expect(screen.queryByRole('button', { name: 'Open chat' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Close chat' })).toBeNull();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(store.isOpen.value).toBe(true);
  });

  it('sets the accent colour through the CSSOM, not a style attribute string', () => {
    const { container } = setup({ options: { accent: '#0a7' } });
    const root = container.querySelector<HTMLElement>('.parley')!;
    expect(root.style.getPropertyValue('--parley-accent')).toBe('#0a7');
    expect(root.dataset.theme).toBe('light');
  });
});

describe('Widget: unread badge', () => {
  it('counts messages that arrive while closed and clears when opened', () => {
    const { transport } = setup();
    act(() => {
      transport.receive({ text: 'one' });
      transport.receive({ text: 'two' });
    });
    const button = launcher();
    const badge = document.getElementById(button.getAttribute('aria-describedby') ?? '');
    expect(badge?.textContent).toContain('2 unread messages');
    fireEvent.click(button);
    expect(launcher().getAttribute('aria-describedby')).toBeNull();
    expect(screen.queryByText(/unread/)).toBeNull();
  });
});

describe('Widget: connection status', () => {
  it.each([
    ['connecting', 'Connecting…'],
    ['connected', 'Online'],
    ['reconnecting', 'Reconnecting…'],
    ['disconnected', 'Offline'],
    ['failed', 'Connection failed'],
  ] as const)('says %s in words', (status, words) => {
    const { transport } = setup();
    openPanel();
    act(() => transport.emitStatus({ status }));
    expect(connection().textContent).toContain(words);
  });

  it('says when the conversation was taken over by another window, and offers to take it back', () => {
    const { transport } = setup();
    openPanel();
    act(() => transport.emitStatus({ status: 'failed', reason: 'evicted' }));
    expect(connection().textContent).toContain('Open in another window');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('offers a retry when the connection failed, which reconnects', () => {
    const { transport } = setup();
    openPanel();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    act(() => transport.emitStatus({ status: 'failed', reason: 'network' }));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(connection().textContent).toContain('Online');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('offers a retry when the transport reports an error', () => {
    const { transport, store } = setup();
    openPanel();
    act(() => transport.fail(new TransportError('auth', 'Bad token')));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(store.error.value).toBeNull();
  });
});

describe('Widget: panel contents', () => {
  it('the log is a polite live region labelled Messages', () => {
    setup();
    openPanel();
    const log = screen.getByRole('log', { name: 'Messages' });
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(within(screen.getByRole('dialog')).getByRole('button', { name: 'Send' })).toBeTruthy();
  });
});
