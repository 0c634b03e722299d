// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import * as wire from './protocol';

const NOW = 1_700_000_000_000;
const BASE = 'https://tcl.twin24.ai';
let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const file = (over: Record<string, unknown> = {}) => ({
  id: 'f1',
  isPrivate: false,
  contentType: 'image/png',
  name: 'bot.png',
  baseName: 'bot',
  extension: 'png',
  size: '12400',
  url: '/internal/bot.png',
  downloadLink: 'https://files.twin24.ai/f1/bot.png',
  ...over,
});

describe('chatMessageCreatedEmit', () => {
  const message = {
    id: 'm1',
    authorId: 'op-7',
    authorType: 'operator',
    authorName: 'Anna',
    type: 'HELP',
    body: 'How can I help?',
    answers: ['Yes', { label: 'No', id: 2 }, { text: 'Maybe' }, 42, {}],
    createdAt: '2018-10-31T11:56:07+00:00',
    sessionId: 's1',
    attachments: [file()],
    actions: [],
    avatar: 'https://cdn.twin24.ai/anna.png',
  };

  it('decodes every documented field into a domain message', () => {
    expect(wire.decodeMessage(message, NOW, BASE)).toEqual({
      id: 'm1',
      text: 'How can I help?',
      at: Date.parse('2018-10-31T11:56:07+00:00'),
      author: { kind: 'operator', id: 'op-7', name: 'Anna', avatarUrl: 'https://cdn.twin24.ai/anna.png' },
      kind: 'help',
      answers: [{ text: 'Yes' }, { text: 'No', id: '2' }, { text: 'Maybe' }],
      attachments: [
        {
          id: 'f1',
          name: 'bot.png',
          url: 'https://files.twin24.ai/f1/bot.png',
          contentType: 'image/png',
          size: 12400,
        },
      ],
    });
  });

  it('maps the message types and defaults unknown ones to regular', () => {
    const kind = (type: unknown) => wire.decodeMessage({ ...message, type }, NOW)?.kind;
    expect([kind('TERMINAL'), kind('regular'), kind('help'), kind('SOMETHING'), kind(undefined)]).toEqual([
      'terminal',
      'regular',
      'help',
      'regular',
      'regular',
    ]);
  });

  it('drops what is not a message, and says so once per drop', () => {
    for (const bad of [
      null,
      'text',
      [],
      { id: 'x' },
      { id: 'x', body: 5 },
      { body: 'no id' },
      { id: 'x', body: 'y'.repeat(70_000) },
    ]) {
      expect(wire.decodeMessage(bad, NOW)).toBeNull();
    }
    expect(warn).toHaveBeenCalledTimes(7);
    expect(String(warn.mock.calls[6]?.[1])).toContain('too long');
  });

  it('keeps only http(s) URLs: javascript: and data: attachments and avatars are dropped', () => {
    const m = wire.decodeMessage(
      {
        ...message,
        avatar: 'javascript:alert(1)',
        attachments: [
          file({ downloadLink: 'javascript:alert(1)', url: ' java\tscript:alert(1)' }),
          file({ downloadLink: 'data:text/html,<script>alert(1)</script>', url: undefined }),
          file({ id: 'ok', downloadLink: undefined, url: '/files/ok.png' }),
          'not a file',
        ],
      },
      NOW,
      BASE,
    );
    expect(m?.author.avatarUrl).toBeUndefined();
    expect(m?.attachments).toEqual([
      {
        id: 'ok',
        name: 'bot.png',
        url: 'https://tcl.twin24.ai/files/ok.png',
        contentType: 'image/png',
        size: 12400,
      },
    ]);
  });

  it('accepts an avatar given as a file object, ids as numbers, and a missing createdAt', () => {
    const m = wire.decodeMessage(
      { id: 7, body: '', authorType: 'bot', avatar: { downloadLink: 'https://x.test/a.png' } },
      NOW,
    );
    expect(m).toEqual({
      id: '7',
      text: '',
      at: NOW,
      author: { kind: 'bot', avatarUrl: 'https://x.test/a.png' },
      kind: 'regular',
    });
  });

  it('names an attachment from baseName and extension when name is missing, and reads numeric sizes', () => {
    expect(
      wire.decodeAttachment({ baseName: 'report', extension: 'pdf', size: 10, url: 'https://x.test/r' }),
    ).toEqual({
      name: 'report.pdf',
      url: 'https://x.test/r',
      size: 10,
    });
    expect(wire.decodeAttachment({ size: 'lots', url: 'https://x.test/r' })?.size).toBeUndefined();
  });
});

describe('operator notices and other events', () => {
  const notice = {
    id: 'n1',
    operatorId: 'op-2',
    operatorName: 'Boris',
    avatar: 'https://x.test/b.png',
    previousOperatorId: 'op-1',
    previousOperatorName: 'Anna',
    previousOperatorAvatar: 'javascript:void(0)',
  };

  it('tells an operator notice from a message by operatorId without body, whatever the event', () => {
    expect(wire.isOperatorNotice(notice)).toBe(true);
    expect(wire.isOperatorNotice({ ...notice, body: 'hi' })).toBe(false);
    expect(wire.isOperatorNotice({ ...notice, body: null })).toBe(true);
    expect(wire.isOperatorNotice({ id: 'm', body: 'x' })).toBe(false);
    expect(wire.isOperatorNotice('x')).toBe(false);
  });

  it('decodes the operator and the previous one', () => {
    expect(wire.decodeOperatorChange(notice)).toEqual({
      operator: { kind: 'operator', id: 'op-2', name: 'Boris', avatarUrl: 'https://x.test/b.png' },
      previous: { kind: 'operator', id: 'op-1', name: 'Anna' },
    });
    expect(wire.decodeOperatorChange({ operatorId: 'op-9' })).toEqual({
      operator: { kind: 'operator', id: 'op-9' },
    });
    expect(wire.decodeOperatorChange({ operatorId: {} })).toBeNull();
  });

  it('decodes typing, read receipts and operator status', () => {
    expect(wire.decodeTyping({ authorType: 'operator' })).toEqual({ on: true, author: { kind: 'operator' } });
    expect(wire.decodeTyping(undefined)).toEqual({ on: true, author: { kind: 'bot' } });
    expect(wire.decodeRead({ messageId: 'm1' })).toEqual({ messageId: 'm1' });
    expect(wire.decodeRead({ messageId: ['m1'] })).toBeNull();
    expect(
      wire.decodeOperatorStatus({ operatorId: 'o', previousStatus: 'away', currentStatus: 'online' }),
    ).toEqual({
      operatorId: 'o',
      status: 'online',
      loggedOut: false,
    });
    expect(wire.decodeOperatorStatus({ operatorId: 'o' })).toEqual({ operatorId: 'o', loggedOut: true });
    expect(wire.decodeOperatorStatus({})).toBeNull();
  });
});

describe('REST answers', () => {
  it('decodes the session answer and gives the greeting stable ids', () => {
    const s = wire.decodeSession(
      {
        id: 's1',
        clientId: 'c1',
        startedAt: '2018-10-31T11:56:07+00:00',
        ttl: 3600,
        messages: [
          {
            body: 'Hello!',
            answers: ['string'],
            actions: [{ k: 'v' }],
            attachments: [file({ sugestedExtension: 'png' })],
          },
          { body: 42 },
          { body: 'Second' },
        ],
      },
      NOW,
      BASE,
    );
    expect(s?.id).toBe('s1');
    expect(s?.ttlSeconds).toBe(3600);
    expect(s?.messages.map((m) => [m.id, m.text, m.author.kind, m.attachments?.length])).toEqual([
      ['s1:init:0', 'Hello!', 'bot', 1],
      ['s1:init:2', 'Second', 'bot', undefined],
    ]);
  });

  it('falls back to a 30-minute ttl and refuses a session without id', () => {
    expect(wire.decodeSession({ id: 's', ttl: 'long' }, NOW)?.ttlSeconds).toBe(1800);
    expect(wire.decodeSession({ ttl: 5 }, NOW)).toBeNull();
    expect(wire.decodeSession('<html>', NOW)).toBeNull();
  });

  it('decodes send and upload answers', () => {
    expect(wire.decodeSendReceipt({ id: 'm9', createdAt: '2018-10-31T11:56:07+00:00' }, NOW)).toEqual({
      id: 'm9',
      at: Date.parse('2018-10-31T11:56:07+00:00'),
    });
    expect(wire.decodeSendReceipt({}, NOW)).toBeNull();
    expect(wire.decodeUpload([file({ id: 'c419' })], BASE)).toEqual({
      id: 'c419',
      name: 'bot.png',
      url: 'https://files.twin24.ai/f1/bot.png',
      contentType: 'image/png',
      size: 12400,
    });
    expect(wire.decodeUpload({ id: 'x' })).toBeNull();
    expect(wire.decodeErrorMessage({ message: 'Chat not found' })).toBe('Chat not found');
  });
});

describe('encoders', () => {
  it('writes the session start, the message and the acknowledgement as the seed shows', () => {
    expect(wire.encodeSessionStart('Ann')).toEqual({ name: 'Ann' });
    expect(wire.encodeSessionStart('Ann', 'ext-1', { plan: 'pro' })).toEqual({
      name: 'Ann',
      clientExternalId: 'ext-1',
      clientMetadata: { plan: 'pro' },
    });
    expect(wire.encodeSend({ clientId: 'c', text: 'hi' })).toEqual({ body: 'hi' });
    expect(wire.encodeSend({ clientId: 'c', text: 'see', attachmentIds: ['f1'], replyToId: 'm1' })).toEqual({
      body: 'see',
      attachments: ['f1'],
      replyToMessageId: 'm1',
    });
    expect(wire.encodeSend({ clientId: 'c', text: 'help', replyToId: 's1:init:0' })).toEqual({
      body: 'help',
    });
    expect(wire.encodeReceived('m1')).toEqual({ action: 'chatMessageCreated', data: { id: 'm1' } });
  });
});
