import { describe, expect, it } from 'vitest';
import { visibleBidi } from './bidi';

describe('visibleBidi', () => {
  it.each([
    ['a right-to-left override in a name', 'Bank \u202Etroppus', 'Bank \uFFFDtroppus'],
    ['an override in a file name', 'invoice\u202Efdp.exe', 'invoice\uFFFDfdp.exe'],
    ['embeddings and their pop', '\u202Aa\u202Bb\u202C', '\uFFFDa\uFFFDb\uFFFD'],
    ['isolates', '\u2066x\u2067y\u2068z\u2069', '\uFFFDx\uFFFDy\uFFFDz\uFFFD'],
  ])('shows %s', (_why, input, shown) => {
    expect(visibleBidi(input)).toBe(shown);
  });

  it('keeps right-to-left letters and marks, which cannot reorder a label on their own', () => {
    expect(visibleBidi('مرحبا \u200Fשלום')).toBe('مرحبا \u200Fשלום');
  });
});
