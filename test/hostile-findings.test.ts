/**
 * Issue 8's findings, where the defence had no test of its own that failed without it (found by
 * reverting each defence in turn). The other defences are pinned by tests beside their code.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FUTURE_MS } from '../src/core/guards';
import { decodeEnvelopeMessage, serverTime } from '../src/transports/ws-chat/protocol-envelope';

const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);

describe('finding 1: a ws-chat time written as a Java date array', () => {
  it('reads a real one as UTC', () => {
    expect(serverTime([2024, 1, 15, 10, 30, 0, 500_000_000], NOW)).toBe(
      Date.UTC(2024, 0, 15, 10, 30, 0, 500),
    );
  });

  it.each([
    ['past what a Date can hold', [275_761, 1, 1]],
    ['a year no Date reaches', [1e20, 1, 1]],
    ['nanoseconds beyond any second', [2024, 1, 15, 10, 30, 0, 1e30]],
    ['centuries in the future', [2400, 1, 1]],
  ])('%s shows as the arrival time', (_why, createdAt) => {
    expect(serverTime(createdAt, NOW)).toBe(NOW);
    const decoded = decodeEnvelopeMessage({ id: 'm', text: 'x', createdAt }, () => undefined);
    expect(decoded?.message.at).toBeLessThanOrEqual(Date.now() + MAX_FUTURE_MS);
    expect(() => new Date(decoded?.message.at ?? Number.NaN).toISOString()).not.toThrow();
  });
});
