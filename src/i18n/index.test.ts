import { describe, expect, it } from 'vitest';
import { en, type Key } from './en';
import { enFirst } from './en-first';
import { translator } from './first';
import { createTranslator, loadCatalogue, pickLanguage } from './index';
import { ru } from './ru';
import { zh } from './zh';

const placeholders = (entry: unknown) =>
  [...JSON.stringify(entry).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('pickLanguage', () => {
  it('uses an explicit setting we ship', () => {
    expect(pickLanguage('ru', 'en', ['zh-CN'])).toBe('ru');
    expect(pickLanguage('zh-TW', undefined, [])).toBe('zh');
  });

  it('on auto, follows the page lang before the browser languages', () => {
    expect(pickLanguage('auto', 'zh-Hans-CN', ['ru-RU'])).toBe('zh');
    expect(pickLanguage('auto', '', ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLanguage('auto', 'fr', ['de'])).toBe('en');
  });

  it('treats an unknown explicit setting like auto', () => {
    expect(pickLanguage('de', 'ru', [])).toBe('ru');
  });
});

describe('createTranslator', () => {
  it('interpolates variables once, without expanding values', () => {
    const t = createTranslator('en');
    expect(t('typing', { name: '{name}' })).toBe('{name} is typing…');
    expect(t('operatorChanged', { name: 'Anna', previous: 'Boris' })).toBe('Anna took over from Boris');
  });

  it('chooses plural forms with the language rules', () => {
    const ruT = createTranslator('ru-RU', ru);
    expect(ruT('unread', { count: 1 })).toBe('1 непрочитанное сообщение');
    expect(ruT('unread', { count: 3 })).toBe('3 непрочитанных сообщения');
    expect(ruT('unread', { count: 5 })).toBe('5 непрочитанных сообщений');
    expect(createTranslator('en')('unread', { count: 1 })).toBe('1 unread message');
    expect(createTranslator('zh', zh)('unread', { count: 2 })).toBe('2 条未读消息');
  });

  it('falls back to English for unknown languages', () => {
    expect(createTranslator('xx')('openChat')).toBe('Open chat');
  });

  it('loads the visitor catalogue on demand, and no English one beside zh or ru', async () => {
    expect(await loadCatalogue('en')).toEqual({ catalogue: en, english: en });
    expect(await loadCatalogue('zh')).toEqual({ catalogue: zh, english: enFirst });
    expect(await loadCatalogue('ru')).toEqual({ catalogue: ru, english: enFirst });
    expect(translator('zh', await loadCatalogue('zh'))('visitor')).toBe('访客');
    expect(translator('ru', await loadCatalogue('ru'))('closeChat')).toBe(ru.closeChat);
  });

  it('before the panel loads, speaks the launcher from the first script alone', () => {
    const t = translator('en');
    expect(t('openChat')).toBe('Open chat');
    expect(t('unread', { count: 3 })).toBe('3 unread messages');
    expect(Object.keys(enFirst).every((k) => k in en)).toBe(true);
  });
});

describe.each([
  ['zh', zh],
  ['ru', ru],
])('the %s catalogue', (_, catalogue) => {
  it('translates every English key with the same placeholders', () => {
    for (const key of Object.keys(en) as Key[]) {
      const entry = (catalogue as Partial<Record<Key, unknown>>)[key];
      expect(entry, key).toBeDefined();
      const theirs = new Set(placeholders(entry));
      expect([...theirs].sort(), key).toEqual([...new Set(placeholders(en[key]))].sort());
    }
  });
});
