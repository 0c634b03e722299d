// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { memoryStore, namespacedStore, readJson, writeJson } from './storage';

/** A Storage that refuses everything, like Safari's old private mode or a sandboxed iframe. */
const broken = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
} as unknown as Storage;

describe('namespacedStore', () => {
  it('keeps two namespaces apart in one localStorage', () => {
    localStorage.clear();
    const a = namespacedStore('ws-chat|https://a.example');
    const b = namespacedStore('ws-chat|https://b.example');
    a.set('session', 'A');
    b.set('session', 'B');
    expect(a.get('session')).toBe('A');
    expect(b.get('session')).toBe('B');
    expect(localStorage.getItem('parley:ws-chat|https://a.example:session')).toBe('A');
  });

  it('still works for the visit when storage throws', () => {
    const s = namespacedStore('x', broken);
    s.set('k', 'v');
    expect(s.get('k')).toBe('v');
    s.remove('k');
    expect(s.get('k')).toBeNull();
  });

  it('reads unreadable JSON as absent', () => {
    const s = memoryStore();
    s.set('bad', '{nope');
    expect(readJson(s, 'bad')).toBeNull();
    writeJson(s, 'good', { a: 1 });
    expect(readJson(s, 'good')).toEqual({ a: 1 });
  });

  it('reads back what was written last even when the write failed for quota (no stale value)', () => {
    const data = new Map<string, string>();
    let full = false;
    const quota = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full) throw new DOMException('full', 'QuotaExceededError');
        data.set(k, v);
      },
      removeItem: (k: string) => void data.delete(k),
    } as unknown as Storage;
    const s = namespacedStore('q', quota);
    s.set('session', 'old');
    full = true;
    s.set('session', 'new');
    expect(s.get('session')).toBe('new');
    s.remove('session');
    expect(s.get('session')).toBeNull();
    s.set('session', 'newer');
    full = false; // space again: the next write lands, and what storage holds is read again
    s.set('session', 'newest');
    expect(s.get('session')).toBe('newest');
    expect(data.get('parley:q:session')).toBe('newest');
  });
});
