/**
 * The browser features that set Parley's floor (README, "Browsers"): constructable stylesheets
 * adopted by a shadow root (all of its styles, CSP-safe), `dvh` units (the panel's height on phones)
 * and `:has()` (the composer's layout with files attached). Chrome and Edge 108, Firefox 121 and
 * Safari 16.4 have all three. Below that the widget says so once and shows nothing, rather than a
 * launcher that opens a broken panel.
 */
export interface FeatureProbe {
  shadowRoot?: object | undefined;
  styleSheet?: object | undefined;
  /** `CSS.supports`, which answers false (never throws) for what it does not know. */
  supports?: ((condition: string) => boolean) | undefined;
}

/** The names of the features this browser lacks (none: the widget can run). */
export function missingFeatures({
  shadowRoot = globalThis.ShadowRoot?.prototype,
  styleSheet = globalThis.CSSStyleSheet?.prototype,
  supports = globalThis.CSS?.supports?.bind(CSS),
}: FeatureProbe = {}): string[] {
  return [
    (shadowRoot && 'adoptedStyleSheets' in shadowRoot && styleSheet && 'replaceSync' in styleSheet) ||
      'adoptedStyleSheets',
    supports?.('height:1dvh') || 'dvh',
    supports?.('selector(:has(*))') || ':has()',
  ].filter((f) => typeof f === 'string');
}

export const FLOOR = 'Chrome/Edge 108, Firefox 121, Safari 16.4';
