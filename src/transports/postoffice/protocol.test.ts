import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeFrame,
  decodeToken,
  encodeHeartbeat,
  encodeMessage,
  handshakeStatus,
  MAX_FRAME_CHARS,
  socketUrl,
} from './protocol';

const ME = 'web_visitor';
const BOT = '/service/acme/bot';
const frame = (extra: Record<string, unknown>) =>
  JSON.stringify({ from: BOT, to: ME, subject: 'chat', type: 'msg', content: 'hi', ...extra });

describe('postoffice protocol', () => {
  afterEach(() => vi.restoreAllMocks());

  it('builds the socket URL with clientID, startTime and token, ws for http and wss for https', () => {
    const url = new URL(socketUrl('https://router.example.com/ws', '/service/a b', 1700000000123, 'tok'));
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe('/ws');
    expect(url.searchParams.get('clientID')).toBe('/service/a b');
    expect(url.searchParams.get('startTime')).toBe('1700000000123');
    expect(url.searchParams.get('token')).toBe('tok');
    expect(new URL(socketUrl('http://127.0.0.1:8080/', ME, 1)).protocol).toBe('ws:');
    expect(new URL(socketUrl('ws://h/', ME, 1)).searchParams.has('token')).toBe(false);
  });

  it('sends a msg frame with createTime in ms and the client id as its id', () => {
    const sent = JSON.parse(
      encodeMessage({ clientId: 'c1', text: 'hello' }, { me: ME, to: BOT, subject: 'chat' }, 1700000000123),
    );
    expect(sent).toEqual({
      from: ME,
      to: BOT,
      subject: 'chat',
      content: 'hello',
      type: 'msg',
      createTime: 1700000000123,
      id: 'c1',
    });
  });

  it('names the answered message in inReplyTo only when the bot gave it an id', () => {
    const a = { me: ME, to: BOT, subject: 'chat' };
    expect(JSON.parse(encodeMessage({ clientId: 'c', text: 'x', replyToId: 'm-7' }, a, 1)).inReplyTo).toBe(
      'm-7',
    );
    const local = decodeFrame(frame({}), ME);
    const invented = local?.kind === 'message' ? local.message.id : '';
    expect(
      JSON.parse(encodeMessage({ clientId: 'c', text: 'x', replyToId: invented }, a, 1)),
    ).not.toHaveProperty('inReplyTo');
  });

  it('addresses heartbeats to our own mailbox', () => {
    expect(JSON.parse(encodeHeartbeat(ME, 'hb-1:3', 5))).toEqual({
      from: ME,
      to: ME,
      subject: 'Heartbeat',
      content: 'Keep-Alive',
      type: 'heartbeat',
      createTime: 5,
      id: 'hb-1:3',
    });
  });

  it('decodes a text message from the bot, createTime in seconds or milliseconds', () => {
    const secs = decodeFrame(frame({ createTime: 1623456789, inReplyTo: 'c1' }), ME);
    expect(secs).toMatchObject({
      kind: 'message',
      inReplyTo: 'c1',
      message: { text: 'hi', at: 1623456789000, author: { kind: 'bot', id: BOT } },
    });
    const ms = decodeFrame(frame({ createTime: 1623456789123 }), ME);
    expect(ms?.kind === 'message' && ms.message.at).toBe(1623456789123);
  });

  it('keeps the id a bot gives a frame, and invents distinct ones otherwise', () => {
    const given = decodeFrame(frame({ id: 'm-1' }), ME);
    expect(given?.kind === 'message' && given.message.id).toBe('m-1');
    const a = decodeFrame(frame({}), ME);
    const b = decodeFrame(frame({}), ME);
    expect(a?.kind === 'message' && b?.kind === 'message' && a.message.id !== b.message.id).toBe(true);
  });

  it('shows JSON content with text, answers and attachments richly, unsafe URLs dropped', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const content = {
      text: 'Choose',
      answers: ['yes', { id: 'n', text: 'no' }, 42],
      attachments: [
        { name: 'a.pdf', url: 'https://files.example.com/a.pdf', contentType: 'application/pdf', size: 10 },
        { name: 'x', url: 'javascript:alert(1)' },
      ],
    };
    const out = decodeFrame(frame({ content }), ME);
    expect(out?.kind === 'message' && out.message).toMatchObject({
      text: 'Choose',
      answers: [{ text: 'yes' }, { text: 'no', id: 'n' }],
      attachments: [
        { name: 'a.pdf', url: 'https://files.example.com/a.pdf', contentType: 'application/pdf', size: 10 },
      ],
    });
    // The same object sent as a JSON string (bots that serialise content twice).
    const twice = decodeFrame(frame({ content: JSON.stringify({ text: 'Pick', answers: ['a'] }) }), ME);
    expect(twice?.kind === 'message' && twice.message).toMatchObject({
      text: 'Pick',
      answers: [{ text: 'a' }],
    });
  });

  it('shows any other content as text', () => {
    const text = (content: unknown) => {
      const out = decodeFrame(frame({ content }), ME);
      return out?.kind === 'message' ? out.message.text : null;
    };
    expect(text({ weather: 'sunny' })).toBe('{"weather":"sunny"}');
    expect(text(42)).toBe('42');
    expect(text(['a'])).toBe('["a"]');
    expect(text('{not json')).toBe('{not json');
    expect(text('<b>bold</b>')).toBe('<b>bold</b>');
  });

  it('recognises our own heartbeat coming back, and ignores other heartbeats and logs', () => {
    const hb = (from: string, id?: string) =>
      JSON.stringify({ from, to: ME, type: 'heartbeat', subject: 'Heartbeat', content: 'Keep-Alive', id });
    expect(decodeFrame(hb(ME, 'hb-x:1'), ME)).toEqual({ kind: 'echo', id: 'hb-x:1' });
    expect(decodeFrame(hb(BOT, 'hb-x:1'), ME)).toBeNull();
    expect(decodeFrame(hb(ME), ME)).toBeNull();
    expect(decodeFrame(frame({ type: 'log' }), ME)).toBeNull();
  });

  it('ignores frames not addressed to the visitor, and accepts it among several recipients', () => {
    expect(decodeFrame(frame({ to: 'someone_else' }), ME)).toBeNull();
    expect(decodeFrame(frame({ to: ['someone_else'] }), ME)).toBeNull();
    expect(decodeFrame(frame({ to: ['someone_else', ME] }), ME)?.kind).toBe('message');
  });

  it('does not show a message that claims to come from the visitor (from is not verified)', () => {
    expect(decodeFrame(frame({ from: ME }), ME)).toBeNull();
  });

  it('drops malformed frames with one warning each and never throws', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bad: unknown[] = [
      'not json',
      new ArrayBuffer(4),
      'x'.repeat(MAX_FRAME_CHARS + 1),
      '[1,2]',
      'null',
      JSON.stringify({ to: ME, type: 'msg', content: 'no from' }),
      JSON.stringify({ from: BOT, to: ME, content: 'no type' }),
      frame({ content: undefined }),
      frame({ content: 'x'.repeat(70_000) }),
    ];
    for (const raw of bad) expect(decodeFrame(raw, ME)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(bad.length);
    for (const call of warn.mock.calls) expect(String(call.join(' ')).length).toBeLessThan(300);
  });

  it('reads the token answer: expires in ms or seconds, or ttl from now', () => {
    expect(decodeToken({ token: 't', expires: 1732256675685, ttl: 5 }, 0)).toEqual({
      token: 't',
      expires: 1732256675685,
    });
    expect(decodeToken({ token: 't', expires: 1732256675 }, 0)).toEqual({
      token: 't',
      expires: 1732256675000,
    });
    expect(decodeToken({ token: 't', ttl: 60 }, 1000)).toEqual({ token: 't', expires: 61_000 });
    expect(decodeToken({ token: 't' }, 0)).toEqual({ token: 't' });
    for (const bad of [null, 'x', {}, { token: '' }, { token: 5 }, { token: 'x'.repeat(5000) }])
      expect(decodeToken(bad, 0)).toBeNull();
  });

  it('reads the HTTP status of a refused handshake when the WebSocket tells it', () => {
    expect(handshakeStatus({ message: 'Unexpected server response: 409' })).toBe(409);
    expect(handshakeStatus({ error: new Error('Unexpected server response: 503') })).toBe(503);
    expect(handshakeStatus(new Event('error'))).toBeUndefined();
    expect(handshakeStatus(null)).toBeUndefined();
  });
});
