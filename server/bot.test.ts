// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Bot, botReplies, createBot, GREETING, HELP_TEXT } from './bot';
import { waitFor } from './test-helpers';

describe('botReplies', () => {
  it('greets on the first message of a conversation, then answers it', () => {
    expect(botReplies({ text: 'hi there', first: true })).toEqual([GREETING, 'You said: hi there']);
  });

  it('echoes later messages without greeting again', () => {
    expect(botReplies({ text: 'again', first: false })).toEqual(['You said: again']);
  });

  it('lists the commands on "help", whatever the case and spacing', () => {
    expect(botReplies({ text: '  HELP ', first: false })).toEqual([HELP_TEXT]);
    expect(HELP_TEXT).toContain('echo');
    expect(HELP_TEXT).toMatch(/buttons, file, operator, stop/);
  });

  it('answers "echo <text>" with the text alone', () => {
    expect(botReplies({ text: 'echo a  b', first: false })).toEqual(['a b']);
    expect(botReplies({ text: 'echo', first: false })[0]).toMatch(/Nothing to echo/);
  });

  it('sends three ordered replies on "burst"', () => {
    expect(botReplies({ text: 'burst', first: false })).toEqual([
      'Burst 1 of 3',
      'Burst 2 of 3',
      'Burst 3 of 3',
    ]);
  });

  it('answers an empty (attachment-only) message', () => {
    expect(botReplies({ text: '', first: false })).toEqual(['I received your message.']);
  });
});

describe('createBot', () => {
  let bot: Bot | undefined;
  afterEach(() => bot?.close());

  it('delivers replies in order across messages, even with a delay', async () => {
    bot = createBot({ replyDelayMs: 5 });
    const got: string[] = [];
    bot.respond('c1', ['a1', 'a2'], (reply) => got.push(reply));
    bot.respond('c1', ['b1'], (reply) => got.push(reply));
    await waitFor(() => got.length === 3, 'three replies');
    expect(got).toEqual(['a1', 'a2', 'b1']);
  });

  it('delivers after the current turn even with 0 ms, and reports typing before each reply', async () => {
    bot = createBot({ replyDelayMs: 0 });
    const events: string[] = [];
    bot.respond(
      'c1',
      ['x', 'y'],
      (reply) => events.push(reply),
      () => events.push('typing'),
    );
    expect(events).toEqual([]); // never synchronous: the echo always goes out first
    await waitFor(() => events.length === 4, 'two replies');
    expect(events).toEqual(['typing', 'x', 'typing', 'y']);
  });

  it('keeps going after a delivery throws', async () => {
    bot = createBot({ replyDelayMs: 0 });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const got: string[] = [];
      bot.respond('c1', ['boom'], () => {
        throw new Error('boom');
      });
      bot.respond('c1', ['ok'], (reply) => got.push(reply));
      await waitFor(() => got.length === 1, 'the reply after the failure');
      expect(got).toEqual(['ok']);
      expect(quiet).toHaveBeenCalledOnce();
    } finally {
      quiet.mockRestore();
    }
  });

  it('delivers nothing after close()', async () => {
    bot = createBot({ replyDelayMs: 0 });
    const got: string[] = [];
    bot.respond('c1', ['late'], (reply) => got.push(reply));
    bot.close();
    // Queue a marker on a fresh bot: once it arrived, the closed bot's timer would have fired too.
    const other = createBot({ replyDelayMs: 0 });
    let marker = false;
    other.respond('c2', ['m'], () => {
      marker = true;
    });
    await waitFor(() => marker, 'the marker');
    other.close();
    expect(got).toEqual([]);
  });
});
