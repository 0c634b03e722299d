/**
 * Generated hostile shapes for fuzzing decoders (test support, never bundled). Each shape is built
 * from a seeded generator, so a failure names a seed that reproduces it. The shapes cover what a
 * wire or a storage value can hold (every JSON value, with field names the decoders look for) and
 * what only a JavaScript caller could pass (objects whose `toString`/`valueOf` are not callable,
 * null-prototype objects, cycles, bigint, symbols, functions).
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numbers at the edges of what decoders compare against: times, sizes, Date's limits. */
export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e12 - 1,
  1e12,
  1.7e9,
  1.7e12,
  8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  1e17,
  -1e17,
  1.7e18,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

export const EDGE_STRINGS: readonly string[] = [
  '',
  ' ',
  'x',
  '0',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'REGULAR',
  'TERMINAL',
  'HELP',
  'operator',
  'client',
  'agent',
  '2024-01-15T10:30:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00.000Z',
  '99999-01-01',
  'javascript:alert(1)',
  'https://example.com/a.png',
  'blob:https://evil.example/1',
  '<img src=x onerror=alert(1)>',
  'Bank \u202Etroppus',
  '\u0000\uFFFF\uD800',
  'x'.repeat(70_000),
];

/** An object whose string conversion throws: `String(v)`, `${v}` and `v + ''` all fail. */
export const noToString = () => ({ toString: 1, valueOf: 1 });

/** Objects that break code assuming ordinary objects. */
export function oddObjects(): unknown[] {
  const cyclic: Record<string, unknown> = { id: 'c', body: 'cyclic', content: 'cyclic' };
  cyclic.self = cyclic;
  const bare = Object.create(null) as Record<string, unknown>;
  bare.id = 'bare';
  bare.body = 'no prototype';
  return [
    noToString(),
    { toString: () => ({}), valueOf: () => ({}) },
    { [Symbol.toPrimitive]: 1 },
    bare,
    cyclic,
    10n,
    Symbol('s'),
    () => 'fn',
    new Date(Number.NaN),
  ];
}

export interface ShapeOptions {
  /** Field names to use often, so generated objects reach past a decoder's first checks. */
  fields: readonly string[];
  /** Include values JSON cannot carry (bigint, symbols, cycles…). Default true. */
  nonJson?: boolean;
  maxDepth?: number;
}

/** One generated value. */
export function shape(rnd: () => number, options: ShapeOptions, depth = 0): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const max = options.maxDepth ?? 4;
  const roll = rnd();
  // Deeper levels are more often leaves, so a shape stays a few dozen nodes, not thousands.
  if (depth >= max || roll < 0.3 + depth * 0.2) {
    const leaf = rnd();
    if (leaf < 0.1) return null;
    if (leaf < 0.15) return rnd() < 0.5;
    if (leaf < 0.4) return pick(EDGE_NUMBERS);
    if (leaf < 0.75) return pick(EDGE_STRINGS);
    if (leaf < 0.85 && options.nonJson !== false) return pick(oddObjects());
    if (leaf < 0.9 && options.nonJson !== false) return undefined;
    return Math.floor(rnd() * 2e12);
  }
  if (roll < 0.45) {
    const n = Math.floor(rnd() * 5);
    return Array.from({ length: n }, () => shape(rnd, options, depth + 1));
  }
  const obj: Record<string, unknown> = {};
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const key = rnd() < 0.85 ? pick(options.fields) : pick(EDGE_STRINGS.slice(0, 16));
    // Plain assignment would set the prototype for `__proto__`; JSON.parse makes it an own key.
    Object.defineProperty(obj, key, {
      value: rnd() < 0.15 ? noToString() : shape(rnd, options, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return obj;
}

/** `count` shapes from consecutive seeds, each with the seed that made it. */
export function shapes(count: number, options: ShapeOptions, firstSeed = 1): Array<[number, unknown]> {
  return Array.from({ length: count }, (_, i) => [firstSeed + i, shape(random(firstSeed + i), options)]);
}

/** JSON text of a shape, or null when it holds what JSON cannot (the wire never carries those). */
export function jsonOf(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

/** Runs `check` on every case and returns the seeds (with the error) where it threw. */
export function failures(cases: Array<[number, unknown]>, check: (value: unknown) => void): string[] {
  const failed: string[] = [];
  for (const [seed, value] of cases) {
    try {
      check(value);
    } catch (err) {
      failed.push(`seed ${seed}: ${err instanceof Error ? err.message : 'thrown'}`);
    }
  }
  return failed;
}
