/**
 * A tiny lookup instead of an i18n framework: three catalogues, `{name}` interpolation and plural
 * forms through `Intl.PluralRules`. Missing keys fall back to English so a partial translation
 * never shows a raw key. English is built in; the other catalogues load on demand (each is a file
 * of its own in the split build, fetched only by visitors who read that language).
 */
import { type Entry, en, type Key, type Translation } from './en';

export type { Key } from './en';
export type Lang = 'en' | 'zh' | 'ru';
export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

/** Maps a BCP 47 tag ("zh-Hans-CN", "ru-RU", "EN") to a language we ship, or null. */
function match(tag: string): Lang | null {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return base === 'en' || base === 'zh' || base === 'ru' ? base : null;
}

/**
 * Chooses the widget's language. An explicit setting wins when we ship it; `auto` (or an unknown
 * setting) follows the page's `lang` first, because the widget should speak the page's language,
 * then the visitor's browser languages, then English.
 */
export function pickLanguage(
  setting: string,
  pageLang: string | undefined,
  navigatorLanguages: readonly string[],
): Lang {
  const explicit = setting && setting !== 'auto' ? match(setting) : null;
  if (explicit) return explicit;
  for (const tag of [pageLang ?? '', ...navigatorLanguages]) {
    const lang = tag ? match(tag) : null;
    if (lang) return lang;
  }
  return 'en';
}

function interpolate(text: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return text;
  // One pass with a callback, so a value that itself contains "{x}" is never expanded again.
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

/** The catalogue of a language we ship; English needs no loading. */
export async function loadCatalogue(lang: Lang): Promise<Translation> {
  if (lang === 'zh') return (await import('./zh')).zh;
  if (lang === 'ru') return (await import('./ru')).ru;
  return en;
}

/**
 * Returns `t(key, vars)` over `catalogue` (from `loadCatalogue`), with `lang`'s plural rules;
 * keys the catalogue lacks, and unknown languages, get English.
 */
export function createTranslator(lang: string, catalogue: Translation = en): Translate {
  const code = match(lang) ?? 'en';
  const plurals = new Intl.PluralRules(code);
  return (key, vars) => {
    const entry: Entry = catalogue[key] ?? en[key];
    if (typeof entry === 'string') return interpolate(entry, vars);
    const count = typeof vars?.count === 'number' ? vars.count : 0;
    const form = entry[plurals.select(count)] ?? entry.other;
    return interpolate(form, vars);
  };
}
