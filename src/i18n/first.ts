/**
 * What the first script needs of i18n: choosing the language and a translator over whatever
 * catalogues are loaded. The first script has only the launcher's English (en-first.ts); the
 * visitor's whole catalogue (en, zh or ru, only that one) comes with the panel, fetched on demand
 * (in the split build the English one travels inside the panel's pack), so the first script stays
 * small.
 */
import type { Entry, Key, Translation } from './en';
import { enFirst } from './en-first';

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

/** The catalogues to translate with: the language's own and the English it falls back to. */
export interface Catalogues {
  catalogue: Translation;
  english: Translation;
}

/**
 * The language's whole catalogue, and nothing else: zh and ru are complete (typed so), so a Chinese
 * or Russian visitor never downloads the English one; what they fall back to is the launcher's
 * English already here, for a key the type check would have caught.
 */
export async function loadCatalogue(lang: Lang): Promise<Catalogues> {
  const catalogue =
    lang === 'zh'
      ? (await import('./zh')).zh
      : lang === 'ru'
        ? (await import('./ru')).ru
        : (await import('./en')).en;
  return { catalogue, english: lang === 'en' ? catalogue : enFirst };
}

/**
 * Returns `t(key, vars)` over `catalogue`, with `lang`'s plural rules; keys the catalogue lacks,
 * and unknown languages, get English (before the panel loads, only the launcher's English is there).
 */
export function translator(
  lang: string,
  { catalogue, english }: Catalogues = { catalogue: enFirst, english: enFirst },
): Translate {
  const code = match(lang) ?? 'en';
  const plurals = new Intl.PluralRules(code);
  return (key, vars) => {
    const entry: Entry | undefined = catalogue[key] ?? english[key];
    if (entry === undefined) return key;
    if (typeof entry === 'string') return interpolate(entry, vars);
    const count = typeof vars?.count === 'number' ? vars.count : 0;
    const form = entry[plurals.select(count)] ?? entry.other;
    return interpolate(form, vars);
  };
}
