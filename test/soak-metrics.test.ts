// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { longestIncreasing, splitUnsettled, summariseAcks, tally, tallyVisitor } from '../e2e/soak/metrics';

describe('soak scoring', () => {
  it('scores a perfect run as zero everywhere', () => {
    expect(tally(['a', 'b', 'c'], ['a', 'b', 'c'])).toEqual({
      lost: 0,
      duplicated: 0,
      reordered: 0,
      unexpected: 0,
      examples: [],
    });
  });

  it('counts lost, duplicated, unexpected and the fewest moves that restore the order', () => {
    // b lost; a repeated twice; d and c swapped (one move); x never expected
    expect(tally(['a', 'b', 'c', 'd', 'e'], ['a', 'x', 'a', 'd', 'c', 'a', 'e'])).toEqual({
      lost: 1,
      duplicated: 2,
      reordered: 1,
      unexpected: 1,
      examples: ['unexpected x', 'duplicated a', 'duplicated a', 'lost b', 'c after d'],
    });
    // one old item coming back last is one reordered item, not n
    expect(tally(['1', '2', '3', '4', '5'], ['2', '3', '4', '5', '1']).reordered).toBe(1);
  });

  it('scores a recognised resend as a duplicate unless the protocol itself names the message id', () => {
    const arrivals = [
      { text: 'v1', repeat: false },
      { text: 'v1', repeat: true }, // recognised by its id
      { text: 'v2', repeat: false },
      { text: 'v2', repeat: false }, // not recognised: a duplicate either way
    ];
    expect(tallyVisitor(['v1', 'v2'], arrivals, false).duplicated).toBe(2);
    expect(tallyVisitor(['v1', 'v2'], arrivals, true).duplicated).toBe(1);
  });

  it('reports "not confirmed" messages the server has exactly once apart; every other one stays unsettled', () => {
    const arrivals = [
      { text: 'v1', repeat: false },
      { text: 'v2', repeat: false },
      { text: 'v2', repeat: false },
      { text: 'v4', repeat: false },
      { text: 'v5', repeat: false },
      { text: 'v5', repeat: true },
    ];
    const shown = [
      'v1 (not confirmed)',
      'v2 (not confirmed)',
      'v3 (not confirmed)',
      'v4 (sending)',
      'v5 (not confirmed)',
    ];
    // v2 twice and v3 missing are scored in the visitor tally (duplicated, lost) and stay unsettled;
    // v4 is still sending; v5's second copy is a resend the protocol's own id recognises (or not).
    expect(splitUnsettled(shown, arrivals, false)).toEqual({
      unsettled: ['v2 (not confirmed)', 'v3 (not confirmed)', 'v4 (sending)', 'v5 (not confirmed)'],
      unconfirmedAtServerOnce: ['v1'],
    });
    expect(splitUnsettled(shown, arrivals, true).unconfirmedAtServerOnce).toEqual(['v1', 'v5']);
  });

  it('finds the longest increasing run', () => {
    expect(longestIncreasing([])).toBe(0);
    expect(longestIncreasing([3, 1, 2, 5, 4, 6])).toBe(4);
    expect(longestIncreasing([5, 4, 3])).toBe(1);
  });

  it('summarises acknowledgements per message', () => {
    const acks = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(summariseAcks(['a', 'b', 'c', 'a'], acks)).toEqual({
      messages: 3,
      unacknowledged: 1,
      min: 0,
      max: 2,
      total: 3,
    });
  });
});
