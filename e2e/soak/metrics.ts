/**
 * How a soak scores a sequence: what was expected, in order, against what was observed (with
 * repeats, gaps and strangers). Pure, so the scoring itself is unit-tested (test/soak-metrics.test.ts).
 */

export interface Tally {
  /** Expected items never observed. */
  lost: number;
  /** Observations beyond the first of an expected item. */
  duplicated: number;
  /**
   * Items out of place: the fewest observed items that would have to move for the first
   * occurrences to be in the expected order (length minus the longest increasing run).
   */
  reordered: number;
  /** Observed items that were never expected. */
  unexpected: number;
  /** The first few lost, duplicated and out-of-place items, to start looking. */
  examples: string[];
}

export function tally(expected: readonly string[], observed: readonly string[]): Tally {
  const rank = new Map(expected.map((item, i) => [item, i]));
  const seen = new Set<string>();
  const order: number[] = [];
  let duplicated = 0;
  let unexpected = 0;
  const examples: string[] = [];
  const note = (what: string) => {
    if (examples.length < 8) examples.push(what);
  };
  for (const item of observed) {
    const r = rank.get(item);
    if (r === undefined) {
      unexpected += 1;
      note(`unexpected ${item}`);
    } else if (seen.has(item)) {
      duplicated += 1;
      note(`duplicated ${item}`);
    } else {
      seen.add(item);
      order.push(r);
    }
  }
  for (const item of expected) if (!seen.has(item)) note(`lost ${item}`);
  for (let i = 1; i < order.length; i++) {
    if (order[i]! < order[i - 1]!) note(`${expected[order[i]!]} after ${expected[order[i - 1]!]}`);
  }
  return {
    lost: expected.length - seen.size,
    duplicated,
    reordered: order.length - longestIncreasing(order),
    unexpected,
    examples,
  };
}

/** A visitor message as a server took it in; `repeat`: its message id was one the server had. */
export interface Arrival {
  text: string;
  repeat: boolean;
}

/**
 * Visitor messages at the server. A resend the server recognised by its message id is scored as a
 * duplicate unless that id is the protocol's own (`protocolId`): a backend built from the protocol
 * then stores it once too (nchan: `x-request-id`); where only our reference server knows the id
 * (ws-chat's `clientMessageId`, not in its seed), a seed backend would have stored it twice.
 */
export function tallyVisitor(
  expected: readonly string[],
  arrivals: readonly Arrival[],
  protocolId: boolean,
): Tally {
  return tally(
    expected,
    arrivals.filter((a) => !(protocolId && a.repeat)).map((a) => a.text),
  );
}

/** Length of the longest strictly increasing subsequence (patience sorting, O(n log n)). */
export function longestIncreasing(values: readonly number[]): number {
  const tails: number[] = [];
  for (const v of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
  }
  return tails.length;
}

/** How often each id was acknowledged, summarised: the bar is `unacknowledged: 0`. */
export interface AckSummary {
  messages: number;
  unacknowledged: number;
  min: number;
  max: number;
  total: number;
}

export function summariseAcks(sentIds: readonly string[], acks: ReadonlyMap<string, number>): AckSummary {
  const counts = [...new Set(sentIds)].map((id) => acks.get(id) ?? 0);
  return {
    messages: counts.length,
    unacknowledged: counts.filter((n) => n === 0).length,
    min: counts.length ? Math.min(...counts) : 0,
    max: counts.length ? Math.max(...counts) : 0,
    total: counts.reduce((a, b) => a + b, 0),
  };
}
