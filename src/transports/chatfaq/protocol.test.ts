// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BotStack,
  decodeFrame,
  encodeHeartbeat,
  encodeMessage,
  encodeProbe,
  encodeReset,
  MAX_FRAME_CHARS,
  probeIdOf,
  type ServerFrame,
  socketUrl,
} from './protocol';

afterEach(() => vi.restoreAllMocks());
const NOW = 1_700_000_000_000;

function stackOf(frame: ServerFrame | null): BotStack {
  if (frame?.type !== 'stack') throw new Error(`not a stack: ${JSON.stringify(frame)}`);
  return frame.stack;
}
const frame = (body: object) => decodeFrame(JSON.stringify(body), NOW);
const bot = (stack: unknown[], extra: object = {}) => ({
  type: 'response',
  status: 200,
  sender: { type: 'bot' },
  stack_id: 's1',
  stack_group_id: 'g1',
  last_chunk: true,
  last: true,
  send_time: NOW + 5,
  id: 42,
  stack,
  ...extra,
});

describe('chatfaq socket URL', () => {
  it('puts conversation, FSM and sender in the path and token and metadata in the query', () => {
    const url = new URL(
      socketUrl('https://bot.example.com/chatfaq', {
        conversationId: 'c-1',
        fsm: 'demo',
        senderId: 'u_7',
        token: 't k',
        metadata: { plan: 'pro' },
      }),
    );
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe('/chatfaq/back/ws/broker/c-1/demo/u_7/');
    expect(url.searchParams.get('token')).toBe('t k');
    expect(JSON.parse(url.searchParams.get('metadata') ?? '')).toEqual({ plan: 'pro' });
  });

  it('leaves out the optional sender, token and empty metadata', () => {
    expect(socketUrl('http://127.0.0.1:9/', { conversationId: 'c', fsm: 'f', metadata: {} })).toBe(
      'ws://127.0.0.1:9/back/ws/broker/c/f/',
    );
  });
});

describe('chatfaq encoders', () => {
  it('sends a visitor message as one MML stack whose stack id is the client id', () => {
    expect(JSON.parse(encodeMessage({ clientId: 'cid', text: 'hi' }, 'u1'))).toEqual({
      sender: { type: 'human', platform: 'WS', id: 'u1' },
      stack: [{ type: 'message', payload: { content: 'hi' } }],
      stack_id: 'cid',
      stack_group_id: 'cid',
      last: true,
    });
  });

  it("sends a chosen quick reply's id after its text, and uploaded files as file_uploaded layers", () => {
    const wire = JSON.parse(
      encodeMessage({ clientId: 'c', text: 'Yes', answerId: 'qr-yes' }, undefined, [
        { path: 'up/1', name: 'a.pdf' },
      ]),
    );
    expect(wire.sender).toEqual({ type: 'human', platform: 'WS' });
    expect(wire.stack).toEqual([
      { type: 'message', payload: { content: 'Yes' } },
      { type: 'quick_replies', payload: [{ id: 'qr-yes', text: 'Yes' }] },
      { type: 'file_uploaded', payload: { s3_path: 'up/1', name: 'a.pdf' } },
    ]);
  });

  it('writes a probe the consumer must refuse, and finds its id in the error that answers it', () => {
    expect(JSON.parse(encodeProbe('ab:3'))).toEqual({ sender: { type: 'parley-probe-ab:3' }, stack: [] });
    const answer = frame({
      type: 'response',
      status: 400,
      payload: { sender: { type: ['"parley-probe-ab:3" is not a valid choice.'] } },
    });
    expect(answer?.type === 'error' && probeIdOf(answer.detail)).toBe('ab:3');
    expect(probeIdOf('{"stack":["This field is required."]}')).toBeNull();
  });

  it('writes heartbeats and resets as the consumer expects them', () => {
    expect(JSON.parse(encodeHeartbeat())).toEqual({ heartbeat: true });
    expect(JSON.parse(encodeReset('42'))).toEqual({ reset: 42 });
    expect(JSON.parse(encodeReset('abc-1'))).toEqual({ reset: 'abc-1' });
  });
});

describe('chatfaq decodeFrame', () => {
  it('reads a bot message with its id, time and turn flags', () => {
    const s = stackOf(frame(bot([{ type: 'message', streaming: false, payload: { content: 'Hello' } }])));
    expect(s).toMatchObject({
      id: '42',
      stackId: 's1',
      fromVisitor: false,
      at: NOW + 5,
      text: 'Hello',
      streaming: false,
      last: true,
    });
  });

  it('marks message_chunk frames of a streaming stack, with their null id', () => {
    const s = stackOf(
      frame(
        bot([{ type: 'message_chunk', streaming: true, payload: { content: 'Hel' } }], {
          id: null,
          last_chunk: false,
          last: false,
        }),
      ),
    );
    expect(s.streaming).toBe(true);
    expect(s.lastChunk).toBe(false);
    expect(s.id).toBeUndefined();
    expect(s.text).toBe('Hel');
  });

  it('reads quick replies, file downloads, upload requests, close and gtm layers', () => {
    const s = stackOf(
      frame(
        bot([
          { type: 'message', payload: { content: 'Pick one' } },
          {
            type: 'quick_replies',
            payload: [{ text: 'A', id: 'a', meta: {} }, { id: 'no-text' }, { text: 'B', id: 2 }],
          },
          {
            type: 'file_download',
            payload: { content: 'Your file', name: 'r.pdf', url: 'https://x.test/r.pdf' },
          },
          {
            type: 'file_upload',
            payload: {
              content: 'Send a PDF',
              files: {
                pdf: {
                  max_size: 1000,
                  presigned_url: 'https://x.test/up',
                  s3_path: 'p/1',
                  content_type: 'application/pdf',
                },
                exe: { max_size: 1, presigned_url: 'javascript:alert(1)', s3_path: 'p/2' },
                txt: { max_size: 5 },
              },
            },
          },
          { type: 'gtm_tag', payload: { event: 'chat_step' } },
          { type: 'close_conversation', payload: {} },
        ]),
      ),
    );
    expect(s.text).toBe('Pick one\n\nYour file\n\nSend a PDF');
    expect(s.answers).toEqual([
      { text: 'A', id: 'a' },
      { text: 'B', id: '2' },
    ]);
    expect(s.attachments).toEqual([{ name: 'r.pdf', url: 'https://x.test/r.pdf' }]);
    expect(s.uploads).toEqual([
      { ext: 'pdf', maxBytes: 1000, url: 'https://x.test/up', path: 'p/1', contentType: 'application/pdf' },
    ]);
    expect(s.gtm).toEqual([{ event: 'chat_step' }]);
    expect(s.close).toBe(true);
  });

  it('hides tool layers, even a tool_result that says it comes from the human, and skips unknown layers', () => {
    const s = stackOf(
      frame(
        bot(
          [
            { type: 'tool_result', payload: { content: 'rows: 3' } },
            { type: 'message', payload: { content: 'tool output as text' } },
          ],
          { sender: { type: 'human' } },
        ),
      ),
    );
    expect(s.fromVisitor).toBe(true);
    expect(s.text).toBe('');
    const other = stackOf(
      frame(
        bot([
          { type: 'tool_use', payload: { name: 'search', args: {} } },
          { type: 'hologram', payload: { content: 'x' } },
          { type: 'message', payload: { content: 'ok' } },
        ]),
      ),
    );
    expect(other.text).toBe('ok');
  });

  it('drops a javascript: download URL but keeps the text', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const s = stackOf(
      frame(
        bot([{ type: 'file_download', payload: { content: 'f', name: 'x', url: 'javascript:alert(1)' } }]),
      ),
    );
    expect(s.attachments).toEqual([]);
    expect(s.text).toBe('f');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('turns an error frame into an error with a bounded detail', () => {
    expect(frame({ type: 'response', status: 400, payload: { stack: ['bad'] } })).toEqual({
      type: 'error',
      status: 400,
      detail: '{"stack":["bad"]}',
    });
  });

  it('drops what is not a frame, with one warning each and without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bad: unknown[] = [
      'not json',
      '[1,2]',
      '{"type":"response"}',
      new ArrayBuffer(2),
      'x'.repeat(MAX_FRAME_CHARS + 1),
      'null',
    ];
    for (const raw of bad) expect(decodeFrame(raw, NOW)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(bad.length);
  });

  it('survives wrong types inside a stack', () => {
    const s = stackOf(
      frame(
        bot(
          [null, 7, { type: 'message', payload: { content: 5 } }, { type: 'quick_replies', payload: 'x' }],
          {
            id: { x: 1 },
            send_time: 'soon',
            sender: 'bot',
          },
        ),
      ),
    );
    expect(s).toMatchObject({ text: '', answers: [], at: NOW, fromVisitor: false });
    expect(s.id).toBeUndefined();
  });
});
