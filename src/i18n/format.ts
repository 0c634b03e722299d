/**
 * Dates, times and sizes through `Intl` in the widget's language. The locale comes from the
 * catalogue's `locale` entry so formatting always matches the language of the words around it.
 */
import type { Translate } from './index';

const DAY = 86_400_000;

/**
 * `Intl` formatters are costly to build (a burst profile spent 69 % of its time in two new
 * `DateTimeFormat`s per message render), so each is built once per locale and options and kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  cached(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "14:05" or "2:05 PM", as the language writes it. */
export function formatTime(at: number, t: Translate): string {
  return dateFormat(t('locale'), { hour: 'numeric', minute: '2-digit' }).format(at);
}

/** Full date and time for a tooltip or screen readers. */
export function formatDateTime(at: number, t: Translate): string {
  return dateFormat(t('locale'), { dateStyle: 'long', timeStyle: 'short' }).format(at);
}

/** "Today", "Yesterday", or a date (with the year only when it is not this year). */
export function formatDay(at: number, now: number, t: Translate): string {
  const diff = Math.round((startOfDay(now) - startOfDay(at)) / DAY);
  if (diff === 0) return t('today');
  if (diff === 1) return t('yesterday');
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return dateFormat(t('locale'), {
    ...(diff > 1 && diff < 7 ? { weekday: 'long' } : {}),
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(at);
}

/** True when two instants fall on different calendar days (local time). */
export const differentDay = (a: number, b: number) => startOfDay(a) !== startOfDay(b);

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "512 bytes", "1.4 MB", "2,3 МБ": units are sanctioned `Intl.NumberFormat` units. */
export function formatBytes(size: number, t: Translate): string {
  let value = Math.max(0, size);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const locale = t('locale');
  return cached(
    `n|${locale}|${unit}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: UNITS[unit],
        unitDisplay: unit === 0 ? 'long' : 'short',
        maximumFractionDigits: unit === 0 ? 0 : 1,
      }),
  ).format(value);
}
