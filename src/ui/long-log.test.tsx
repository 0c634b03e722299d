/**
 * Issue 9: a long conversation costs what a short one does. The log renders a window of rows, a
 * new message renders its own row (and the neighbour whose grouping it changes), and new messages
 * are said by a polite region of their own, since the window's rows come and go.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/preact';
import { options, type VNode } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { MessageItem } from './MessageItem';
import { MAX_ROWS } from './MessageList';
import { mountWidget } from './test-helpers';

afterEach(cleanup);

function openWith(count: number) {
  const transport = new EmulatorAdapter();
  const env = mountWidget(transport);
  act(() => {
    for (let i = 0; i < count; i++) transport.receive({ id: `m${i}`, text: `message ${i}` });
  });
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  const log = screen.getByRole('log', { name: 'Messages' });
  const announcer = log.parentElement!.querySelector<HTMLElement>('[aria-live="polite"]')!;
  return { ...env, log, announcer };
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

  it('renders the new message and the neighbour it joins, not the rest of the log', () => {
    const { transport } = openWith(300);
    const count = renders(() => act(() => void transport.receive({ id: 'new', text: 'one more' })));
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(2);
  });

  it('says each new message from the other side once; not what was there, nor the visitor’s own', () => {
    const { transport, store, log, announcer } = openWith(5);
    expect(log.getAttribute('role')).toBe('log');
    expect(announcer.textContent).toBe('');
    act(() => void transport.receive({ id: 'a', text: 'first news', author: { kind: 'bot', name: 'Ada' } }));
    act(() => void store.send('my own words'));
    act(() => void transport.receive({ id: 'b', text: 'second news', author: { kind: 'bot', name: 'Ada' } }));
    act(() => void transport.receive({ id: 'a', text: 'first news', author: { kind: 'bot', name: 'Ada' } }));
    const lines = [...announcer.querySelectorAll('p')].map((p) => p.textContent);
    expect(lines).toEqual(['Ada: first news', 'Ada: second news']);
  });
});
