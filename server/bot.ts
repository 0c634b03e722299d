/**
 * The demo bot, independent of any wire protocol: `botReplies()` decides WHAT to answer (a pure
 * function, so every protocol module and the tests share one behaviour), `createBot()` decides WHEN
 * (a per-conversation queue with a delay, so replies never overtake each other).
 */

export const BOT_ID = 'bot';
export const BOT_NAME = 'Parley bot';
export const GREETING = 'Hello! I am the Parley demo bot. Type "help" to see what I can do.';

export const HELP_TEXT = [
  'Commands:',
  '- help: this list',
  '- echo <text>: I answer with exactly <text>',
  '- burst: three replies in a row (ordering)',
  '- long: a long paragraph (wrapping)',
  '- markdown: bold, italics, code and a link (safe rendering)',
  'Anything else: I repeat what you said.',
  'The TWIN demo adds: buttons, file, operator, stop.',
].join('\n');

const LONG_TEXT = Array.from(
  { length: 8 },
  (_, i) =>
    `Sentence ${i + 1}: a chat widget has to wrap long text, keep the composer reachable and never let the page's styles leak in.`,
).join(' ');

const MARKDOWN_TEXT =
  'Some **bold**, some _italics_, `inline code` and a link: https://example.com/docs?x=1 ' +
  '(and one that must stay text: javascript:alert(1)).';

export interface BotInput {
  /** What the visitor wrote, as received. */
  text: string;
  /** True for the first visitor message of a conversation: the bot greets first. */
  first: boolean;
}

/** The bot's answers to one visitor message, in the order they must appear. */
export function botReplies({ text, first }: BotInput): string[] {
  const replies = first ? [GREETING] : [];
  const trimmed = text.trim();
  // Commands are matched on the first word, case-insensitively, so "Help" and "help " work too.
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const command = word.toLowerCase();
  const argument = rest.join(' ');

  if (command === 'help') {
    replies.push(HELP_TEXT);
  } else if (command === 'echo') {
    replies.push(argument === '' ? 'Nothing to echo: try "echo hello".' : argument);
  } else if (command === 'burst') {
    replies.push('Burst 1 of 3', 'Burst 2 of 3', 'Burst 3 of 3');
  } else if (command === 'long') {
    replies.push(LONG_TEXT);
  } else if (command === 'markdown') {
    replies.push(MARKDOWN_TEXT);
  } else if (trimmed === '') {
    // An attachment-only message (empty text) still gets an answer, so the visitor sees life.
    replies.push('I received your message.');
  } else {
    replies.push(`You said: ${text}`);
  }
  return replies;
}

export interface BotOptions {
  /** Delay before each reply, in ms. Default 300 (the demo); 0 is fine for tests. */
  replyDelayMs?: number;
}

export interface Bot {
  /**
   * Queue `replies` for the conversation `key`. Each reply is delivered `replyDelayMs` after the
   * previous one, and after every reply queued earlier for the same key, so the order is fixed.
   * `onTyping` (optional) runs before each wait, for protocols that can show "bot is typing".
   */
  respond<T>(key: string, replies: readonly T[], deliver: (reply: T) => void, onTyping?: () => void): void;
  /** Forget every pending reply (server shutdown). Idempotent. */
  close(): void;
}

export function createBot(options: BotOptions = {}): Bot {
  const delayMs = Math.max(0, options.replyDelayMs ?? 300);
  // One promise chain per conversation: a new message waits for the replies to the previous one.
  const chains = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  // Always a real timer, even for 0 ms: replies must come after the echo sent synchronously.
  const wait = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, delayMs);
      timers.add(timer);
    });

  return {
    respond(key, replies, deliver, onTyping) {
      if (closed || replies.length === 0) return;
      const previous = chains.get(key) ?? Promise.resolve();
      const next = previous.then(async () => {
        for (const reply of replies) {
          if (closed) return;
          onTyping?.();
          await wait();
          if (closed) return;
          deliver(reply);
        }
      });
      // A throwing `deliver` must not break the chain for later messages.
      const guarded = next.catch((error: unknown) => {
        console.error('[parley-server] bot reply failed:', error);
      });
      chains.set(key, guarded);
      // Drop the entry once idle so long-running servers do not keep one per conversation forever.
      void guarded.then(() => {
        if (chains.get(key) === guarded) chains.delete(key);
      });
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      chains.clear();
    },
  };
}
