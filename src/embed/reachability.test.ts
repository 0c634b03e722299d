import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../core/emitter';
import type { StatusChange } from '../core/types';
import { HINT_AFTER_FAILURES, hintWhenUnreachable } from './reachability';

afterEach(() => vi.restoreAllMocks());

function setup() {
  const events = new Emitter<{ status: StatusChange }>();
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const off = hintWhenUnreachable((fn) => events.on('status', fn), 'https://chat.example.com/base?x=1');
  const fail = (times: number) => {
    for (let i = 0; i < times; i++) {
      events.emit('status', { status: 'reconnecting' }); // an attempt starting
      events.emit('status', { status: 'reconnecting', reason: 'network', retryInMs: 1000 });
    }
  };
  return { events, warn, off, fail };
}

describe('a backend that cannot be reached', () => {
  it('gets one [parley] hint naming its origin after the first failed attempts, not one per attempt', () => {
    const { warn, fail } = setup();
    fail(HINT_AFTER_FAILURES - 1);
    expect(warn).not.toHaveBeenCalled();
    fail(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toBe('[parley]');
    expect(String(warn.mock.calls[0]?.[1])).toContain(
      'cannot reach the chat backend at https://chat.example.com',
    );
    expect(String(warn.mock.calls[0]?.[1])).not.toContain('x=1');
    fail(20);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('says nothing about a backend that worked and then dropped', () => {
    const { events, warn, fail } = setup();
    events.emit('status', { status: 'connected' });
    fail(10);
    expect(warn).not.toHaveBeenCalled();
  });

  it('stops listening when the widget goes', () => {
    const { warn, fail, off } = setup();
    off();
    fail(10);
    expect(warn).not.toHaveBeenCalled();
  });
});
