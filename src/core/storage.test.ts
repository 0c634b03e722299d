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
});
