/**
 * Older messages at the top of the log (issue 16 point 5): scrolling to the top asks the store for
 * them, they come in above without being announced as news, the log says when it is loading, when
 * loading failed (with a retry), and when it reached the beginning of the conversation. The
 * backend's history is a fake here (the adapter's paging is tested against the reference server).
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportError } from '../core/errors';
import type { IncomingMessage } from '../core/types';
import type { ChatStore } from '../store/chat-store';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import type { OlderCursor, OlderPage } from '../transports/types';
import { mountWidget } from './test-helpers';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const line = (i: number): IncomingMessage => ({
  id: `h${i}`,
  text: `line ${i}`,
  at: T0 + i,
  author: { kind: 'bot' },
});

/** An emulator whose backend keeps 100 lines and pages them 20 at a time, when the test says so. */
class WithHistory extends EmulatorAdapter {
  readonly history = Array.from({ length: 100 }, (_, i) => line(i + 1));
  readonly waiting: Array<() => void> = [];
  broken = false;

  loadOlder(before: OlderCursor | null): Promise<OlderPage> {
    return new Promise((resolve, reject) => {
      this.waiting.push(() => {
        if (this.broken) return reject(new TransportError('network', 'Could not reach the server'));
        const end = before ? this.history.findIndex((m) => m.id === before.id) : this.history.length;
        const start = Math.max(0, end - 20);
        resolve({ messages: this.history.slice(start, end).map((m) => ({ ...m })), more: start > 0 });
      });
    });
  }

  /** Answers the history calls made so far. */
  async answer(): Promise<void> {
    await act(async () => {
      for (const go of this.waiting.splice(0)) go();
    });
  }
}

/** A log with a layout: 300 px tall, 3,000 px of content, scrolled where the test puts it. */
function layout(log: HTMLElement) {
  const box = { top: 2700 };
  Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => 3000 });
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(log, 'scrollTop', {
    configurable: true,
    get: () => box.top,
    set: (v: number) => {
      box.top = Math.max(0, Math.min(2700, v));
    },
  });
  return box;
}

function open(transport: WithHistory, count = 20) {
  const env = mountWidget(transport);
  act(() => {
    for (const m of transport.history.slice(-count)) transport.receive({ ...m });
  });
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return { ...env, log: screen.getByRole('log', { name: 'Messages' }) };
}

/**
 * Scrolls the log to its top. The paging code loads on demand (store/older-pages.ts): the log says
 * "loading" at once, and the history call follows once the code is there.
 */
async function scrollToTop(log: HTMLElement, box: { top: number }, transport: WithHistory, store: ChatStore) {
  box.top = 0;
  fireEvent.scroll(log);
  await waitFor(() => expect(store.older.value !== 'loading' || transport.waiting.length > 0).toBe(true));
}

const numbers = (log: HTMLElement) =>
  [...log.querySelectorAll('.bubble')].map((b) => Number(b.textContent?.replace('line ', '')));

afterEach(cleanup);

describe('older messages at the top of the log', () => {
  // Layout for every log from the start, so only scrolling (not a log too short to scroll) asks.
  const proto = HTMLElement.prototype;
  const saved = ['scrollHeight', 'clientHeight'].map(
    (k) => [k, Object.getOwnPropertyDescriptor(proto, k)] as const,
  );
  beforeEach(() => {
    Object.defineProperty(proto, 'scrollHeight', { configurable: true, get: () => 3000 });
    Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => 300 });
  });
  afterEach(() => {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(proto, k, d);
      else delete (proto as unknown as Record<string, unknown>)[k]; // back to Element's
    }
  });

  it('come in above as the visitor scrolls up, quietly, until the beginning of the conversation', async () => {
    const transport = new WithHistory();
    const { log, store } = open(transport);
    const box = layout(log);
    expect(numbers(log)).toEqual(Array.from({ length: 20 }, (_, i) => 81 + i));
    expect(transport.waiting).toHaveLength(0);

    for (let round = 0; !within(log).queryByText('Beginning of the conversation'); round++) {
      expect(round).toBeLessThan(40);
      await scrollToTop(log, box, transport, store);
      if (transport.waiting.length) {
        // Loading: said at the top, in the part of the log that is not announced; the log is busy.
        const quiet = log.querySelector('.log__history')!;
        expect(within(quiet as HTMLElement).getByText('Loading earlier messages…')).toBeTruthy();
        expect(log.getAttribute('aria-busy')).toBe('true');
        await transport.answer();
      }
      // Whatever is rendered is in order, each once.
      const shown = numbers(log);
      expect(shown).toEqual(shown.map((_, i) => shown[0]! + i));
    }
    expect(numbers(log)[0]).toBe(1);
    expect(log.getAttribute('aria-busy')).toBeNull();
    // The marker and the older rows are in the quiet part: none of it is news.
    const quiet = log.querySelector('.log__history') as HTMLElement;
    expect(within(quiet).getByText('Beginning of the conversation')).toBeTruthy();
    expect(within(quiet).getByText('line 1')).toBeTruthy();
    expect(store.messages.value.map((m) => m.text)).toEqual(transport.history.map((m) => m.text));
    expect(store.unread.value).toBe(0);
  });

  it('keeps the row the visitor reads in place when older rows come in above it', async () => {
    const transport = new WithHistory();
    const { log, store } = open(transport);
    const box = layout(log);
    const before = numbers(log)[0];
    await scrollToTop(log, box, transport, store);
    await transport.answer();
    // The older rows are rendered above the one that was first, which stays in the log.
    expect(numbers(log)[0]).toBeLessThan(before!);
    expect(numbers(log)).toContain(before);
  });

  it('says when loading failed and tries again on request', async () => {
    const transport = new WithHistory();
    const { log, store } = open(transport);
    const box = layout(log);
    transport.broken = true;
    await scrollToTop(log, box, transport, store);
    await transport.answer();
    expect(within(log).getByText('Earlier messages could not be loaded.')).toBeTruthy();
    transport.broken = false;
    fireEvent.click(within(log).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(transport.waiting.length).toBeGreaterThan(0));
    await transport.answer();
    await waitFor(() => expect(numbers(log)[0]).toBeLessThan(81));
    expect(within(log).queryByText('Earlier messages could not be loaded.')).toBeNull();
  });
});

describe('a log too short to scroll', () => {
  it("asks for older messages by itself in a resumed conversation (the history's newest page came before it connected)", async () => {
    const transport = new WithHistory();
    const { store } = mountWidget(transport, { connect: false });
    act(() => {
      for (const m of transport.history.slice(-3)) transport.receive({ ...m });
    });
    act(() => store.connect());
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const log = screen.getByRole('log', { name: 'Messages' });
    // (No layout: the log's content fits, so there is nothing to scroll.)
    await waitFor(() => expect(transport.waiting.length).toBeGreaterThan(0));
    await transport.answer();
    await waitFor(() => expect(numbers(log)[0]).toBeLessThan(98));
  });

  it('asks nothing in a conversation that began on this page (nothing older exists)', () => {
    const transport = new WithHistory();
    const { log, store } = open(transport, 3);
    expect(numbers(log)).toEqual([98, 99, 100]);
    // The log asked (it cannot scroll), and the store did not load the paging code nor call the history.
    expect(store.older.value).toBe('idle');
    expect(transport.waiting).toHaveLength(0);
  });

  it('shows nothing at the top for a backend without a history', () => {
    const transport = new EmulatorAdapter();
    mountWidget(transport);
    act(() => void transport.receive({ id: 'x', text: 'hello' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const log = screen.getByRole('log', { name: 'Messages' });
    expect(log.querySelector('.log__older')).toBeNull();
  });
});
