import { describe, expect, it } from 'vitest';
import { isTime, MAX_DATE_MS, MAX_FUTURE_MS, messageTime, timeMs } from './guards';

const NOW = 1_700_000_000_000;

describe('times from the outside', () => {
  it('reads seconds, milliseconds and ISO strings', () => {
    expect(timeMs(1_700_000_000)).toBe(NOW);
    expect(timeMs(NOW)).toBe(NOW);
    expect(timeMs('2023-11-14T22:13:20Z')).toBe(NOW);
  });

  it.each([
    ['1e17 ms (beyond Date)', 1e17],
    ['nanoseconds', 1.7e18],
    ['one past the last instant', MAX_DATE_MS + 1],
    ['one before the first instant', -MAX_DATE_MS - 1],
    ['an ISO string past year 275760', '+275760-09-13T00:00:00.001Z'],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects %s: a Date cannot hold it', (_why, value) => {
    expect(timeMs(value)).toBeUndefined();
  });

  it('accepts the last instant a Date can hold', () => {
    expect(timeMs(MAX_DATE_MS)).toBe(MAX_DATE_MS);
    expect(isTime(MAX_DATE_MS)).toBe(true);
    expect(isTime(MAX_DATE_MS + 1)).toBe(false);
    expect(isTime(Number.NaN)).toBe(false);
    expect(isTime('1')).toBe(false);
  });

  it('shows an absurd future time as the arrival time, and keeps a little clock skew', () => {
    expect(messageTime(MAX_DATE_MS, NOW)).toBe(NOW);
    expect(messageTime(1e17, NOW)).toBe(NOW);
    expect(messageTime(undefined, NOW)).toBe(NOW);
    expect(messageTime(NOW + 60_000, NOW)).toBe(NOW + 60_000);
    expect(messageTime(NOW + MAX_FUTURE_MS + 1, NOW)).toBe(NOW);
  });
});
