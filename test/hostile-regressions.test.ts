/**
 * Issue 8, "keep as regression tests": attacks an adversarial review found no way through. Each
 * test here fails if the defence goes (the others live beside the code they pin: markup and
 * schemes in src/ui, SVG and blob: in src/ui/Attachments and src/core/url, frame size caps in the
 * protocol tests, static traversal and upload headers in server/).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../src/core/storage';
import { parseMetadata } from '../src/embed/config';
import { loadMessages } from '../src/store/persistence';
import * as chatfaq from '../src/transports/chatfaq/protocol';
import * as nchan from '../src/transports/nchan/protocol';
import * as postoffice from '../src/transports/postoffice/protocol';
import { decodePacket, MAX_PACKET_CHARS } from '../src/transports/socketio/parser';
import * as tabs from '../src/transports/tabs/protocol';
import * as twin from '../src/transports/twin/protocol';
import { MAX_FRAME_CHARS, parseFrame } from '../src/transports/ws-chat/protocol';
import { decodeEnvelope, envelopeHistoryUrl } from '../src/transports/ws-chat/protocol-envelope';
import { decodeFlatFrame, flatHistoryUrl } from '../src/transports/ws-chat/protocol-flat';

const polluted = () => ({}) as Record<string, unknown>;

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  // Whatever a test did, the next one starts from a clean prototype.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('no prototype pollution', () => {
  const evil = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}';

  it('from a ws-chat frame of either generation', () => {
    const flat = parseFrame(`${evil},"content":"x","senderId":"a","metadata":${evil}}}`);
    if (flat) decodeFlatFrame(flat, 'me');
    const envelope = parseFrame(
      `${evil},"event":"newMessage","payload":${evil},"message":${evil},"id":"m","text":"x"}}}`,
    );
    if (envelope) decodeEnvelope(envelope, () => undefined);
    expect(polluted().polluted).toBeUndefined();
  });

  it('from TWIN events and answers', () => {
    const raw = JSON.parse(
      `${evil},"id":"m","body":"x","answers":[${evil}}],"attachments":[${evil},"downloadLink":"https://x.example/a"}]}`,
    );
    twin.decodeMessage(raw, Date.now());
    twin.decodeSession(JSON.parse(`${evil},"id":"s","messages":[${evil},"id":"m","body":"x"}]}`), Date.now());
    twin.decodeOperatorChange(JSON.parse(`${evil},"operatorId":"o"}`));
    expect(polluted().polluted).toBeUndefined();
  });

  it('from postoffice, nchan, ChatFAQ and tab frames', () => {
    postoffice.decodeFrame(
      `${evil},"type":"msg","from":"bot","to":"me","content":${evil},"text":"x","answers":[${evil}}]}}`,
      'me',
    );
    nchan.decodeEnvelope(`${evil},"headers":${evil}},"body":${evil},"text":"x"}}`, 'n1');
    chatfaq.decodeFrame(
      `${evil},"type":"response","stack":[${evil},"type":"message","payload":${evil},"content":"x"}}],"stack_id":"s"}`,
      Date.now(),
    );
    tabs.decodeTabMessage(
      JSON.parse(
        `${evil},"t":"tx:event","from":"a","event":${evil},"name":"message","value":${evil},"id":"m","text":"x","at":1,"author":${evil},"kind":"bot"}}}}`,
      ),
    );
    expect(polluted().polluted).toBeUndefined();
  });

  it('from data-metadata', () => {
    parseMetadata('{"__proto__":{"polluted":"yes"},"plan":"pro"}');
    const parsed = parseMetadata('{"__proto__":"yes","plan":"pro"}');
    expect(polluted().polluted).toBeUndefined();
    expect(parsed && Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('from a stored conversation', () => {
    const storage = memoryStore();
    storage.set(
      'messages',
      `[${evil},"key":"k","direction":"in","text":"x","at":1,"author":${evil},"kind":"bot"}}]`,
    );
    loadMessages(storage);
    expect(polluted().polluted).toBeUndefined();
  });
});

describe("the history call's Authorization header never reaches another origin", () => {
  it.each([
    'https://evil.example/x',
    '//evil.example/x',
    '../../../evil',
    '..%2F..%2Fevil',
    '@evil.example',
    '\\\\evil.example',
  ])('a conversation or session id of %s stays a path segment on the server', (id) => {
    for (const href of [
      flatHistoryUrl('https://chat.example.com', id),
      envelopeHistoryUrl('https://chat.example.com', id, 0, 50),
    ]) {
      const url = new URL(href);
      expect(url.origin).toBe('https://chat.example.com');
      expect(url.pathname.split('/')).toHaveLength(7);
    }
  });
});

describe('frames over the size cap are dropped before parsing', () => {
  /** Valid JSON one character over `max`: only the size check can refuse it. */
  const over = (max: number, prefix = '') => {
    const frame = { content: 'x', text: 'x', type: 'msg', from: 'bot', to: 'me', padding: '' };
    const base = prefix.length + JSON.stringify(frame).length;
    return prefix + JSON.stringify({ ...frame, padding: 'p'.repeat(max + 1 - base) });
  };

  it.each([
    ['ws-chat', () => over(MAX_FRAME_CHARS), (raw: string) => parseFrame(raw)],
    [
      'postoffice',
      () => over(postoffice.MAX_FRAME_CHARS),
      (raw: string) => postoffice.decodeFrame(raw, 'me'),
    ],
    ['chatfaq', () => over(chatfaq.MAX_FRAME_CHARS), (raw: string) => chatfaq.decodeFrame(raw, Date.now())],
    ['nchan', () => over(nchan.MAX_FRAME_CHARS), (raw: string) => nchan.splitFrame(raw, false)],
    ['TWIN (a Socket.IO packet)', () => over(MAX_PACKET_CHARS, '2'), (raw: string) => decodePacket(raw)],
  ])('%s', (_adapter, frame, decode) => {
    const raw = frame();
    const parse = vi.spyOn(JSON, 'parse');
    expect(decode(raw)).toBeNull();
    expect(parse).not.toHaveBeenCalled();
  });
});
