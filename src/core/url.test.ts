// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { safeLinkUrl, safeMediaUrl } from './url';

describe('safeLinkUrl', () => {
  it.each([
    ['https://example.com/a?b#c', 'https://example.com/a?b#c'],
    ['http://example.com', 'http://example.com/'],
    ['mailto:help@example.com', 'mailto:help@example.com'],
    ['tel:+441234', 'tel:+441234'],
  ])('allows %s', (raw, expected) => expect(safeLinkUrl(raw)).toBe(expected));

  it.each([
    'javascript:alert(1)',
    'java\tscript:alert(1)',
    ' JAVASCRIPT:alert(1)',
    'data:text/html,<b>',
    'vbscript:x',
    'file:///etc/passwd',
    '',
    '   ',
  ])('refuses %j', (raw) => expect(safeLinkUrl(raw)).toBeNull());
});

describe('safeMediaUrl', () => {
  it('allows http(s) and same-origin blob URLs only', () => {
    expect(safeMediaUrl('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(safeMediaUrl(`blob:${location.origin}/1234`)).toBe(`blob:${location.origin}/1234`);
    expect(safeMediaUrl('blob:https://evil.example/1234')).toBeNull();
    expect(safeMediaUrl('data:image/svg+xml,<svg onload=alert(1)>')).toBeNull();
    expect(safeMediaUrl('mailto:x@example.com')).toBeNull();
  });

  it('treats an empty string as no URL, not as the page itself', () => {
    expect(safeMediaUrl('')).toBeNull();
  });
});
