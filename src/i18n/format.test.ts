import { describe, expect, it } from 'vitest';
import { formatBytes, formatDay } from './format';
import { createTranslator } from './index';
import { ru as ruCatalogue } from './ru';

const en = createTranslator('en');
const ru = createTranslator('ru', ruCatalogue);

describe('formatDay', () => {
  const now = new Date(2024, 5, 15, 10).getTime();
  it('says Today and Yesterday in the language', () => {
    expect(formatDay(new Date(2024, 5, 15, 0, 1).getTime(), now, en)).toBe('Today');
    expect(formatDay(new Date(2024, 5, 14, 23, 59).getTime(), now, ru)).toBe('Вчера');
  });

  it('names the weekday within a week, the date otherwise, the year only when it differs', () => {
    expect(formatDay(new Date(2024, 5, 12).getTime(), now, en)).toBe('Wednesday, June 12');
    expect(formatDay(new Date(2024, 0, 2).getTime(), now, en)).toBe('January 2');
    expect(formatDay(new Date(2023, 0, 2).getTime(), now, en)).toBe('January 2, 2023');
  });
});

describe('formatBytes', () => {
  it('picks a readable unit', () => {
    expect(formatBytes(512, en)).toBe('512 bytes');
    expect(formatBytes(1536, en)).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024, en)).toBe('5 MB');
    expect(formatBytes(-1, en)).toBe('0 bytes');
  });
});
