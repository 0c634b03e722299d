import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles the ceiling each attempt and never exceeds the cap', () => {
    const top = new Backoff({ baseMs: 1000, capMs: 30_000, random: () => 0.999999 });
    const delays = Array.from({ length: 8 }, () => top.next());
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('keeps at least half the base delay even with zero jitter', () => {
    const low = new Backoff({ baseMs: 1000, random: () => 0 });
    expect([low.next(), low.next(), low.next()]).toEqual([500, 500, 500]);
  });

  it('spreads delays with jitter between the floor and the ceiling', () => {
    const b = new Backoff({ baseMs: 1000, random: () => 0.5 });
    b.next();
    b.next();
    expect(b.next()).toBe(Math.round(500 + 0.5 * 3500));
  });

  it('starts over after reset', () => {
    const b = new Backoff({ baseMs: 1000, random: () => 0.999999 });
    b.next();
    b.next();
    expect(b.attempts).toBe(2);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(1000);
  });
});
