import { act, cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { mountWidget } from './test-helpers';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  document.documentElement.style.overflow = '';
  document.body.style.overflow = '';
});

/** jsdom has no matchMedia: a phone-sized (or not) screen whose size can change. */
function stubScreen(phone: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches: phone,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
  };
  vi.stubGlobal('matchMedia', () => media);
  return {
    resize(toPhone: boolean) {
      media.matches = toPhone;
      for (const fn of listeners) fn();
    },
  };
}

describe('the page behind the full-screen panel', () => {
  beforeEach(() => {
    document.documentElement.style.overflow = 'scroll';
  });

  it('does not scroll while the panel covers a phone screen, and gets its own overflow back', () => {
    stubScreen(true);
    mountWidget(new EmulatorAdapter());
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(document.documentElement.style.overflow).toBe('hidden');
    expect(document.body.style.overflow).toBe('hidden');
    fireEvent.click(screen.getByRole('button', { name: 'Close chat' }));
    expect(document.documentElement.style.overflow).toBe('scroll');
    expect(document.body.style.overflow).toBe('');
  });

  it('follows the screen turning wider or narrower while open', () => {
    const phone = stubScreen(false);
    mountWidget(new EmulatorAdapter());
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(document.documentElement.style.overflow).toBe('scroll');
    act(() => phone.resize(true));
    expect(document.documentElement.style.overflow).toBe('hidden');
    act(() => phone.resize(false));
    expect(document.documentElement.style.overflow).toBe('scroll');
  });

  it('leaves the page alone in inline mode', () => {
    stubScreen(true);
    mountWidget(new EmulatorAdapter(), { options: { inline: true } });
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(document.documentElement.style.overflow).toBe('scroll');
  });
});

describe('focus', () => {
  it('an inline panel, there from page load, does not take the focus', () => {
    mountWidget(new EmulatorAdapter(), { options: { inline: true } });
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(document.activeElement).toBe(document.body);
  });
});

describe('the end of the log', () => {
  it('stays in view when the log gets shorter (tray, text field, on-screen keyboard)', () => {
    let resized: () => void = () => {};
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(fn: () => void) {
          resized = fn;
        }
        observe() {}
        disconnect() {}
      },
    );
    mountWidget(new EmulatorAdapter());
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const log = screen.getByRole('log');
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 1000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 300 });

    // at the end: a smaller box scrolls to the end again
    log.scrollTop = 700;
    fireEvent.scroll(log);
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 200 });
    resized();
    expect(log.scrollTop).toBe(1000);

    // reading older messages: a smaller box does not move them
    log.scrollTop = 100;
    fireEvent.scroll(log);
    resized();
    expect(log.scrollTop).toBe(100);
  });
});
