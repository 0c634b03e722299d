import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../../core/storage';
import {
  channelUrl,
  decodeEnvelope,
  decodeToken,
  encodeMessage,
  resumeId,
  socketUrl,
  splitFrame,
} from './protocol';
import { MAX_SEEN, ResumeState } from './resume';

const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
afterEach(() => warn.mockClear());

const envelope = (headers: unknown, body: unknown) => JSON.stringify({ headers, body });

describe('nchan URLs', () => {
  it('puts the conversation id into the path, keeps a path prefix of the server and adds the query', () => {
    const url = channelUrl('https://chat.example.com/nchan/', '/chat/{id}', 'a b', {
      token: 't/1',
      lastEventId: '17:0',
    });
    expect(url.href).toBe('https://chat.example.com/nchan/chat/a%20b?token=t%2F1&last_event_id=17%3A0');
    expect(socketUrl('http://127.0.0.1:8081', '/single/{id}', 'x', {})).toBe('ws://127.0.0.1:8081/single/x');
    expect(socketUrl('https://h', '/c/{id}', 'x', {})).toMatch(/^wss:/);
  });
});

describe('resumeId', () => {
  it('resumes from the start of the second before the last id (ids restart after a restart)', () => {
    expect(resumeId('1796168478:3')).toBe('1796168477:0');
    expect(resumeId('1796168478:[0,2]')).toBe('1796168477:0');
    expect(resumeId('0:5')).toBe('0:0');
    expect(resumeId('not-an-id')).toBe('not-an-id');
  });
});

describe('splitFrame', () => {
  it('splits a ws+meta.nchan frame into its id and body, the body keeping its own blank lines', () => {
    expect(splitFrame('id: 17:0\ncontent-type: text/plain\n\n{"a":1}\n\nmore', true)).toEqual({
      id: '17:0',
      body: '{"a":1}\n\nmore',
    });
    expect(splitFrame('id: 17:1\n\nPING', true)).toEqual({ id: '17:1', body: 'PING' });
    expect(splitFrame('{"a":1}', false)).toEqual({ body: '{"a":1}' });
  });

  it('drops binary, oversized and header-less meta frames with a warning', () => {
    expect(splitFrame(new ArrayBuffer(4), true)).toBeNull();
    expect(splitFrame('x'.repeat(300_000), false)).toBeNull();
    expect(splitFrame('{"a":1}', true)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls.every((c) => c[0] === '[parley]')).toBe(true);
  });
});

describe('the envelope', () => {
  it("encodes seed 004's shape with the client id as x-request-id", () => {
    expect(JSON.parse(encodeMessage({ clientId: 'c1', text: 'hi', replyToId: 'm9' }))).toEqual({
      headers: { 'x-request-id': 'c1', 'x-sender': 'visitor' },
      body: { text: 'hi', replyTo: 'm9' },
    });
  });

  it('decodes a bot reply naming the message it answers', () => {
    const frame = envelope(
      { 'X-Request-Id': 'c1', 'x-message-id': 'm1', 'x-sender': 'operator', 'x-sender-name': 'Anna' },
      { text: 'hello', at: 1_700_000_000_000 },
    );
    expect(decodeEnvelope(frame, '17:0')).toEqual({
      requestId: 'c1',
      message: { id: 'm1', text: 'hello', at: 1_700_000_000_000, author: { kind: 'operator', name: 'Anna' } },
    });
  });

  it('names a message without x-message-id by its nchan id, and takes a string body as the text', () => {
    const decoded = decodeEnvelope(envelope({}, 'plain text'), '17:4');
    expect(decoded?.message).toMatchObject({ id: 'nchan:17:4', text: 'plain text', author: { kind: 'bot' } });
    expect(decoded?.requestId).toBeUndefined();
  });

  it("decodes the visitor's own frame as the visitor's, with the client id", () => {
    const decoded = decodeEnvelope(encodeMessage({ clientId: 'c7', text: 'mine' }), '17:1');
    expect(decoded?.message).toMatchObject({ id: 'visitor:c7', clientId: 'c7', author: { kind: 'visitor' } });
  });

  it('treats an unknown sender as the bot and never takes a name for the visitor', () => {
    expect(
      decodeEnvelope(envelope({ 'x-sender': 'admin<script>' }, { text: 'x' }), '1:0')?.message.author,
    ).toEqual({
      kind: 'bot',
    });
    expect(
      decodeEnvelope(
        envelope({ 'x-sender': 'visitor', 'x-sender-name': 'Eve', 'x-request-id': 'c' }, { text: 'x' }),
        '1:0',
      )?.message.author,
    ).toEqual({ kind: 'visitor' });
  });

  it.each([
    ['not JSON', 'PING'],
    ['not an object', '[1,2]'],
    ['no headers', JSON.stringify({ body: { text: 'x' } })],
    ['headers not an object', envelope('x', { text: 'x' })],
    ['no text', envelope({}, { html: '<b>x</b>' })],
    ['text not a string', envelope({}, { text: 42 })],
    ['huge text', envelope({}, { text: 'x'.repeat(70_000) })],
    ['no id at all', envelope({}, { text: 'x' })],
  ])('drops a frame with %s, with one warning', (_, body) => {
    expect(decodeEnvelope(body, undefined)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('ignores oversized or mistyped header values instead of trusting them', () => {
    const decoded = decodeEnvelope(
      envelope({ 'x-request-id': 'r'.repeat(500), 'x-message-id': 5 }, { text: 'x' }),
      '2:0',
    );
    expect(decoded).toEqual({ message: expect.objectContaining({ id: 'nchan:2:0' }) });
  });
});

describe('decodeToken', () => {
  it('takes a non-empty token string and nothing else', () => {
    expect(decodeToken({ token: 'abc' })).toBe('abc');
    for (const bad of [
      null,
      'abc',
      { token: '' },
      { token: 5 },
      { token: 'x'.repeat(3000) },
      [{ token: 'a' }],
    ])
      expect(decodeToken(bad)).toBeNull();
  });
});

describe('ResumeState', () => {
  it('remembers the last id and drops a message id seen before, across instances', () => {
    const storage = memoryStore();
    const a = new ResumeState(storage);
    expect(a.accept('m1', '10:0')).toBe(true);
    expect(a.accept('m1', '10:0')).toBe(false);
    const b = new ResumeState(storage);
    expect(b.lastId).toBe('10:0');
    expect(b.accept('m1', '11:0')).toBe(false);
    expect(b.accept('m2', undefined)).toBe(true);
    expect(new ResumeState(storage).lastId).toBe('11:0');
  });

  it('keeps a bounded number of ids, forgetting the oldest', () => {
    const r = new ResumeState(memoryStore());
    for (let i = 0; i <= MAX_SEEN; i++) r.accept(`m${i}`, `${i}:0`);
    expect(r.accept('m0', undefined)).toBe(true);
    expect(r.accept(`m${MAX_SEEN}`, undefined)).toBe(false);
  });

  it('reads whatever storage holds without throwing, keeping only what decodes', () => {
    for (const raw of ['{', '[]', '{"last":5,"seen":"x"}', '{"last":"1:0","seen":[1,null,"ok"]}']) {
      const storage = memoryStore();
      storage.set('resume', raw);
      const r = new ResumeState(storage);
      expect(r.lastId === undefined || r.lastId === '1:0').toBe(true);
    }
    const storage = memoryStore();
    storage.set('resume', '{"last":"1:0","seen":[1,null,"ok"]}');
    expect(new ResumeState(storage).accept('ok', undefined)).toBe(false);
  });
});
