/**
 * Issue 9: a long conversation costs what a short one does. The log renders a window of rows, a
 * new message renders its own row (and the neighbour whose grouping it changes), and only new
 * messages are announced, however the window's rows come and go.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { options, type VNode } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { MessageItem } from './MessageItem';
import { MAX_ROWS, TAIL_ROWS } from './MessageList';
import { mountWidget } from './test-helpers';

afterEach(cleanup);

function openWith(count: number) {
  const transport = new EmulatorAdapter();
  const env = mountWidget(transport);
  act(() => {
    for (let i = 0; i < count; i++) transport.receive({ id: `m${i}`, text: `message ${i}` });
  });
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return { ...env, log: screen.getByRole('log', { name: 'Messages' }) };
}

/** Gives the log the box jsdom does not lay out. */
function layOut(log: HTMLElement, box: { clientHeight: number; scrollHeight: () => number }) {
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => box.clientHeight });
  Object.defineProperty(log, 'scrollHeight', { configurable: true, get: box.scrollHeight });
}

/** Counts the MessageItem components Preact renders while `fn` runs. */
function renders(fn: () => void): number {
  let count = 0;
  const previous = options.diffed;
  options.diffed = (vnode: VNode) => {
    if (vnode.type === MessageItem) count++;
    previous?.(vnode);
  };
  try {
    fn();
  } finally {
    if (previous) options.diffed = previous;
    else delete options.diffed;
  }
  return count;
}

describe('a long conversation', () => {
  it('renders a window of rows, ending with the newest message', () => {
    const { log } = openWith(2000);
    const rows = log.querySelectorAll('.log__item');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(MAX_ROWS);
    expect(rows[rows.length - 1]!.textContent).toContain('message 1999');
    expect(log.textContent).not.toContain('message 0 ');
  });

  it('follows a burst with its newest rows only, in order and without a gap (what one frame renders is capped)', () => {
    const { transport, log } = openWith(10);
    act(() => {
      for (let i = 10; i < 510; i++) transport.receive({ id: `m${i}`, text: `message ${i}` });
    });
    const texts = [...log.querySelectorAll('.bubble')].map((b) => b.textContent);
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.length).toBeLessThanOrEqual(TAIL_ROWS);
    expect(texts).toEqual(texts.map((_, i) => `message ${510 - texts.length + i}`));
  });

  it('keeps about one and a half screens of rows while following the end, from the rows it measured', () => {
    const { transport, log } = openWith(100);
    // 100 px a row, a 300 px log: 4.5 screens' worth would be 30 rows, 1.5 screens 5 (at least 10).
    layOut(log, { clientHeight: 300, scrollHeight: () => 100 * log.querySelectorAll('[data-row]').length });
    act(() => void transport.receive({ id: 'fit', text: 'measure' }));
    act(() => {
      for (let i = 0; i < 100; i++) transport.receive({ id: `b${i}`, text: `burst ${i}` });
    });
    const rows = log.querySelectorAll('[data-row]').length;
    expect(rows).toBeGreaterThanOrEqual(10);
    expect(rows).toBeLessThan(TAIL_ROWS);
    expect(log.querySelectorAll('[data-row]')[rows - 1]!.textContent).toContain('burst 99');
  });

  it('renders older rows at once when the log cannot scroll (no scrolling could bring them)', () => {
    const { transport, log } = openWith(100);
    const before = log.querySelectorAll('[data-row]').length;
    layOut(log, { clientHeight: 600, scrollHeight: () => 600 });
    act(() => void transport.receive({ id: 'more', text: 'one more' }));
    expect(log.querySelectorAll('[data-row]').length).toBeGreaterThan(before + 1);
  });

  it('renders the new message and the neighbour it joins, not the rest of the log', () => {
    const { transport } = openWith(300);
    const count = renders(() => act(() => void transport.receive({ id: 'new', text: 'one more' })));
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(2);
  });

  it('is a polite log whose rows from before it opened (or brought back by scrolling) are not announced', () => {
    const { transport, log } = openWith(5);
    expect(log.getAttribute('aria-live')).toBe('polite');
    const quiet = log.querySelector('.log__history')!;
    expect(quiet.getAttribute('aria-live')).toBe('off');
    expect(quiet.textContent).toContain('message 4');
    act(() => void transport.receive({ id: 'a', text: 'news', author: { kind: 'bot', name: 'Ada' } }));
    const row = within(log).getByText('news').closest('[data-row]')!;
    expect(row.parentElement).toBe(log);
    expect(quiet.textContent).not.toContain('news');
  });
});
