/**
 * Issue 8, finding 2: decoders never throw. The TWIN and ws-chat decoders have fuzz tests beside
 * them; this one runs generated shapes (src/core/test-shapes.ts) through every other adapter's
 * decoders (nchan, postoffice, chatfaq, the tab bus, the Socket.IO client), raw and laid over a
 * valid frame so the fuzz reaches past the first check. Any message they return must be safe to
 * render: a time a `Date` can hold.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTime } from '../src/core/guards';
import { failures, jsonOf, shapes } from '../src/core/test-shapes';
import * as chatfaq from '../src/transports/chatfaq/protocol';
import * as nchan from '../src/transports/nchan/protocol';
import * as postoffice from '../src/transports/postoffice/protocol';
import { decodeHandshake } from '../src/transports/socketio/engine';
import { decodePacket } from '../src/transports/socketio/parser';
import * as tabs from '../src/transports/tabs/protocol';

const FIELDS = [
  'id',
  'text',
  'body',
  'headers',
  'x-message-id',
  'x-sender',
  'x-sender-name',
  'x-request-id',
  'at',
  'from',
  'to',
  'type',
  'content',
  'createTime',
  'inReplyTo',
  'label',
  'name',
  'url',
  'size',
  'contentType',
  'status',
  'payload',
  'stack',
  'stack_id',
  'sender',
  'last',
  'last_chunk',
  'send_time',
  'replies',
  'files',
  'metadata',
  'author',
  'kind',
  'attachments',
  'answers',
  'clientId',
  'event',
  'op',
  't',
  'value',
  'error',
  'code',
  'retryable',
  'sid',
  'pingInterval',
  'pingTimeout',
  'token',
  'expires',
  'ttl',
];

const NOW = Date.now();
const text = (v: unknown) => jsonOf(v) ?? '';

/** Each decoder as its adapter calls it, with a valid input to lay generated fields over. */
const DECODERS: Array<[string, (v: unknown) => unknown, object]> = [
  [
    'nchan decodeEnvelope',
    (v) => nchan.decodeEnvelope(text(v), 'n1'),
    { headers: { 'x-message-id': 'm', 'x-sender': 'bot' }, body: { text: 'x', at: 1 } },
  ],
  ['nchan splitFrame', (v) => nchan.splitFrame(`id: 1\n\n${text(v)}`, true), {}],
  ['nchan decodeToken', (v) => nchan.decodeToken(v), { token: 't' }],
  [
    'postoffice decodeFrame',
    (v) => postoffice.decodeFrame(text(v), '/me'),
    { from: '/bot', to: '/me', type: 'message', id: 'm', content: { text: 'x' }, createTime: 1 },
  ],
  ['postoffice decodeToken', (v) => postoffice.decodeToken(v, NOW), { token: 't', expires: NOW + 1000 }],
  ['postoffice handshakeStatus', (v) => postoffice.handshakeStatus(v), {}],
  [
    'chatfaq decodeFrame',
    (v) => chatfaq.decodeFrame(text(v), NOW),
    {
      status: 200,
      type: 'message',
      stack_id: 's',
      last: true,
      sender: { type: 'bot' },
      stack: [{ type: 'message', payload: { content: 'x' } }],
    },
  ],
  ['tabs decodeTabMessage', (v) => tabs.decodeTabMessage(v), { t: 'tx:event', from: 'a' }],
  [
    'tabs decodeIncoming',
    (v) => tabs.decodeIncoming(v),
    { id: 'm', text: 'x', at: 1, author: { kind: 'bot' } },
  ],
  ['tabs decodeStatus', (v) => tabs.decodeStatus(v), { status: 'connected' }],
  ['tabs decodeReceipt', (v) => tabs.decodeReceipt(v), { id: 'm', confirmed: true }],
  ['tabs decodeUploadResult', (v) => tabs.decodeUploadResult(v), { id: 'f', name: 'a.png' }],
  ['socket.io decodePacket', (v) => decodePacket(`2${text(v)}`), {}],
  [
    'engine.io decodeHandshake',
    (v) => decodeHandshake(text(v)),
    { sid: 's', pingInterval: 1, pingTimeout: 1 },
  ],
];

function over(template: object, value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ...template, ...value }
    : value;
}

/** Every message-like object in a decoder's result has a time a Date can hold. */
function expectRenderable(out: unknown, seen = new Set<unknown>()): void {
  if (typeof out !== 'object' || out === null || seen.has(out)) return;
  seen.add(out);
  const o = out as Record<string, unknown>;
  if (typeof o.text === 'string' && 'at' in o && 'author' in o) expect(isTime(o.at)).toBe(true);
  for (const v of Object.values(o)) expectRenderable(v, seen);
}

const quiet = { warn: console.warn, debug: console.debug };
beforeEach(() => {
  console.warn = () => {};
  console.debug = () => {};
});
afterEach(() => {
  console.warn = quiet.warn;
  console.debug = quiet.debug;
});

describe('every other decoder under generated shapes', () => {
  const cases = shapes(1000, { fields: FIELDS });

  it.each(DECODERS)('%s never throws and returns what can be rendered', (_name, decode, template) => {
    const failed = failures(cases, (value) => {
      expectRenderable(decode(value));
      expectRenderable(decode(over(template, value)));
    });
    expect(failed).toEqual([]);
  });
});
