import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shortCssVars, shortNames } from './short-css-vars';

const src = fileURLToPath(new URL('../src', import.meta.url));

describe('short internal custom properties', () => {
  const names = shortNames(src);

  it('gives every internal property of the themes its own short name', () => {
    expect(names.size).toBeGreaterThan(20);
    expect(new Set(names.values()).size).toBe(names.size);
    // One or two letters: never one of the longer names left as they are.
    for (const short of names.values()) expect(short).toMatch(/^--_[a-zA-Z]{1,2}$/);
  });

  it('keeps the names scripts set (style.setProperty) and never touches the public --parley-*', () => {
    for (const kept of ['--_vvh', '--_vvtop', '--_ratio']) expect(names.has(kept)).toBe(false);
    const decl = { prop: '--_accent-text', value: 'var(--parley-accent-text, var(--_accent)) var(--_vvh)' };
    shortCssVars(src).Declaration(decl);
    expect(decl.prop).toBe(names.get('--_accent-text'));
    expect(decl.value).toBe(`var(--parley-accent-text, var(${names.get('--_accent')})) var(--_vvh)`);
  });
});
