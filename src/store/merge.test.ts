import { describe, expect, it } from 'vitest';
import { mergeItem } from './merge';
import type { ChatMessage } from './types';

const out = (patch: Partial<ChatMessage>): ChatMessage => ({
  key: 'c1',
  clientId: 'c1',
  direction: 'out',
  text: 'hello',
  at: 1,
  author: { kind: 'visitor' },
  kind: 'regular',
  state: 'sending',
  ...patch,
});

describe('mergeItem: the two unsent states', () => {
  it('keeps a "failed" decided here over the older "sending" still in storage', () => {
    const failed = out({ state: 'failed', unconfirmed: true });
    expect(mergeItem(failed, out({}))).toBe(failed);
  });

  it('takes "failed" (with its reason) from the tab whose outbox decided it', () => {
    expect(mergeItem(out({}), out({ state: 'failed', unconfirmed: true }))).toMatchObject({
      state: 'failed',
      unconfirmed: true,
    });
    expect(mergeItem(out({}), out({ state: 'failed', failure: 'too long' }))).toMatchObject({
      state: 'failed',
      failure: 'too long',
    });
  });

  it('takes the visitor\'s retry in another tab (a new round) over "failed" here', () => {
    const merged = mergeItem(out({ state: 'failed', unconfirmed: true }), out({ retries: 1 }));
    expect(merged).toMatchObject({ state: 'sending', retries: 1 });
    expect(merged.unconfirmed).toBeUndefined();
  });

  it('still moves forward to sent, whatever the round', () => {
    expect(mergeItem(out({ state: 'failed', retries: 2 }), out({ state: 'sent' })).state).toBe('sent');
    expect(mergeItem(out({ state: 'sent' }), out({ state: 'failed', retries: 3 })).state).toBe('sent');
  });
});
