// @vitest-environment node
/**
 * Decoders never throw: generated shapes (core/test-shapes.ts) through every TWIN decoder, as a
 * Socket.IO event or a REST answer would deliver them. What they return must be safe to render.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DATE_MS, MAX_FUTURE_MS } from '../../core/guards';
import { failures, jsonOf, noToString, shapes } from '../../core/test-shapes';
import type { IncomingMessage } from '../../core/types';
import * as wire from './protocol';

const NOW = Date.now();
const BASE = 'https://tcl.twin24.ai';
const FIELDS = [
  'id',
  'body',
  'type',
  'authorId',
  'authorType',
  'authorName',
  'createdAt',
  'answers',
  'attachments',
  'avatar',
  'label',
  'text',
  'name',
  'baseName',
  'extension',
  'size',
  'contentType',
  'url',
  'downloadLink',
  'operatorId',
  'operatorName',
  'previousOperatorId',
  'currentStatus',
  'messageId',
  'ttl',
  'messages',
  'message',
  'error',
];

// Every drop logs a warning: silence them without a spy, which would record tens of thousands of calls.
const warn = console.warn;
beforeEach(() => {
  console.warn = () => {};
});
afterEach(() => {
  console.warn = warn;
});

function expectRenderable(m: IncomingMessage): void {
  expect(typeof m.id).toBe('string');
  expect(typeof m.text).toBe('string');
  expect(Math.abs(m.at)).toBeLessThanOrEqual(MAX_DATE_MS);
  expect(m.at).toBeLessThanOrEqual(NOW + MAX_FUTURE_MS + 1000);
  expect(() => new Date(m.at).toISOString()).not.toThrow();
  for (const a of m.attachments ?? []) expect(typeof a.name).toBe('string');
  for (const a of m.answers ?? []) expect(typeof a.text).toBe('string');
}

const FILE = { id: 'f', name: 'a.png', downloadLink: 'https://x.example/a.png' };
const MESSAGE = {
  id: 'm',
  body: 'b',
  createdAt: '2024-01-15T10:30:00Z',
  attachments: [FILE],
  answers: ['a'],
};

/**
 * Every decoder of protocol.ts, called the way the adapter calls it, with a valid value of its
 * input: generated fields are laid over it, so the fuzz reaches past the first check.
 */
const DECODERS: Array<[string, (raw: unknown) => unknown, object]> = [
  ['decodeMessage', (raw) => wire.decodeMessage(raw, NOW, BASE, 'fallback'), MESSAGE],
  ['decodeAttachment', (raw) => wire.decodeAttachment(raw, BASE), FILE],
  ['decodeAnswers', (raw) => wire.decodeAnswers(raw), ['a', { label: 'b' }]],
  ['payloadId', (raw) => wire.payloadId(raw), { id: 'm' }],
  ['isOperatorNotice', (raw) => wire.isOperatorNotice(raw), { operatorId: 'o' }],
  [
    'decodeOperatorChange',
    (raw) => wire.decodeOperatorChange(raw, BASE),
    { operatorId: 'o', previousOperatorId: 'p' },
  ],
  ['decodeOperatorStatus', (raw) => wire.decodeOperatorStatus(raw), { operatorId: 'o', currentStatus: 'on' }],
  ['decodeTyping', (raw) => wire.decodeTyping(raw), { authorType: 'bot' }],
  ['decodeRead', (raw) => wire.decodeRead(raw), { messageId: 'm' }],
  ['decodeSession', (raw) => wire.decodeSession(raw, NOW, BASE), { id: 's', ttl: 60, messages: [MESSAGE] }],
  ['decodeSendReceipt', (raw) => wire.decodeSendReceipt(raw, NOW), { id: 'm', createdAt: 1 }],
  ['decodeUpload', (raw) => wire.decodeUpload(raw, BASE), [FILE]],
  ['decodeErrorMessage', (raw) => wire.decodeErrorMessage(raw), { message: 'm' }],
];

/** The template with the generated value's fields laid over it (or the value itself). */
function over(template: object, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(template)) return [...template, ...(Array.isArray(value) ? value : [value])];
  return { ...template, ...value };
}

describe('TWIN decoders under generated shapes', () => {
  const cases = shapes(1500, { fields: FIELDS });
  // What the wire can deliver: the same shapes after a JSON round trip (computed once).
  const wireCases = cases.flatMap(([seed, value]): Array<[number, unknown]> => {
    const text = jsonOf(value);
    return text === null ? [] : [[seed, JSON.parse(text)]];
  });

  it.each(DECODERS)('%s never throws, for any value or its JSON round trip', (_name, decode, template) => {
    const failed = failures([...cases, ...wireCases], (value) => {
      decode(value);
      decode(over(template, value));
    });
    expect(failed).toEqual([]);
  });

  it('every decoded message and session is safe to render', () => {
    const failed = failures(cases, (value) => {
      const m = wire.decodeMessage(over(MESSAGE, value), NOW, BASE);
      if (m) expectRenderable(m);
      for (const g of wire.decodeSession({ id: 's', messages: [value, over(MESSAGE, value)] }, NOW, BASE)
        ?.messages ?? [])
        expectRenderable(g);
    });
    expect(failed).toEqual([]);
  });

  it('a type whose toString is not callable is ignored, not fatal (JSON can carry one)', () => {
    const raw = JSON.parse(JSON.stringify({ id: 'm1', body: 'still shown', type: noToString() }));
    expect(wire.decodeMessage(raw, NOW)).toMatchObject({ id: 'm1', text: 'still shown', kind: 'regular' });
  });

  it.each([
    ['1e17 ms', 1e17],
    ['nanoseconds', 1.7e18],
    ['an ISO string past year 275760', '+275760-09-13T00:00:00.001Z'],
    ['the year 200000', 6.25e15],
  ])('createdAt of %s shows as the arrival time', (_why, createdAt) => {
    expect(wire.decodeMessage({ id: 'm', body: 'x', createdAt }, NOW)?.at).toBe(NOW);
    expect(wire.decodeSendReceipt({ id: 'm', createdAt }, NOW)?.at).toBe(NOW);
  });
});
