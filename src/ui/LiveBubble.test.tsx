import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { options, type VNode } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage } from '../core/types';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { LiveBubble } from './LiveBubble';
import { MessageItem } from './MessageItem';
import { mountWidget } from './test-helpers';

/** The emulator plus what a streaming backend does: chunk updates and "regenerate". */
class StreamingEmulator extends EmulatorAdapter {
  readonly regenerated: string[] = [];
  chunk(msg: IncomingMessage): void {
    this.events.emit('messageUpdated', msg);
  }
  regenerate(id: string): boolean {
    this.regenerated.push(id);
    return true;
  }
}

afterEach(cleanup);

function openLog() {
  const env = mountWidget(new StreamingEmulator());
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return { ...env, log: screen.getByRole('log') };
}

const answer = (text: string, partial = true): IncomingMessage => ({
  id: 's:9',
  text,
  at: Date.now(),
  author: { kind: 'bot', name: 'Bot' },
  ...(partial ? { partial: true } : {}),
});

/** Counts renders per component while `fn` runs (Preact's `diffed` hook sees every vnode). */
function rendersDuring(fn: () => void): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  const previous = options.diffed;
  options.diffed = (vnode: VNode) => {
    counts.set(vnode.type, (counts.get(vnode.type) ?? 0) + 1);
    previous?.(vnode);
  };
  try {
    fn();
  } finally {
    Object.assign(options, { diffed: previous });
  }
  return counts;
}

describe('a streaming answer on screen', () => {
  it('grows in one bubble; a chunk re-renders that bubble and no message row', () => {
    const { log, transport } = openLog();
    act(() => {
      for (let i = 0; i < 20; i++) transport.receive({ text: `older ${i}` });
      transport.receive(answer('Once'));
    });
    const row = within(log).getByText('Once').closest('.msg') as HTMLElement;
    const older = within(log).getByText('older 0');
    const counts = rendersDuring(() => act(() => transport.chunk(answer('Once upon a time'))));
    expect(within(log).getByText('Once upon a time').closest('.msg')).toBe(row);
    expect(log.querySelectorAll('.bubble--live')).toHaveLength(1);
    expect(counts.get(LiveBubble)).toBe(1);
    expect(counts.get(MessageItem) ?? 0).toBe(0);
    expect(within(log).getByText('older 0')).toBe(older);
  });

  it('is hidden from screen readers while it grows, then shown as a new row once, whole', () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive(answer('Once'));
    });
    const live = within(log).getByText('Once').closest('.msg') as HTMLElement;
    expect(live.getAttribute('aria-hidden')).toBe('true');
    act(() => transport.chunk(answer('Once upon')));
    act(() => transport.chunk(answer('Once upon a time.', false)));
    const final = within(log).getByText('Once upon a time.').closest('.msg') as HTMLElement;
    expect(final).not.toBe(live);
    expect(live.isConnected).toBe(false);
    expect(final.hasAttribute('aria-hidden')).toBe(false);
    expect(log.querySelectorAll('.bubble--live')).toHaveLength(0);
    expect(log.querySelectorAll('.msg')).toHaveLength(1);
  });

  it('keeps the end of the log in view as it grows, when the visitor was there', () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive(answer('a'));
    });
    let height = 500;
    Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 300 });
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => height });
    log.scrollTop = 200; // at the end
    const bubble = log.querySelector('.bubble--live') as HTMLElement;
    let bubbleHeight = 20;
    Object.defineProperty(bubble, 'offsetHeight', { configurable: true, get: () => bubbleHeight });
    height = 560;
    bubbleHeight = 80;
    act(() => transport.chunk(answer('a longer text')));
    expect(log.scrollTop).toBe(560);
  });

  it('leaves a visitor reading older messages where they are while it grows', () => {
    const { log, transport } = openLog();
    act(() => {
      transport.receive(answer('a'));
    });
    let height = 2000;
    Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 300 });
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => height });
    log.scrollTop = 400; // far from the end: reading back
    const bubble = log.querySelector('.bubble--live') as HTMLElement;
    let bubbleHeight = 20;
    Object.defineProperty(bubble, 'offsetHeight', { configurable: true, get: () => bubbleHeight });
    height = 2060;
    bubbleHeight = 80;
    act(() => transport.chunk(answer('a longer text')));
    expect(log.scrollTop).toBe(400);
  });
});

describe('regenerate and the failure reason', () => {
  it('offers "Regenerate answer" under the last answer only, and asks the backend with its id', async () => {
    const { log, transport, store } = openLog();
    act(() => {
      store.send('question');
    });
    await vi.waitFor(() => expect(store.messages.value[0]?.state).toBe('sent'));
    act(() => {
      transport.receive(answer('Answer', false));
    });
    const button = within(log).getByRole('button', { name: 'Regenerate answer' });
    expect(within(log).getAllByRole('button', { name: 'Regenerate answer' })).toHaveLength(1);
    act(() => {
      fireEvent.click(button);
    });
    expect(transport.regenerated).toEqual(['s:9']);
    expect(within(log).queryByText('Answer')).toBeNull();
    expect(within(log).queryByRole('button', { name: 'Regenerate answer' })).toBeNull();
  });

  it("shows the server's reason for a final failure as text", () => {
    const { transport } = openLog();
    act(() => transport.emitStatus({ status: 'failed', reason: 'not-found', detail: '`No FSM <b>x</b>`' }));
    const status = screen.getAllByRole('status').find((el) => el.classList.contains('status__text'))!;
    expect(status.textContent).toContain('Connection failed: `No FSM <b>x</b>`');
    expect(status.querySelector('b')).toBeNull();
  });
});
