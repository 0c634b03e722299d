import { describe, expect, it } from 'vitest';
import { missingFeatures } from './support';

const modern = {
  shadowRoot: { adoptedStyleSheets: [] },
  styleSheet: { replaceSync() {} },
  supports: (condition: string) => ['height:1dvh', 'selector(:has(*))'].includes(condition),
};

describe('the browser floor', () => {
  it('finds nothing missing in a browser with all three features', () => {
    expect(missingFeatures(modern)).toEqual([]);
  });

  it('names each missing feature', () => {
    expect(missingFeatures({ ...modern, shadowRoot: {} })).toEqual(['adoptedStyleSheets']);
    expect(missingFeatures({ ...modern, styleSheet: {} })).toEqual(['adoptedStyleSheets']);
    expect(missingFeatures({ ...modern, supports: (c) => c === 'height:1dvh' })).toEqual([':has()']);
    expect(missingFeatures({ ...modern, supports: () => false })).toEqual(['dvh', ':has()']);
  });
});
