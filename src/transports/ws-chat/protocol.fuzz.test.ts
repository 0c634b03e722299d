/**
 * Decoders never throw: thousands of generated shapes (see core/test-shapes.ts) through every
 * ws-chat decoder. Whatever a decoder returns must be safe to render: a time `Date` can hold and
 * not in the far future, strings where strings are expected.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DATE_MS, MAX_FUTURE_MS } from '../../core/guards';
import { failures, jsonOf, noToString, shapes } from '../../core/test-shapes';
import type { IncomingMessage } from '../../core/types';
import { decodeTokenResponse, parseFrame } from './protocol';
import { decodeEnvelope, decodeHistoryPage } from './protocol-envelope';
import { decodeFlatFrame as decodeFrameObject, decodeFlatHistory as decodeHistory } from './protocol-flat';
import { decodeUpload } from './protocol-upload';

/** A socket frame as the adapter reads it in the flat generation. */
const decodeFrame = (raw: unknown, customerId: string) => {
  const frame = parseFrame(raw);
  return frame ? decodeFrameObject(frame, customerId) : null;
};

const CUSTOMER = 'cust-1';
const FIELDS = [
  'content',
  'senderId',
  'senderType',
  'senderName',
  'timestamp',
  'id',
  'messageId',
  'conversationId',
  'metadata',
  'clientMessageId',
  'channel',
  'success',
  'data',
  'customerId',
  'token',
  // the envelope generation
  'event',
  'payload',
  'message',
  'text',
  'createdAt',
  'attachments',
  'isMine',
  'agentName',
  'agentId',
  'session',
  'status',
  'url',
  'sizeKb',
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
  expect(m.at).toBeLessThanOrEqual(Date.now() + MAX_FUTURE_MS);
  expect(() => new Date(m.at).toISOString()).not.toThrow();
  expect(['visitor', 'bot', 'operator', 'system']).toContain(m.author.kind);
  if (m.author.name !== undefined) expect(typeof m.author.name).toBe('string');
}

describe('ws-chat decoders under generated shapes', () => {
  const cases = shapes(1500, { fields: FIELDS });

  it('decodeFrame never throws, for the JSON text of any shape', () => {
    const failed = failures(cases, (value) => {
      const text = jsonOf(value);
      const out = text === null ? null : decodeFrame(text, CUSTOMER);
      if (out) expectRenderable(out.message);
    });
    expect(failed).toEqual([]);
  });

  it('decodeFrameObject, decodeHistory and decodeTokenResponse never throw, whatever the object holds', () => {
    const failed = failures(cases, (value) => {
      const obj = { content: 'x', ...(typeof value === 'object' && value !== null ? value : {}) };
      const one = decodeFrameObject(obj, CUSTOMER);
      if (one) expectRenderable(one.message);
      for (const m of decodeHistory({ success: true, data: [value, obj] }, CUSTOMER) ?? [])
        expectRenderable(m);
      decodeTokenResponse(value);
      decodeTokenResponse({ success: true, data: value });
    });
    expect(failed).toEqual([]);
  });

  it('the envelope decoders never throw, whatever the event, its payload, a page or an upload answer holds', () => {
    const names = () => undefined;
    const failed = failures(cases, (value) => {
      for (const event of [
        'newMessage',
        'agentTyping',
        'workflowStatus',
        'sessionUpdated',
        'error',
        'ping',
      ]) {
        const out = decodeEnvelope({ event, payload: value }, names);
        if (out?.type === 'message') expectRenderable(out.message);
        const nested = decodeEnvelope({ event, payload: { message: value, session: value } }, names);
        if (nested?.type === 'message') expectRenderable(nested.message);
      }
      if (typeof value === 'object' && value !== null)
        decodeEnvelope(value as Record<string, unknown>, names);
      for (const item of decodeHistoryPage(
        { content: [value, { id: 'x', text: 'y', ...Object(value) }] },
        names,
      )?.items ?? [])
        expectRenderable(item.message);
      decodeHistoryPage(value, names);
      decodeUpload(value);
      decodeUpload({ success: true, data: value });
    });
    expect(failed).toEqual([]);
  });

  it('a field whose toString is not callable is ignored, not fatal (JSON can carry one)', () => {
    const text = JSON.stringify({
      senderId: 'a',
      senderType: noToString(),
      senderName: noToString(),
      content: 'still shown',
      timestamp: noToString(),
    });
    expect(decodeFrame(text, CUSTOMER)?.message.text).toBe('still shown');
  });
});
