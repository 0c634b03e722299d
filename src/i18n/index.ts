/**
 * A tiny lookup instead of an i18n framework: three catalogues, `{name}` interpolation and plural
 * forms through `Intl.PluralRules`. Missing keys fall back to English so a partial translation
 * never shows a raw key. The embed code's first script uses first.ts alone (the launcher's English);
 * the whole English catalogue and zh/ru load on demand.
 */
import { en, type Translation } from './en';
import { type Translate, translator } from './first';

export type { Key } from './en';
export { type Lang, loadCatalogue, pickLanguage, type Translate } from './first';

/**
 * Returns `t(key, vars)` over `catalogue`, with `lang`'s plural rules; keys the catalogue lacks,
 * and unknown languages, get English.
 */
export function createTranslator(lang: string, catalogue: Translation = en): Translate {
  return translator(lang, { catalogue, english: en });
}
