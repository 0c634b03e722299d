import { describe, expect, it } from 'vitest';
import { memoryStore } from '../core/storage';
import { failures, shapes } from '../core/test-shapes';
import { loadMessages } from './persistence';
import { decodeStoredMessage } from './stored-message';

const good = {
  key: 'in:1',
  direction: 'in',
  id: '1',
  text: 'hello',
  at: 1_700_000_000_000,
  author: { kind: 'bot', name: 'Bot' },
  kind: 'regular',
};

const FIELDS = [
  'key',
  'direction',
  'id',
  'clientId',
  'text',
  'at',
  'author',
  'kind',
  'state',
  'answers',
  'attachments',
  'attachmentIds',
  'notice',
  'type',
  'operator',
  'previous',
  'name',
  'url',
  'avatarUrl',
  'size',
  'chosenAnswer',
];

describe('stored messages are decoded as strictly as frames', () => {
  it('keeps a good record as it was', () => {
    expect(decodeStoredMessage(good)).toEqual(good);
  });

  it('drops a field that does not decode but keeps the message (answers: "yes" used to hide the widget)', () => {
    const m = decodeStoredMessage({ ...good, answers: 'yes', attachments: { url: 1 }, attachmentIds: 'a' });
    expect(m).toEqual(good);
  });

  it('drops answer buttons and files one by one, keeping the good ones', () => {
    const m = decodeStoredMessage({
      ...good,
      answers: [{ text: 'Yes', id: 'y' }, 'no', { text: 5 }, null],
      attachments: [
        { name: 'a.png', url: 'https://x.example/a.png', size: 10 },
        { name: 'b', url: 'javascript:alert(1)' },
        { name: 'c', url: 'data:text/html,hi' },
      ],
    });
    expect(m?.answers).toEqual([{ text: 'Yes', id: 'y' }]);
    expect(m?.attachments).toEqual([{ name: 'a.png', url: 'https://x.example/a.png', size: 10 }]);
  });

  it.each([
    ['no key', { ...good, key: 5 }],
    ['a direction of its own', { ...good, direction: 'sideways' }],
    ['a time a Date cannot hold', { ...good, at: 1e17 }],
    ['no time', { ...good, at: '2024-01-01' }],
    ['an author without a known kind', { ...good, author: { kind: 'wizard' } }],
    ['text that is not text', { ...good, text: { toString: 'x' } }],
    ['a notice without its meaning', { ...good, notice: { type: 'operator-joined' } }],
  ])('drops a record with %s', (_, record) => {
    expect(decodeStoredMessage(record)).toBeNull();
  });

  it('marks a visitor message with an unknown state failed, so the visitor decides about a retry', () => {
    const m = decodeStoredMessage({ ...good, key: 'c1', direction: 'out', state: 'teleported' });
    expect(m?.state).toBe('failed');
  });

  it('never lets a stored __proto__ reach an object', () => {
    const raw = JSON.parse(
      `{"key":"k","direction":"in","text":"t","at":1,"author":{"kind":"bot","__proto__":{"polluted":1}},"__proto__":{"polluted":1}}`,
    );
    const m = decodeStoredMessage(raw);
    expect(m).not.toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m?.author)).toBe(Object.prototype);
  });

  it('never throws on generated shapes, and what it returns has its core fields right', () => {
    const cases = shapes(3000, { fields: FIELDS });
    const failed = failures(cases, (value) => {
      const m = decodeStoredMessage(value);
      if (m === null) return;
      if (typeof m.key !== 'string' || typeof m.text !== 'string' || !Number.isFinite(m.at)) {
        throw new Error('a decoded message lacks its core fields');
      }
      if (m.answers && !Array.isArray(m.answers)) throw new Error('answers is not a list');
    });
    expect(failed).toEqual([]);
  });

  it('loads a stored list that mixes good, bad and repeated records', () => {
    const storage = memoryStore();
    storage.set(
      'messages',
      JSON.stringify([good, 'junk', { ...good, answers: 'yes' }, { ...good, key: 'in:2' }]),
    );
    expect(loadMessages(storage).map((m) => m.key)).toEqual(['in:1', 'in:2']);
    storage.set('messages', '{"not":"a list"}');
    expect(loadMessages(storage)).toEqual([]);
    storage.set('messages', '{broken json');
    expect(loadMessages(storage)).toEqual([]);
  });
});
