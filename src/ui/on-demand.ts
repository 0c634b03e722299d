/**
 * Parts of the panel that few visitors use (the list of files being attached, the image viewer)
 * are files of their own in the split build, loaded the first time they are drawn; each brings its
 * stylesheet, adopted into the widget's shadow root then. Until the code is there the part draws
 * nothing, and nothing the visitor did waits on it: an attached file is in the store and uploads
 * meanwhile (and sending waits for it). A file that cannot be fetched prints one `[parley]` error
 * and is tried again at the next draw.
 *
 * The loaded code is kept per page (it is code, not state: widgets still share nothing).
 */
import { signal } from '@preact/signals';
import { log } from '../core/log';

/** Every part's loader: `loadAllParts` (tests about what a part shows, not about its loading). */
const everything: Array<() => Promise<void>> = [];

/** Loads every on-demand part now. The widget never does; unit tests about a part's content do. */
export const loadAllParts = () => Promise.all(everything.map((start) => start()));

/** Returns a getter to call while rendering: the module once loaded (the component re-renders then). */
export function onDemand<T>(what: string, load: () => Promise<T>): () => T | undefined {
  const loaded = signal<T | undefined>(undefined);
  let loading: Promise<void> | null = null;
  let told = false;
  const start = () =>
    (loading ??= load().then(
      (m) => {
        loaded.value = m;
      },
      (err: unknown) => {
        loading = null;
        if (!told) log.error(`could not load ${what} (${err instanceof Error ? err.message : String(err)})`);
        told = true;
      },
    ));
  everything.push(start);
  return () => {
    const value = loaded.value;
    if (value === undefined) void start();
    return value;
  };
}

const sheets = new Map<string, CSSStyleSheet>();

/** Adopts `css` into the shadow root (or document) that holds `node`, once per root. */
export function adoptSheet(node: Node | null | undefined, css: string): void {
  const root = node?.getRootNode() as (Document | ShadowRoot | undefined) & Partial<DocumentOrShadowRoot>;
  if (!root?.adoptedStyleSheets || typeof CSSStyleSheet !== 'function') return;
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
