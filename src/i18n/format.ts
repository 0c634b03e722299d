/**
 * Dates, times and sizes through `Intl` in the widget's language. The locale comes from the
 * catalogue's `locale` entry so formatting always matches the language of the words around it.
 */
import type { Translate } from './index';

const DAY = 86_400_000;

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "14:05" or "2:05 PM", as the language writes it. */
export function formatTime(at: number, t: Translate): string {
  return new Intl.DateTimeFormat(t('locale'), { hour: 'numeric', minute: '2-digit' }).format(at);
}

/** Full date and time for a tooltip or screen readers. */
export function formatDateTime(at: number, t: Translate): string {
  return new Intl.DateTimeFormat(t('locale'), { dateStyle: 'long', timeStyle: 'short' }).format(at);
}

/** "Today", "Yesterday", or a date (with the year only when it is not this year). */
export function formatDay(at: number, now: number, t: Translate): string {
  const diff = Math.round((startOfDay(now) - startOfDay(at)) / DAY);
  if (diff === 0) return t('today');
  if (diff === 1) return t('yesterday');
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(t('locale'), {
    weekday: diff > 1 && diff < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  } as Intl.DateTimeFormatOptions).format(at);
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
  return new Intl.NumberFormat(t('locale'), {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
