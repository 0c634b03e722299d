import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeTokenResponse,
  encodeTokenRequest,
  MAX_FRAME_CHARS,
  parseFrame,
  socketUrl,
  tokenUrl,
} from './protocol';
import {
  decodeFlatFrame,
  decodeFlatHistory as decodeHistory,
  encodeFlatMessage as encodeMessage,
  flatHistoryUrl as historyUrl,
} from './protocol-flat';

/** A socket frame as the adapter reads it: parsed, then decoded as a flat frame. */
const decodeFrame = (raw: unknown, customerId: string) => {
  const frame = parseFrame(raw);
  return frame ? decodeFlatFrame(frame, customerId) : null;
};

const CUSTOMER = 'cust-uuid';
afterEach(() => vi.restoreAllMocks());

describe('ws-chat URLs', () => {
  it('derives the token and socket URLs from the server', () => {
    expect(tokenUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/api/v1/public/customer-token');
    expect(socketUrl('http://127.0.0.1:8080', 'cust_a b')).toBe('ws://127.0.0.1:8080/ws/chat?token=cust_a+b');
    expect(socketUrl('https://chat.example.com/', 'cust_x')).toBe(
      'wss://chat.example.com/ws/chat?token=cust_x',
    );
  });
});

describe('decodeTokenResponse', () => {
  it('reads the guide answer', () => {
    const body = { success: true, data: { customerId: 'c1', token: 'cust_1', name: 'n', channel: 'WEB' } };
    expect(decodeTokenResponse(body)).toEqual({ customerId: 'c1', token: 'cust_1' });
  });
  it("reads the current generation's wrapped answer with the session it opened", () => {
    const body = {
      code: 200,
      message: 'success',
      success: true,
      data: { customerId: 'c1', token: 'cust_1', name: 'n', channel: 'WEB', sessionId: 's1' },
    };
    expect(decodeTokenResponse(body)).toEqual({ customerId: 'c1', token: 'cust_1', sessionId: 's1' });
  });
  it.each([
    null,
    'x',
    { success: false, data: {} },
    { success: true, data: { customerId: 'c' } },
    { success: true, data: { customerId: 1, token: 't' } },
  ])('refuses %j', (body) => expect(decodeTokenResponse(body)).toBeNull());
});

describe('encodeTokenRequest', () => {
  it('sends the visitor id as channelId (flat) and channelUserId (envelope), and the optional fields given', () => {
    const body = JSON.parse(
      encodeTokenRequest({
        name: 'Ann',
        channel: 'WEB',
        visitorId: 'web_1',
        email: 'a@b.c',
        metadata: { plan: 'pro' },
      }),
    );
    expect(body).toEqual({
      name: 'Ann',
      channel: 'WEB',
      channelId: 'web_1',
      channelUserId: 'web_1',
      email: 'a@b.c',
      metadata: { plan: 'pro' },
    });
  });
});

describe('encodeMessage', () => {
  it('puts the client id in metadata and the conversation when known', () => {
    const frame = JSON.parse(encodeMessage({ clientId: 'k1', text: 'hi' }, CUSTOMER, 'conv-1'));
    expect(frame).toEqual({
      senderId: CUSTOMER,
      content: 'hi',
      conversationId: 'conv-1',
      metadata: { type: 'text', attachments: [], clientMessageId: 'k1' },
    });
  });
  it('omits the conversation on the first message', () => {
    expect(JSON.parse(encodeMessage({ clientId: 'k1', text: 'hi' }, CUSTOMER, undefined))).not.toHaveProperty(
      'conversationId',
    );
  });
});

describe('decodeFrame', () => {
  it('decodes an agent reply from the guide', () => {
    const raw = JSON.stringify({
      channel: 'WEB',
      conversationId: 'c',
      senderId: 'agent-id',
      content: 'reply',
      timestamp: '2024-01-15T10:30:00Z',
    });
    const out = decodeFrame(raw, CUSTOMER);
    expect(out?.conversationId).toBe('c');
    expect(out?.message).toMatchObject({
      text: 'reply',
      at: Date.parse('2024-01-15T10:30:00Z'),
      author: { kind: 'bot', id: 'agent-id' },
    });
  });

  it('recognises the echo of our own message by sender and client id', () => {
    const raw = JSON.stringify({
      conversationId: 'c',
      senderId: CUSTOMER,
      content: 'hi',
      id: 's1',
      metadata: { clientMessageId: 'k1' },
    });
    expect(decodeFrame(raw, CUSTOMER)?.message).toMatchObject({
      id: 's1',
      clientId: 'k1',
      author: { kind: 'visitor' },
    });
  });

  it('marks human agents as operators with their name', () => {
    const raw = JSON.stringify({ senderId: 'a1', senderType: 'agent', senderName: 'Mia', content: 'hello' });
    expect(decodeFrame(raw, CUSTOMER)?.message.author).toEqual({ kind: 'operator', id: 'a1', name: 'Mia' });
  });

  it('gives a replayed frame without id the same synthetic id', () => {
    const raw = JSON.stringify({ senderId: 'a', content: 'same', timestamp: '2024-01-15T10:30:00Z' });
    expect(decodeFrame(raw, CUSTOMER)?.message.id).toBe(decodeFrame(raw, CUSTOMER)?.message.id);
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an object', '[1,2]'],
    ['a number', '42'],
    ['content missing', JSON.stringify({ senderId: 'a' })],
    ['content not a string', JSON.stringify({ senderId: 'a', content: { html: '<b>' } })],
    ['huge content', JSON.stringify({ senderId: 'a', content: 'x'.repeat(70_000) })],
    ['oversized frame', 'x'.repeat(MAX_FRAME_CHARS + 1)],
    ['binary', new ArrayBuffer(4)],
  ])('drops %s with one warning', (_name, raw) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(decodeFrame(raw, CUSTOMER)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe('[parley]');
    // A log line never carries a whole hostile frame.
    expect(String(warn.mock.calls[0]?.slice(1).join(' ')).length).toBeLessThan(300);
  });

  it('ignores wrongly typed optional fields instead of failing', () => {
    const raw = JSON.stringify({
      senderId: 7,
      content: 'ok',
      timestamp: 'not a date',
      conversationId: 5,
      metadata: 'x',
    });
    const out = decodeFrame(raw, CUSTOMER);
    expect(out?.message.text).toBe('ok');
    expect(out?.conversationId).toBeUndefined();
    expect(Number.isFinite(out?.message.at)).toBe(true);
  });
});

describe('history', () => {
  it('builds the URL without the token (it goes in a header)', () => {
    expect(historyUrl('http://127.0.0.1:8080', 'c/1')).toBe(
      'http://127.0.0.1:8080/api/v1/public/conversations/c%2F1/messages',
    );
  });

  it('keeps the good frames of a history answer and drops the bad ones', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const out = decodeHistory(
      {
        success: true,
        data: [
          { senderId: 'bot', content: 'one', id: 'a' },
          { content: 5 },
          'x',
          { senderId: CUSTOMER, content: 'mine', id: 'b', metadata: { clientMessageId: 'k' } },
        ],
      },
      CUSTOMER,
    );
    expect(out?.map((m) => [m.id, m.author.kind, m.clientId])).toEqual([
      ['a', 'bot', undefined],
      ['b', 'visitor', 'k'],
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([null, { success: false }, { success: true, data: 'x' }])('refuses %j', (body) => {
    expect(decodeHistory(body, CUSTOMER)).toBeNull();
  });
});
