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

/**
 * The visitor messages the widget still shows as not sent at the end (`v0012 (not confirmed)`,
 * `v0013 (sending)`…, as e2e/pages/soak.js reads them), split by what the server has. "Not
 * confirmed" is the widget's honest answer when a post got no answer (TWIN: no call can ask the
 * server): one the server stored exactly once was delivered, so it is reported apart and not
 * scored; every other entry stays unsettled (a "Not confirmed" the server lacks is also lost, one
 * it has twice also duplicated, in the visitor tally).
 */
export function splitUnsettled(
  unsettled: readonly string[],
  arrivals: readonly Arrival[],
  protocolId: boolean,
): { unsettled: string[]; unconfirmedAtServerOnce: string[] } {
  const copies = new Map<string, number>();
  for (const a of arrivals) if (!(protocolId && a.repeat)) copies.set(a.text, (copies.get(a.text) ?? 0) + 1);
  const split = { unsettled: [] as string[], unconfirmedAtServerOnce: [] as string[] };
  for (const entry of unsettled) {
    const notConfirmed = /^(\S+) \(not confirmed\)$/.exec(entry);
    if (notConfirmed && copies.get(notConfirmed[1]!) === 1)
      split.unconfirmedAtServerOnce.push(notConfirmed[1]!);
    else split.unsettled.push(entry);
  }
  return split;
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
